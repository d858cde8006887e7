"""The page counterpart of api_errors.exception_handler: a service's refusal becomes a message on
the page (field by field where it named fields) instead of an error page."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def refusal_texts(exc):
    """A refusal's texts, one per field it named (a field's several errors joined)."""
    if hasattr(exc, "message_dict"):
        return ["; ".join(m) for m in exc.message_dict.values()]
    return getattr(exc, "messages", [str(exc)])


def refusal_text(exc):
    """A refusal as one text, for a form's error or a single message."""
    return "; ".join(refusal_texts(exc))


def page_service_call(request, service, success, **kwargs):
    """Call `service(actor=request.user, **kwargs)`. On a refusal the messages go to the page
    and None comes back; otherwise the result (True when the service returns nothing)."""
    try:
        result = service(actor=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        for text in refusal_texts(exc):
            messages.error(request, text)
        return None
    if success:
        messages.success(request, success)
    return True if result is None else result
