"""Work-saved and recall metrics for a screening order (WSS@95, WSS@100, RRF@10)."""

from collections.abc import Mapping, Sequence


def _relevant_positions(order: Sequence, labels: Mapping) -> list[int]:
    """1-based reading positions of the relevant records in ``order``."""
    if len(set(order)) != len(order):
        raise ValueError("the order lists a record more than once")
    missing = set(labels) - set(order)
    if missing:
        raise ValueError(f"the order leaves out {len(missing)} labelled record(s)")
    return [pos for pos, key in enumerate(order, start=1) if labels.get(key) == 1]


def records_read_for_recall(order: Sequence, labels: Mapping, percent: int) -> int | None:
    """How many records are read, in ``order``, before ``percent``% of the relevant are found.

    None when there is no relevant record (recall is undefined).
    """
    positions = _relevant_positions(order, labels)
    if not positions:
        return None
    # Integer ceiling so that 95% of 20 is exactly 19, never 19.000000000000004 -> 20.
    needed = max(1, (percent * len(positions) + 99) // 100)
    return positions[needed - 1]


def wss(order: Sequence, labels: Mapping, percent: int = 95) -> float | None:
    """Work saved over sampling at ``percent``% recall: (N - n_read) / N - (1 - percent/100).

    ``order`` is the full screening order (prior records included, they count as read);
    ``labels`` maps each record key to 0 or 1. None when no record is relevant.
    """
    n_read = records_read_for_recall(order, labels, percent)
    if n_read is None:
        return None
    n = len(order)
    return (n - n_read) / n - (100 - percent) / 100


def rrf(order: Sequence, labels: Mapping, percent: int = 10) -> float | None:
    """Relevant records found: share of the relevant met in the first ``percent``% of ``order``.

    The first ceil(N * percent / 100) records are counted as read. None when none is relevant.
    """
    positions = _relevant_positions(order, labels)
    if not positions:
        return None
    n_read = (len(order) * percent + 99) // 100
    return sum(1 for pos in positions if pos <= n_read) / len(positions)


def screening_metrics(order: Sequence, labels: Mapping) -> dict:
    """The figures ``simulate_screening`` prints: n, n_relevant, wss95, wss100, rrf10."""
    return {
        "n": len(order),
        "n_relevant": sum(1 for key in order if labels.get(key) == 1),
        "wss95": wss(order, labels, 95),
        "wss100": wss(order, labels, 100),
        "rrf10": rrf(order, labels, 10),
    }
