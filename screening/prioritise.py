"""Prioritisation: order the title/abstract queue by the model trained on settled decisions.

Runs in a Celery task, never in a vote's request: a vote only enqueues it (on commit), and
at most one run per review is queued at a time (a cache flag), so a busy team triggers one
retrain after another rather than one per vote.
"""
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from reviews.models import Record

from .models import SETTLED_STATUSES, Item, ItemStatus, Stage
from .schedule import retrain_due

TOP = 2000  # queue positions written per retrain


def _flag(review_id):
    return f"prismflow:rerank-queued:{review_id}"


def _last(review_id):
    return f"prismflow:rerank-last:{review_id}"


def prioritise_soon(review_id, settled_count, first_include=False):
    """Enqueue a retrain after a settlement when it is due; called inside the vote's
    transaction, so the task sees the committed decision."""
    if not retrain_due(settled_count, cache.get(_last(review_id), 0), first_include):
        return
    if not cache.add(_flag(review_id), 1, timeout=600):
        return  # one is already queued
    cache.set(_last(review_id), settled_count, timeout=None)
    from .tasks import items_prioritise

    transaction.on_commit(lambda: items_prioritise.delay(review_id))


_FEATURES = {}  # review id -> (key, features): the worker keeps them between runs


def _features(review_id, rows):
    """TF-IDF of the review's records, fitted once and reused while the records stay the
    same: the texts do not change as votes come in, only the labels do, so a retrain costs
    a classifier fit rather than a pass over every abstract."""
    key = (len(rows), rows[-1][ID], rows[0][ID])
    cached = _FEATURES.get(review_id)
    if cached and cached[0] == key:
        return cached[1]
    records = Record.objects.in_bulk([row[RECORD] for row in rows])
    from .ranking import featurize, record_text  # scikit-learn: loaded by the worker only

    texts = [record_text(r.title, r.abstract, r.keywords)
             for r in (records[row[RECORD]] for row in rows)]
    features = featurize(texts)
    _FEATURES.clear()  # one review at a time is enough and keeps the worker's memory flat
    _FEATURES[review_id] = (key, features)
    return features


ID, STATUS, PRIORITY, RECORD = range(4)


def items_prioritise_run(*, review_id):
    """Recompute the priority of every unsettled title/abstract item. Safe to run twice:
    it only writes scores derived from the current decisions."""
    cache.delete(_flag(review_id))
    # Plain rows, not model instances: building 50,000 Items took most of a retrain's time.
    rows = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT)
                .order_by("id").values_list("id", "status", "priority", "record_id"))
    if not rows:
        return 0
    labels = {i: int(row[STATUS] == ItemStatus.INCLUDED) for i, row in enumerate(rows)
              if row[STATUS] in SETTLED_STATUSES}
    if not any(labels.values()):
        return 0  # no relevant record yet: the stable order stays
    from .ranking import fit_model, score, unlabelled_by_score

    features = _features(review_id, rows)
    # One fit serves both the queue and the kept scorer (ranking.rank_features would fit
    # the same model again).
    model = fit_model(features, labels)
    scores = score(model, features)
    order = unlabelled_by_score(scores, labels)
    _keep_model(review_id, model, scores, labels, order[:TOP])
    # Only the head of the queue is served before the next retrain, so only the head is
    # written: the rest fall back to priority 0 (then id order). Writing every item's score
    # on a 50,000-record review kept the database busy for seconds per retrain.
    head = {rows[index][ID]: float(TOP - position) for position, index in enumerate(order[:TOP])}
    changed = [(row[ID], head.get(row[ID], 0.0)) for row in rows
               if row[PRIORITY] != head.get(row[ID], 0.0)]
    # Small transactions: one over many items would hold row locks that votes wait on.
    for start in range(0, len(changed), 500):
        with transaction.atomic():
            _write_priorities(changed[start:start + 500])
    return len(changed)


def _write_priorities(pairs):
    """On PostgreSQL one UPDATE joined to the new values: bulk_update's CASE expression
    compares every row with every id, which cost the database more than the retrain."""
    if connection.vendor != "postgresql":
        Item.objects.bulk_update([Item(id=i, priority=p) for i, p in pairs], ["priority"])
        return
    table = connection.ops.quote_name(Item._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS item SET priority = new.priority "  # noqa: S608 (model name)
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::float8[]) AS priority) AS new "
            "WHERE item.id = new.id",
            [[i for i, _p in pairs], [p for _i, p in pairs]],
        )


log = logging.getLogger(__name__)


def model_path(review_id):
    """Where the review's last fitted model is kept: under MEDIA_ROOT, which is never served
    (no URL maps it) and which workers on several machines already share for full texts.
    The vectorisers (large: the vocabulary) go to a file of their own, written only when
    the records change, so a retrain on new labels rewrites only the small classifier."""
    return Path(settings.MEDIA_ROOT) / "ranking" / f"review-{review_id}.joblib"


def _vectorizers_path(review_id):
    return model_path(review_id).with_suffix(".features.joblib")


