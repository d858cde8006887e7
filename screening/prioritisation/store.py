"""The fitted prioritisation model of each review, kept on disk between retrains so that
records imported meanwhile, and the optional relevance display, use the very model the queue
was ranked with."""
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def model_path(review_id):
    """Where the review's last fitted model is kept: under MEDIA_ROOT, which is never served
    (no URL maps it) and which workers on several machines already share for full texts.
    The vectorisers (large: the vocabulary) go to a file of their own, written only when
    the records change, so a retrain on new labels rewrites only the small classifier."""
    return Path(settings.MEDIA_ROOT) / "ranking" / f"review-{review_id}.joblib"


def vectorizers_path(review_id):
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


def keep_model(review_id, model, scores, labels, head, *, top):
    """Save the model this retrain ranked with, for records that arrive before the next."""
    from .ranking import has_both_classes
    from .scorer import keep_scorer

    if not has_both_classes(labels):
        return
    features = model.features
    kept = _KEPT_FEATURES.get(review_id)
    vectorizers_file = vectorizers_path(review_id)
    # The very object, held here: an id() could be reused by the next features object.
    if kept is None or kept[0] is not features or not vectorizers_file.exists():
        kept = (features, uuid.uuid4().hex)
        _dump({"stamp": kept[1], "vectorizers": features.vectorizers,
               "weights": features.weights}, vectorizers_file)
        _KEPT_FEATURES.clear()
        _KEPT_FEATURES[review_id] = kept
    _dump({"stamp": kept[1], "scorer": keep_scorer(model, scores, top=top, head=head)},
          model_path(review_id))


def load_scorer(review_id):
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
    saved = joblib.load(vectorizers_path(review_id))
    if saved["stamp"] != stamp:
        return None
    features = Features(None, saved["vectorizers"], saved.get("weights", []))
    if len(_VOCABULARIES) > 20:
        _VOCABULARIES.clear()
    _VOCABULARIES[review_id] = (stamp, features)
    return features


