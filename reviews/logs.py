"""Logging filters: a refused request is one warning line, never a traceback."""
import logging


class NoTracebackForClientErrors(logging.Filter):
    """django.request logs a PermissionDenied (403) with its traceback; a denial is the
    access rule working, not a fault, so it keeps its one line ("Forbidden (Permission
    denied): /path") and loses the traceback. Server errors (5xx) keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info, record.exc_text = None, None
        return True
