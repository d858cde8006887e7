"""WSS@95, WSS@100 and RRF@10 on orders worked out by hand."""

import pytest

from screening.metrics import records_read_for_recall, rrf, screening_metrics, wss


def _labels(n, relevant_positions):
    """Records 0..n-1 screened in that order; the given 1-based positions are relevant."""
    return {i: int(i + 1 in relevant_positions) for i in range(n)}


def test_wss_and_rrf_on_ten_records_with_three_relevant():
    order = list(range(10))
    labels = _labels(10, {2, 5, 9})
    # 95% of 3 relevant rounds up to all 3, met at position 9: (10 - 9) / 10 - 0.05.
    assert wss(order, labels, 95) == pytest.approx(0.05)
    assert wss(order, labels, 100) == pytest.approx(0.10)
    # The first 10% is one record, which is irrelevant.
    assert rrf(order, labels, 10) == 0.0


def test_wss95_stops_at_the_nineteenth_of_twenty_relevant():
    order = list(range(100))
    labels = _labels(100, set(range(1, 20)) | {100})
    assert records_read_for_recall(order, labels, 95) == 19
    assert wss(order, labels, 95) == pytest.approx((100 - 19) / 100 - 0.05)
    assert wss(order, labels, 100) == pytest.approx(0.0)
    assert rrf(order, labels, 10) == pytest.approx(10 / 20)


def test_rrf_counts_the_first_tenth_rounded_up():
    order = list(range(15))
    labels = _labels(15, {2, 3})
    # ceil(1.5) = 2 records read: one of the two relevant is found.
    assert rrf(order, labels) == pytest.approx(0.5)


def test_metrics_follow_the_order_not_the_keys():
    labels = {"a": 0, "b": 1, "c": 0, "d": 0}
    assert wss(["b", "a", "c", "d"], labels, 100) == pytest.approx(0.75)
    assert wss(["a", "c", "d", "b"], labels, 100) == pytest.approx(0.0)


def test_no_relevant_record_gives_none():
    figures = screening_metrics([0, 1, 2], {0: 0, 1: 0, 2: 0})
    assert figures == {"n": 3, "n_relevant": 0, "wss95": None, "wss100": None, "rrf10": None}


def test_an_order_that_repeats_or_drops_a_record_is_refused():
    with pytest.raises(ValueError, match="more than once"):
        wss([0, 1, 1], {0: 1, 1: 0, 2: 0})
    with pytest.raises(ValueError, match="leaves out"):
        wss([0, 1], {0: 1, 1: 0, 2: 0})
