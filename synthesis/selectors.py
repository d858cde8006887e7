"""Reads of synthesis as a whole: its line on the review home (the analyses themselves are
read in synthesis.analysis.selectors)."""
from django.utils.translation import gettext_lazy as _

from .analysis.selectors import analyses_with_runs
from .models import PoolingRun


def stage_counts(*, review):
    snapshot, pairs = analyses_with_runs(review=review)
    if snapshot is None:
        return {}
    done = sum(1 for _a, r in pairs if r and r.status == PoolingRun.Status.DONE)
    failed = sum(1 for _a, r in pairs if r and r.status == PoolingRun.Status.FAILED)
    return {"synthesis": [(_("Snapshot"), snapshot.number), (_("Analyses"), len(pairs)),
                          (_("Pooled"), done), (_("Failed"), failed)]}
