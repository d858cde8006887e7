"""A fitted prioritisation model kept between retrains, to score records that arrive meanwhile.

An adapter over screening.ranking: it fits the same classifier on the same features the queue
was ranked with, and keeps the fitted vectorisers and classifier, so a record imported after
the retrain can be scored at once (a transform and a dot product, no refit), through
ranking's own fit_model and score.

Priorities: a retrain writes ``TOP - position`` for the head of the queue and 0 for the rest
(screening.prioritise). ``priority_for`` places a new record's score among the scores of that
head, so it is served where the model would have ranked it. No Django here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import ranking


@dataclass
class Scorer:
    """Fitted vectorisers and classifier; ``head`` holds the scores of the queue's head at
    the retrain, best first (position p was given priority ``top - p``)."""

    vectorizers: list
    model: object
    kind: str
    top: int
    head: list[float]

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Scores of the texts (see ranking.record_text), higher is likelier relevant."""
        matrix = ranking.Features(matrix=None, vectorizers=self.vectorizers).transform(
            [text or "" for text in texts])
        return ranking.score(self.model, matrix)

    def priority_for(self, score: float) -> float:
        """The priority of one score; see :meth:`priorities`."""
        return float(self.priorities(np.array([score]))[0])

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


def fit_scorer(features: ranking.Features, labels: Mapping[int, int], *, top: int,
               head: Sequence[int], config: ranking.RankerConfig = ranking.DEFAULT):
    """Fit the ranking model (ranking.fit_model) on the labelled rows, both classes present,
    and keep the scores of the ``head`` rows (the queue's first, best first). None when
    there is nothing to fit (no relevant or no irrelevant record yet). The kept model holds
    no feature matrix: only its coefficients, so the file a retrain writes stays small."""
    y = np.fromiter(labels.values(), dtype=np.int64, count=len(labels))
    if not len(y) or y.min() == y.max():
        return None
    fitted = ranking.fit_model(features, labels, config)
    model = ranking.Model(fitted.config, None, fitted.parts)
    head = list(head)
    scores = ranking.score(model, features.matrix[head]) if head else np.array([])
    return Scorer(vectorizers=features.vectorizers, model=model,
                  kind="+".join(part[0] for part in fitted.parts), top=top,
                  head=sorted((float(s) for s in scores), reverse=True))
