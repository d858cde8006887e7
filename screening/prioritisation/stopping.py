"""When title/abstract screening may stop: a statistical stopping criterion and its figures.

The criterion is the hypergeometric test of Callaghan & Müller-Hansen (2020), "Statistical
stopping criteria for automated screening in systematic reviews", Systematic Reviews 9:273.
After ``n_seen`` of ``n_total`` records were screened (in the model's order) and
``r_seen`` of them found relevant, it tests H0 "recall < target". Were H0 true, the set
would hold at least ``K_tar = floor(r_seen / target) + 1`` relevant records. The last ``k``
records screened are taken as a sample drawn from the pool that was left before them
(``N_pool = n_total - n_seen + k`` records, holding under H0 at least ``K_tar - r_before``
relevant, ``r_before`` being those found before the window). Drawn at random, they would hold
``k_rel`` or fewer relevant records with probability ``hypergeom.cdf(k_rel, N_pool,
K_tar - r_before, k)``. A prioritised queue puts likely records first, so the recent records
are richer than a random draw from the rest: the test is conservative. The p-value is the
smallest over every window ``k = 1..n_seen``; screening may stop when it is below
``1 - confidence``.

No Django here: plain lists in, plain numbers out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

import numpy as np
from scipy.stats import hypergeom

RECALL_TARGET = 0.95
CONFIDENCE = 0.95


@dataclass(frozen=True)
class StoppingFigures:
    """Everything the overview page and ``simulate_screening`` show about stopping."""

    n_total: int
    n_seen: int
    r_seen: int
    recall_target: float
    confidence: float
    p_value: float  # 1.0 when the test cannot run (nothing relevant found yet)
    stop: bool
    since_last_relevant: int  # records screened since the last relevant one (all, if none)
    remaining_estimate: int  # relevant records still unscreened: the median (see below)
    remaining_high: int  # ... and at most this many, at ``confidence``

    @property
    def n_left(self):
        return self.n_total - self.n_seen


def _check(n_total, labels, recall_target, confidence):
    if not 0 < recall_target < 1:
        raise ValueError(f"recall target {recall_target!r} is not between 0 and 1")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence!r} is not between 0 and 1")
    if len(labels) > n_total:
        raise ValueError(f"{len(labels)} records screened out of only {n_total}")
    if any(y not in (0, 1) for y in labels):
        raise ValueError("labels must be 0 or 1")


def _k_tar(r_seen, recall_target):
    """floor(r_seen / target) + 1, the fewest relevant records in all for which r_seen is a
    recall below the target; in exact fractions, so 19 / 0.95 is 20, not 19.999..."""
    return floor(r_seen / Fraction(str(recall_target))) + 1


def window_p_value(*, n_total, n_seen, r_seen, k, k_rel, recall_target=RECALL_TARGET):
    """The p-value of H0 "recall < target" from one window: the last ``k`` screened records,
    ``k_rel`` of them relevant."""
    k_tar = _k_tar(r_seen, recall_target)
    pool = n_total - n_seen + k
    wanted = k_tar - (r_seen - k_rel)  # relevant the pool must hold under H0
    if wanted > pool:
        return 0.0  # H0 needs more relevant records than there were left: it cannot hold
    return float(hypergeom.cdf(k_rel, pool, wanted, k))


def p_value(labels: Sequence[int], n_total: int, recall_target: float = RECALL_TARGET,
            *, every_window: bool = False) -> float:
    """The smallest p-value over the windows of the last screened records.

    ``labels``: 0/1 of the records screened so far, first screened first. Adding an
    irrelevant record to a window never raises its p-value (the larger sample is a mixture
    of the smaller one and a draw that cannot hold fewer relevant records), so the minimum
    lies at the whole list or at a window that starts just after a relevant record: only
    those ``r_seen + 1`` windows are computed, unless ``every_window`` (tests check both
    agree). 1.0 while no relevant record has been found.
    """
    n_seen = len(labels)
    relevant = [i for i, y in enumerate(labels) if y == 1]
    if every_window:
        after = [0] * (n_seen + 1)
        for i in range(n_seen - 1, -1, -1):
            after[i] = after[i + 1] + labels[i]
        sizes = np.arange(1, n_seen + 1)
        return _min_p(n_total, n_seen, len(relevant), sizes,
                      np.array([after[n_seen - k] for k in sizes]), recall_target)
    return _p_at(relevant, n_seen, n_total, recall_target)


def _windows(relevant, n_seen):
    """(sizes, relevant in each) of the windows that can hold the minimum (see p_value),
    from the 0-based positions of the relevant records among ``n_seen``."""
    # The window that starts just after the j-th relevant record (at position i) has
    # n_seen - i - 1 records, r_seen - j - 1 of them relevant; the last is everything.
    r_seen = len(relevant)
    positions = np.asarray(relevant, dtype=int)
    sizes = np.append(n_seen - positions - 1, n_seen)
    found = np.append(r_seen - np.arange(r_seen) - 1, r_seen)
    keep = sizes > 0
    return sizes[keep], found[keep]


def _p_at(relevant, n_seen, n_total, recall_target):
    """p_value from the 0-based positions of the relevant records among ``n_seen``."""
    r_seen = len(relevant)
    if r_seen == 0:
        return 1.0
    sizes, found = _windows(relevant, n_seen)
    return _min_p(n_total, n_seen, r_seen, sizes, found, recall_target)


def _min_p(n_total, n_seen, r_seen, sizes, found, recall_target):
    """window_p_value over many windows in one vectorised call."""
    if r_seen == 0:
        return 1.0
    return _p_missed(n_total, n_seen, sizes, found, _k_tar(r_seen, recall_target) - r_seen)


def _p_missed(n_total, n_seen, sizes, found, missed):
    """The smallest p over the windows of H0 "at least ``missed`` relevant records are
    still unscreened": each window is a draw from the pool left before it, which held its
    own relevant records plus the missed ones."""
    pool = n_total - n_seen + sizes
    wanted = found + missed
    if (wanted > pool).any():
        return 0.0  # more relevant than records: H0 cannot hold
    return float(np.min(hypergeom.cdf(found, pool, wanted, sizes)))


def remaining_estimate(labels: Sequence[int], n_total: int, confidence: float = CONFIDENCE):
    """(estimate, upper): relevant records still among the unscreened, from the same test.

    For a number ``m`` of relevant records still unscreened, the windows of p_value give the
    p-value of "at least m are left" (the hypergeometric chance that the recent records,
    as random draws from what was left, held as few relevant records as they did). It
    falls as m grows. ``upper`` is the largest m not rejected at ``confidence`` (a
    one-sided hypergeometric bound: at least 0, at most every unscreened record);
    ``estimate`` the largest m with a p-value of at least 0.5, the median. The criterion
    says stop exactly when ``upper`` is below the number of misses the recall target
    allows, so the page's figures never disagree. Like the test, they err high, since a
    prioritised queue leaves the least likely records for last.
    """
    n_seen = len(labels)
    n_left = n_total - n_seen
    if n_left == 0:
        return 0, 0
    relevant = [i for i, y in enumerate(labels) if y == 1]
    if n_seen == 0:
        return 0, n_left  # nothing read yet: anything is possible
    sizes, found = _windows(relevant, n_seen)

    def largest_kept(alpha):
        # p falls as m grows and p(0) = 1: bisect for the last m with p >= alpha.
        low, high = 0, n_left
        while low < high:
            mid = (low + high + 1) // 2
            if _p_missed(n_total, n_seen, sizes, found, mid) >= alpha:
                low = mid
            else:
                high = mid - 1
        return low

    return largest_kept(0.5), largest_kept(1 - confidence)


def stopping_figures(labels: Sequence[int], n_total: int, *,
                     recall_target: float = RECALL_TARGET,
                     confidence: float = CONFIDENCE) -> StoppingFigures:
    """The criterion and its figures after screening ``labels`` (0/1, first screened first)
    out of ``n_total`` records. ``stop`` needs at least one relevant record found: with none,
    recall is undefined and nothing says the search found what the review looks for."""
    labels = list(labels)
    _check(n_total, labels, recall_target, confidence)
    r_seen = sum(labels)
    p = p_value(labels, n_total, recall_target)
    last = max((i for i, y in enumerate(labels) if y == 1), default=-1)
    estimate, high = remaining_estimate(labels, n_total, confidence)
    return StoppingFigures(
        n_total=n_total, n_seen=len(labels), r_seen=r_seen, recall_target=recall_target,
        confidence=confidence, p_value=p, stop=r_seen > 0 and p < 1 - confidence,
        since_last_relevant=len(labels) - last - 1, remaining_estimate=estimate,
        remaining_high=high)


def first_stop(order_labels: Sequence[int], *, recall_target: float = RECALL_TARGET,
               confidence: float = CONFIDENCE) -> int | None:
    """How many records a reviewer reading ``order_labels`` (0/1, every record of the set,
    first screened first) would have read when the criterion first said stop; None if it
    never did before the end. The test is run after every record."""
    labels = list(order_labels)
    _check(len(labels), labels, recall_target, confidence)
    n_total, alpha = len(labels), 1 - confidence
    relevant = []
    for n_seen, label in enumerate(labels, start=1):
        if label == 1:
            relevant.append(n_seen - 1)
        if relevant and _p_at(relevant, n_seen, n_total, recall_target) < alpha:
            return n_seen
    return None
