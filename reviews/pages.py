"""The page counterpart of api_errors.exception_handler: a service's refusal becomes a message on
the page (field by field where it named fields) instead of an error page."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


def refusal_texts(exc):
    """A refusal's texts, one per field it named (a field's several errors joined)."""
    if hasattr(exc, "message_dict"):
        return ["; ".join(m) for m in exc.message_dict.values()]
    return getattr(exc, "messages", [str(exc)])


def refusal_text(exc):
    """A refusal as one text, for a form's error or a single message."""
    return "; ".join(refusal_texts(exc))


def page_service_call(request, service, success, *, missing=(), **kwargs):
    """Call `service(actor=request.user, **kwargs)`. On a refusal the messages go to the page
    and None comes back; otherwise the result (True when the service returns nothing).
    `missing`: exception classes (a model's DoesNotExist) saying the object the page names is
    not in the review; they become a 404, as an object of another review is not found."""
    try:
        result = service(actor=request.user, **kwargs)
    except missing as exc:
        raise Http404 from exc
    except (ValidationError, PermissionDenied) as exc:
        for text in refusal_texts(exc):
            messages.error(request, text)
        return None
    if success:
        messages.success(request, success)
    return True if result is None else result
