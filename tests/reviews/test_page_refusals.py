"""A service's refusal as a page shows it (reviews.pages): every view that turns a refusal into
a form error or a message reads it the same way."""
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.pages import refusal_text, refusal_texts


def test_a_refusal_naming_fields_gives_one_text_per_field():
    exc = ValidationError({"name": ["Too long.", "Taken."], "days": ["1 to 366."]})
    assert refusal_texts(exc) == ["Too long.; Taken.", "1 to 366."]
    # One text: every message, in the order the service gave them, as exc.messages lists them.
    assert refusal_text(exc) == "Too long.; Taken.; 1 to 366." == "; ".join(exc.messages)


def test_a_plain_refusal_and_a_list_of_them():
    assert refusal_text(ValidationError("Locked.")) == "Locked."
    assert refusal_text(ValidationError(["One.", "Two."])) == "One.; Two."


def test_a_permission_refusal_gives_its_reason():
    assert refusal_texts(PermissionDenied("Sent to someone else.")) == ["Sent to someone else."]
    assert refusal_text(PermissionDenied("Sent to someone else.")) == "Sent to someone else."
