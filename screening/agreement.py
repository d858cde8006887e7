"""Inter-rater agreement on screening decisions: percent agreement, Cohen's and Fleiss' kappa.

Degenerate case: when every rater gives every record the same single decision, chance
agreement is 1 and kappa is 0/0. Both kappas then return 1.0 (the raters agree perfectly and
nothing distinguishes that from skill); scikit-learn returns NaN there instead.
"""

from collections import Counter
from collections.abc import Sequence

DECISIONS = ("include", "exclude", "maybe")


def _check_decisions(ratings: Sequence, categories: Sequence[str], who: str) -> None:
    unknown = sorted({str(r) for r in ratings if r not in categories})
    if unknown:
        raise ValueError(f"{who} has decisions outside {list(categories)}: {unknown}")


def _check_pair(a: Sequence, b: Sequence, categories: Sequence[str]) -> None:
    if len(a) != len(b):
        raise ValueError(f"the raters judged different numbers of records: {len(a)} and {len(b)}")
    if not a:
        raise ValueError("no records to compare")
    _check_decisions(a, categories, "rater A")
    _check_decisions(b, categories, "rater B")


def percent_agreement(a: Sequence, b: Sequence, categories: Sequence[str] = DECISIONS) -> float:
    """Share of records on which the two raters gave the same decision, in percent (0-100)."""
    _check_pair(a, b, categories)
    return 100.0 * sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def cohen_kappa(a: Sequence, b: Sequence, categories: Sequence[str] = DECISIONS) -> float:
    """Cohen's kappa for two raters: (p_o - p_e) / (1 - p_e).

    ``a`` and ``b`` hold each rater's decision for the same records, in the same order.
    p_e is the chance agreement from each rater's own decision shares. Returns 1.0 in the
    degenerate case described in the module docstring.
    """
    _check_pair(a, b, categories)
    n = len(a)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    p_e = sum(count_a[c] * count_b[c] for c in categories) / (n * n)
    if p_e == 1.0:
        return 1.0
    return (p_o - p_e) / (1.0 - p_e)


def fleiss_kappa(ratings: Sequence[Sequence], categories: Sequence[str] = DECISIONS) -> float:
    """Fleiss' kappa for N raters: (P_bar - P_e) / (1 - P_e).

    ``ratings`` holds one sequence per record with every rater's decision on it; each record
    must have the same number of ratings (at least two). The raters need not be the same
    people from record to record. Returns 1.0 in the degenerate case (module docstring).
    """
    if not ratings:
        raise ValueError("no records to compare")
    n_raters = len(ratings[0])
    if n_raters < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per record")
    totals: Counter = Counter()
    p_bar = 0.0
    for position, row in enumerate(ratings, start=1):
        if len(row) != n_raters:
            raise ValueError(
                f"record {position} has {len(row)} ratings, the first record has {n_raters}"
            )
        _check_decisions(row, categories, f"record {position}")
        counts = Counter(row)
        totals.update(counts)
        p_bar += sum(k * (k - 1) for k in counts.values()) / (n_raters * (n_raters - 1))
    p_bar /= len(ratings)
    n_ratings = n_raters * len(ratings)
    p_e = sum((totals[c] / n_ratings) ** 2 for c in categories)
    if p_e == 1.0:
        return 1.0
    return (p_bar - p_e) / (1.0 - p_e)
