"""Signals other apps listen to; extraction never imports them."""

from django.dispatch import Signal

# Sent after the commit of a lock, with review_id and snapshot_id. Synthesis pools on it.
extraction_locked = Signal()
