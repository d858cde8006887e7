"""Reads of prioritisation: the kept model's relevance of a record, and the stopping rule's
figures for the overview."""
import logging

from ..models import SETTLED_STATUSES, Item, ItemStatus, Stage
from .store import PerReview, load_scorer, model_path

log = logging.getLogger(__name__)


_SCORERS = PerReview(size=20)  # review id -> scorer, or None when unusable, by file stamp
_UNKNOWN = object()


def relevance_of(review_id, texts):
    """The kept model's relevance of each text, 0 to 1 (the logistic of its score; a rank,
    not a calibrated probability), or None for each when no model is kept yet. A read for
    the screening page: it scores with the last retrain's model and never fits one."""
    try:
        status = model_path(review_id).stat()
    except FileNotFoundError:
        return [None] * len(texts)
    # The inode too: each retrain renames a new file into place, whatever the clock's grain.
    stamp = (status.st_ino, status.st_mtime_ns)
    scorer = _SCORERS.get(review_id, stamp, _UNKNOWN)
    if scorer is _UNKNOWN:
        scorer = _SCORERS.put(review_id, stamp, _usable_scorer(review_id))
    if scorer is None:
        return [None] * len(texts)
    import numpy as np

    scores = scorer.score(texts)
    return [float(v) for v in 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))]


def _usable_scorer(review_id):
    """The kept scorer, or None when it cannot serve: damaged, from an older release, or not
    matching its vectorisers. The None is kept under the file's stamp like a scorer, so the
    page does not read a useless file on every view; the next retrain's file is read anew."""
    try:
        return load_scorer(review_id)
    except Exception:
        log.warning("ranking model of review %s unreadable", review_id, exc_info=True)
        return None


def stopping_for_review(*, review, screening=None):
    """The stopping rule's figures for title/abstract screening (stopping.py), at the
    recall target and confidence the owner set. Read from settled decisions only, in the
    order they were settled (the order the team worked through the ranked queue), never
    from single votes, so no reviewer learns another's vote from them. Records a stop in
    force set aside are out of the count; access is checked by the caller."""
    from ..models import ScreeningSettings, StoppingDecision

    if screening is None:
        screening = ScreeningSettings.objects.filter(review=review).first() or \
            ScreeningSettings(review=review)
    items = Item.objects.filter(review=review, stage=Stage.TITLE_ABSTRACT)
    labels = [int(status == ItemStatus.INCLUDED) for status in
              items.filter(status__in=SETTLED_STATUSES).order_by("settled_at", "id")
              .values_list("status", flat=True)]
    n_total = items.exclude(status=ItemStatus.STOPPED).count()
    figures = _stopping_figures(review.id, labels, n_total,
                                recall_target=screening.stop_recall_target,
                                confidence=screening.stop_confidence)
    unvoted = items.filter(status=ItemStatus.PENDING, live_votes=0).count()
    in_force = StoppingDecision.objects.filter(review=review, undone_at__isnull=True).first()
    return {"figures": figures, "unvoted": unvoted, "in_force": in_force,
            "history": StoppingDecision.objects.filter(review=review)
            .select_related("adopted_by", "undone_by")}


STOPPING_SECONDS = 24 * 3600


def _stopping_figures(review_id, labels, n_total, *, recall_target, confidence):
    """stopping.stopping_figures, kept in the cache under its very inputs (the
    settled labels in order, hashed): on a review of 50,000 records its hypergeometric
    searches take seconds, and the overview asks for them on every load while the labels
    change only as records settle. A key of the inputs is never stale, so nothing has to
    forget it. The cache keeps plain values, never the dataclass: a pickled class is found
    by its module path, and the entry of a release where the class lived elsewhere (it moved
    from screening.stopping) could not be read by the next."""
    import dataclasses
    import hashlib

    from django.core.cache import cache

    from .stopping import StoppingFigures, stopping_figures

    digest = hashlib.sha256(bytes(labels)).hexdigest()[:32]
    key = (f"prismflow:stopping-figures:{review_id}:{n_total}:{recall_target}:{confidence}:"
           f"{len(labels)}:{digest}")
    kept = cache.get(key)
    if isinstance(kept, dict):
        return StoppingFigures(**kept)
    figures = stopping_figures(labels, n_total, recall_target=recall_target,
                               confidence=confidence)
    cache.set(key, dataclasses.asdict(figures), timeout=STOPPING_SECONDS)
    return figures