def _dump(obj, path):
    """Written aside and renamed: a scoring task never reads half a file."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            joblib.dump(obj, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_KEPT_FEATURES = {}  # review id -> (features object whose vectorisers are on disk, stamp)


def _keep_model(review_id, model, scores, labels, head):
    """Save the model this retrain ranked with, for records that arrive before the next."""
    from .scorer import has_both_classes, keep_scorer

    if not has_both_classes(labels):
        return
    features = model.features
    kept = _KEPT_FEATURES.get(review_id)
    vectorizers_file = _vectorizers_path(review_id)
    # The very object, held here: an id() could be reused by the next features object.
    if kept is None or kept[0] is not features or not vectorizers_file.exists():
        kept = (features, uuid.uuid4().hex)
        _dump({"stamp": kept[1], "vectorizers": features.vectorizers,
               "weights": features.weights}, vectorizers_file)
        _KEPT_FEATURES.clear()
        _KEPT_FEATURES[review_id] = kept
    scorer = keep_scorer(model, scores, top=TOP, head=head)
    scorer.model.features = None  # kept apart, see model_path
    _dump({"stamp": kept[1], "scorer": scorer}, model_path(review_id))


def _load_scorer(review_id):
    """The kept scorer with its vectorisers, or None when there is none or the two files do
    not belong together (a retrain wrote one between the reads: the next run reads both)."""
    import joblib

    path = model_path(review_id)
    if not path.exists():
        return None
    kept = joblib.load(path)
    features = _kept_features(review_id, kept["stamp"])
    if features is None:
        return None
    scorer = kept["scorer"]
    scorer.model.features = features
    return scorer


_VOCABULARIES = {}  # review id -> (stamp, vectorisers as ranking.Features, without matrix)


def _kept_features(review_id, stamp):
    """The vectorisers written with ``stamp``, read from their file once per stamp: a retrain
    on new labels rewrites only the small model file, and reading the vocabulary again after
    each one (every label, early on) would cost the screening page far more than scoring."""
    import joblib

    from .ranking import Features

    cached = _VOCABULARIES.get(review_id)
    if cached and cached[0] == stamp:
        return cached[1]
    saved = joblib.load(_vectorizers_path(review_id))
    if saved["stamp"] != stamp:
        return None
    features = Features(None, saved["vectorizers"], saved.get("weights", []))
    if len(_VOCABULARIES) > 20:
        _VOCABULARIES.clear()
    _VOCABULARIES[review_id] = (stamp, features)
    return features


def items_score_new_run(*, review_id, after_id):
    """Give the title/abstract items made after item ``after_id`` (an import's new records)
    the priority the last retrain's model gives them, so they join the queue where they
    belong instead of waiting at the bottom for the next retrain. Only scores, never fits;
    safe to run twice (same model, same priorities). Returns the number of items scored."""
    from .ranking import record_text

    try:
        scorer = _load_scorer(review_id)
    except Exception:  # a model from an older release, or a damaged file: retrain instead
        log.warning("ranking model of review %s unreadable; retraining", review_id,
                    exc_info=True)
        model_path(review_id).unlink(missing_ok=True)
        items_prioritise_run(review_id=review_id)
        return 0
    if scorer is None:
        return 0  # no model yet: the next retrain ranks them with the rest
    rows = list(Item.objects.filter(review_id=review_id, stage=Stage.TITLE_ABSTRACT,
                                    status=ItemStatus.PENDING, pk__gt=after_id)
                .order_by("id").values_list("id", "record__title", "record__abstract",
                                            "record__keywords"))
    if not rows:
        return 0
    scores = scorer.score([record_text(t, a, k) for _i, t, a, k in rows])
    pairs = [(row[0], float(p)) for row, p in zip(rows, scorer.priorities(scores),
                                                      strict=True)]
    for start in range(0, len(pairs), 500):
        with transaction.atomic():
            _write_priorities(pairs[start:start + 500])
    return len(pairs)


_SCORERS = {}  # review id -> (file stamp, scorer): a web process loads each model once


def relevance_of(review_id, texts):
    """The kept model's relevance of each text, 0 to 1 (the logistic of its score; a rank,
    not a calibrated probability), or None for each when no model is kept yet. A read for
    the screening page: it scores with the last retrain's model and never fits one."""
    path = model_path(review_id)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return [None] * len(texts)
    cached = _SCORERS.get(review_id)
    if cached is None or cached[0] != stamp:
        try:
            cached = (stamp, _load_scorer(review_id))
        except Exception:  # damaged or from an older release: show nothing until retrained
            log.warning("ranking model of review %s unreadable", review_id, exc_info=True)
            return [None] * len(texts)
        if cached[1] is None:
            return [None] * len(texts)
        if len(_SCORERS) > 20:
            _SCORERS.clear()
        _SCORERS[review_id] = cached
    import numpy as np

    scores = cached[1].score(texts)
    return [float(v) for v in 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))]
