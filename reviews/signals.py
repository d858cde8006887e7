"""Signals other apps listen to; reviews never imports them."""

from django.db import transaction
from django.dispatch import Signal

# The set of a review's unique records changed: a de-duplication run finished, or a person
# merged or split records. Sent after commit with review_id; screening makes or withdraws
# its title/abstract items then, instead of checking on every page load.
unique_records_changed = Signal()


def announce_unique_records_changed(review_id):
    transaction.on_commit(
        lambda: unique_records_changed.send(sender=None, review_id=review_id)
    )

# The votes each record needs changed. Sent synchronously, inside the transaction of the
# change, with review and actor: screening re-judges the records that change affects, so
# the setting and the records' statuses commit (or roll back) together.
reviewers_per_record_changed = Signal()
