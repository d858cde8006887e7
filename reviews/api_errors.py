"""One place where a service's refusal becomes an API answer (REST_FRAMEWORK's
EXCEPTION_HANDLER), for every API view: services raise, views do not catch.

- `Conflict` (reviews.errors; a ValidationError: the request is well formed, but the state of
  things refuses it: extraction locked, a pair already decided, a file already imported): 409.
- Django's ValidationError: 400, with the field names where the service gave them.
- Django's PermissionDenied: 403. ObjectDoesNotExist (and Http404): 404.
- Anything DRF knows (its own exceptions) as DRF answers it.

An API module may add fields to the answer for one exception class with `refusal_body`
(e.g. the pair as someone else decided it), or give a class that is not a ValidationError its
status and body with `refusal`.
"""
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict

_BODIES = {}    # exception class -> function(exc) -> extra fields of the answer
_STATUSES = {}  # exception class (not a ValidationError) -> (status, function(exc) -> body)


def refusal_body(cls):
    """Registers `function(exc) -> dict` whose fields join the answer to a `cls` refusal."""
    def register(function):
        _BODIES[cls] = function
        return function
    return register


def refusal(cls, code):
    """Registers `function(exc) -> dict`, the whole answer with status `code` to `cls`."""
    def register(function):
        _STATUSES[cls] = (code, function)
        return function
    return register


def _first(registry, exc):
    for klass in type(exc).__mro__:
        if klass in registry:
            return registry[klass]
    return None


def _validation_body(exc):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"detail": exc.messages}


def exception_handler(exc, context):
    known = _first(_STATUSES, exc)
    if known is not None:
        code, body = known
        return Response(body(exc), status=code)
    if isinstance(exc, ValidationError):
        code = (status.HTTP_409_CONFLICT if isinstance(exc, Conflict)
                else status.HTTP_400_BAD_REQUEST)
        # A conflict answers one text, like DRF's other non-field errors (ErrorOutput).
        body = ({"detail": "; ".join(exc.messages)} if isinstance(exc, Conflict)
                else _validation_body(exc))
        extra = _first(_BODIES, exc)
        if extra is not None:
            body = {**body, **extra(exc)}
        return Response(body, status=code)
    if isinstance(exc, PermissionDenied):
        # DRF answers Django's PermissionDenied with a fixed text; the service's reason is
        # more use to the caller.
        from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied

        exc = DrfPermissionDenied(str(exc) or None)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = NotFound()
    return drf_exception_handler(exc, context)
