"""A fitted prioritisation model kept between retrains, to score records that arrive meanwhile.

An adapter over ranking: it keeps the very model (ranking.Model) the queue was ranked with,
its classifier here and its fitted vectorisers in a file of their own (store, which attaches
them on loading), so a record imported after the retrain can be scored at once (a transform
and a dot product, no refit) by ranking's own score.

Priorities: a retrain writes ``TOP - position`` for the head of the queue and 0 for the rest
(services). ``Scorer.priorities`` places a new record's score among the scores of that
head, so it is served where the model would have ranked it. No Django here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import ranking


@dataclass
class Scorer:
    """The ranking model of the last retrain; ``head`` holds the scores of the queue's head
    at that retrain, best first (position p was given priority ``top - p``)."""

    model: ranking.Model  # kept without features; store.load_scorer attaches the vectorisers
    top: int
    head: list[float]

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Scores of the texts (see ranking.record_text), higher is likelier relevant."""
        return ranking.score(self.model, texts)

    def priorities(self, scores: np.ndarray) -> np.ndarray:
        """Priorities that put each record where its score falls among the head: between
        the head records scored just above and just below it, above all of them when it
        beats the first, and 0 (with the unranked rest) when it falls below the last."""
        scores = np.asarray(scores, dtype=float)
        if not self.head:
            return np.zeros(len(scores))
        head = np.asarray(self.head)
        # Position among the head, best first: how many head scores are above each score.
        pos = len(head) - np.searchsorted(head[::-1], scores, side="right")
        out = np.zeros(len(scores))
        first = pos == 0
        gap = scores[first] - head[0]
        out[first] = self.top + 0.5 + 0.49 * gap / (1.0 + gap)
        inside = (pos > 0) & (pos < len(head))
        p = pos[inside]
        upper, lower = head[p - 1], head[p]
        width = np.where(upper > lower, upper - lower, 1.0)
        share = np.where(upper > lower, (scores[inside] - lower) / width, 0.5)
        out[inside] = self.top - p + np.clip(share, 0.01, 0.99)
        return out


def keep_scorer(model: ranking.Model, scores: np.ndarray, *, top: int,
                head: Sequence[int]) -> Scorer:
    """A scorer from a model fitted on both classes and its ``scores`` of every row of its
    features, keeping those of the ``head`` rows (the queue's first, best first). The kept
    model holds the classifier's coefficients only, no features: the vectorisers (the large
    vocabulary) are kept in a file of their own (store), so the file a retrain writes stays
    small; without them it cannot vectorise texts until store.load_scorer attaches them."""
    kept = ranking.Model(model.config, None, model.parts)
    return Scorer(model=kept, top=top,
                  head=sorted((float(scores[i]) for i in head), reverse=True))
