"""A service's refusal as a page shows it (reviews.pages): every view that turns a refusal into
a form error or a message reads it the same way."""
import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from reviews.models import Record
from reviews.pages import page_service_call, refusal_text, refusal_texts


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


def _request(rf, user):
    request = rf.post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _gone(*, actor):
    raise Record.DoesNotExist


def _refused(*, actor):
    raise ValidationError("Not merged.")


def test_a_missing_object_is_a_404_only_when_the_page_says_so(rf, django_user_model):
    request = _request(rf, django_user_model(username="u"))
    with pytest.raises(Http404):
        page_service_call(request, _gone, "Done.", missing=(Record.DoesNotExist,))
    with pytest.raises(Record.DoesNotExist):  # not named: not turned into anything
        page_service_call(request, _gone, "Done.")
    # A refusal stays a message, whatever `missing` names.
    assert page_service_call(request, _refused, "Done.", missing=(Record.DoesNotExist,)) is None
    assert [str(m) for m in get_messages(request)] == ["Not merged."]
