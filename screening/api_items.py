"""What the screening API and the full-text API share: a body sent to the item in the URL."""
from rest_framework.exceptions import ValidationError

from .selectors import review_item


def valid_for_item(data, review, item_id):
    """Validate a body sent to an item: a record of another review (or none) is 404 first,
    whatever the body says. The item is read only when the body is invalid: a valid body
    costs no extra query (the service checks the item under its lock)."""
    if not data.is_valid():
        review_item(review=review, item_id=item_id)
        raise ValidationError(data.errors)
    return data
