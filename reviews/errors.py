"""Error answers: JSON on the API, pages in the base layout elsewhere, in both languages.

Django calls these for 400, 403, 404 and 500 when DEBUG is off (config.urls names them), so
nobody sees a debug page or a bare line of text. Each page says what happened and where to
go next. The 500 page renders without the request's context processors (the database may
be what failed) and falls back to plain HTML if even that fails.
"""
import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PAGES = {
    400: (_("The request could not be read"),
          _("Something in the address or the form was not valid. Go back, check what you "
            "entered and try again.")),
    403: (_("You may not do this"),
          _("Your role in this review does not allow this page or action. Ask the review's "
            "owner if you need a different role.")),
    404: (_("Page not found"),
          _("There is nothing here, or it belongs to a review you are not a member of. "
            "Check the address, or start again from your reviews.")),
    500: (_("Something went wrong on our side"),
          _("The error has been logged. Try again in a moment; if it keeps happening, tell "
            "the person who runs this Prismflow.")),
}
API_DETAIL = {400: "Bad request.", 403: "You do not have permission to perform this action.",
              404: "Not found.", 500: "Server error."}


def _is_api(request):
    return request.path.startswith("/api/")


def _answer(request, status, reason="", *, with_context=True):
    if _is_api(request):
        return JsonResponse({"detail": API_DETAIL[status]}, status=status)
    title, text = PAGES[status]
    context = {"status": status, "title": title, "text": text, "reason": reason}
    try:
        body = loader.render_to_string("errors/error.html", context,
                                       request=request if with_context else None)
    except Exception:  # noqa: BLE001 - the last resort must not raise
        logger.exception("the error page itself failed")
        body = f"<!DOCTYPE html><title>{status}</title><h1>{title}</h1><p>{text}</p>"
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _answer(request, 400)


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return _answer(request, 403, reason)


def page_not_found(request, exception=None):
    return _answer(request, 404)


def server_error(request):
    return _answer(request, 500, with_context=False)


class Missing(ValidationError):
    """A service's refusal because the request names (in its body) something that does not
    exist in the review, like an unknown id in the address: 404 in the API; on a page, a
    message like any other refusal."""


class Conflict(ValidationError):
    """A service's refusal because of the state things are in (extraction locked, a pair
    already decided, a file already imported), not because of what the request says: 409 in
    the API (reviews.api_errors); on a page, a message like any other refusal."""
