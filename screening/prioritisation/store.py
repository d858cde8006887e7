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


class PerReview:
    """What a process keeps of a few reviews, one value each, under the stamp of what it was
    made from (a file's, a set of records'): a value is served only while its stamp still
    holds, so a changed source is read again. At most ``size`` reviews: past that it starts
    over, since a process serves a few reviews at a time and a value dropped costs a reload."""

    def __init__(self, size):
        self.size = size
        self._held = {}

    def get(self, review_id, stamp, default=None):
        held = self._held.get(review_id)
        return held[1] if held is not None and held[0] == stamp else default

    def put(self, review_id, stamp, value):
        if review_id not in self._held and len(self._held) >= self.size:
            self._held.clear()
        self._held[review_id] = (stamp, value)
        return value


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


# Review id -> the stamp written with the vectorisers on disk, under id() of the features
# object they came from: the entry holds that object too, so no other can take its id while
# the entry stands. One review: a features object (with its matrix) is the worker's largest.
_WRITTEN = PerReview(size=1)


def keep_model(review_id, model, scores, labels, head, *, top):
    """Save the model this retrain ranked with, for records that arrive before the next."""
    from .ranking import has_both_classes
    from .scorer import keep_scorer

    if not has_both_classes(labels):
        return
    features = model.features
    written = _WRITTEN.get(review_id, id(features))
    vectorizers_file = vectorizers_path(review_id)
    if written is None or not vectorizers_file.exists():
        written = _WRITTEN.put(review_id, id(features), (uuid.uuid4().hex, features))
        _dump({"stamp": written[0], "vectorizers": features.vectorizers,
               "weights": features.weights}, vectorizers_file)
    _dump({"stamp": written[0], "scorer": keep_scorer(model, scores, top=top, head=head)},
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


_VOCABULARIES = PerReview(size=20)  # review id -> ranking.Features without matrix, by stamp


def _kept_features(review_id, stamp):
    """The vectorisers written with ``stamp``, read from their file once per stamp: a retrain
    on new labels rewrites only the small model file, and reading the vocabulary again after
    each one (every label, early on) would cost the screening page far more than scoring."""
    import joblib

    from .ranking import Features

    features = _VOCABULARIES.get(review_id, stamp)
    if features is not None:
        return features
    saved = joblib.load(vectorizers_path(review_id))
    if saved["stamp"] != stamp:
        return None
    return _VOCABULARIES.put(review_id, stamp,
                             Features(None, saved["vectorizers"], saved.get("weights", [])))


