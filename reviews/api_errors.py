"""One place where a service's refusal becomes an API answer (REST_FRAMEWORK's
EXCEPTION_HANDLER), for every API view: services raise, views do not catch.

- `Conflict` (reviews.errors; a ValidationError: the request is well formed, but the state of
  things refuses it: extraction locked, a pair already decided, a file already imported): 409.
- `Missing` (reviews.errors: the body names something not in the review): 404.
- Django's ValidationError: 400, with the field names where the service gave them; 409 when
  every error is a uniqueness one (a name already taken).
- Django's PermissionDenied: 403. ObjectDoesNotExist (and Http404): 404.
- Anything DRF knows (its own exceptions) as DRF answers it.

An API module may add fields to the answer for one exception class with `refusal_body`
(e.g. the pair as someone else decided it), or give a class that is not a ValidationError its
status and body with `refusal`.
"""
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, Missing

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


def _only_unique(exc):
    """Whether every error is a uniqueness one (model validation: a name already taken)."""
    codes = [e.code for e in exc.error_list] if not hasattr(exc, "error_dict") else [
        e.code for errors in exc.error_dict.values() for e in errors]
    return bool(codes) and all(c in ("unique", "unique_together") for c in codes)


def exception_handler(exc, context):
    known = _first(_STATUSES, exc)
    if known is not None:
        code, body = known
        return Response(body(exc), status=code)
    if isinstance(exc, ValidationError):
        if isinstance(exc, Missing):
            code = status.HTTP_404_NOT_FOUND
        elif isinstance(exc, Conflict) or _only_unique(exc):
            code = status.HTTP_409_CONFLICT  # a name already taken is a conflict too
        else:
            code = status.HTTP_400_BAD_REQUEST
        # 404 and 409 answer one text, like DRF's other non-field errors (ErrorOutput).
        body = (_validation_body(exc) if code == status.HTTP_400_BAD_REQUEST
                else {"detail": "; ".join(exc.messages)})
        extra = _first(_BODIES, exc)
        if extra is not None:
            body = {**body, **extra(exc)}
        return Response(body, status=code)
    if isinstance(exc, PermissionDenied):
        # DRF answers Django's PermissionDenied with a fixed text; the service's reason is
        # more use to the caller.
        exc = DrfPermissionDenied(str(exc) or None)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = NotFound()
    return drf_exception_handler(exc, context)
