"""The stopping criterion (Callaghan & Müller-Hansen 2020) and the figures around it."""
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.prioritisation.stopping import (
    first_stop,
    p_value,
    remaining_estimate,
    stopping_figures,
)


def test_one_relevant_then_four_irrelevant_of_ten_gives_five_ninths():
    # K_tar = floor(1 / 0.95) + 1 = 2. The window of the last 4 (none relevant) comes from a
    # pool of 9 holding, under H0, 2 - 1 = 1 relevant: missing it 4 times is 5/9. The whole
    # list (1 of 5 relevant, pool 10 with 2) gives 1 - C(8,3)/C(10,5) = 7/9. Minimum: 5/9.
    assert p_value([1, 0, 0, 0, 0], 10) == pytest.approx(5 / 9)


def test_three_found_then_twenty_six_irrelevant_of_thirty_stops():
    # K_tar = 4; the last 26 come from a pool of 27 that must hold 1 more relevant: 1/27.
    figures = stopping_figures([1, 1, 1] + [0] * 26, 30)
    assert figures.p_value == pytest.approx(1 / 27)
    assert figures.stop and figures.since_last_relevant == 26


def test_one_record_fewer_does_not_stop_at_95_percent_confidence():
    # Same list in a set of 20 (19 read): the pool of 17 gives 1/17 = 0.059 > 0.05.
    figures = stopping_figures([1, 1, 1] + [0] * 16, 20)
    assert figures.p_value == pytest.approx(1 / 17)
    assert not figures.stop
    assert stopping_figures([1, 1, 1] + [0] * 16, 20, confidence=0.9).stop


def test_the_target_is_read_in_exact_fractions():
    # 19 / 0.95 is 20 exactly: with 19 found, H0 needs at least 21 relevant in all.
    labels = [1] * 19 + [0] * 5
    k_tar = 21
    assert int(19 / Fraction("0.95")) + 1 == k_tar
    # The last 5 come from a pool of 6 that must hold 2 relevant: 5 draws from 6 cannot
    # miss both, so p = 0. (With floor(19 / 0.95) read as 19, H0 would need only 1 and the
    # same draws could miss it: p = 1/6.)
    assert p_value(labels, 25) == 0.0
    assert p_value(labels, 26) > 0.0


def test_nothing_relevant_found_never_stops_even_near_the_end():
    figures = stopping_figures([0] * 999, 1000)
    assert figures.p_value == 1.0 and not figures.stop
    assert figures.since_last_relevant == 999


def test_everything_read_with_something_found_stops():
    assert stopping_figures([0, 1, 0, 0], 4).stop


def test_the_estimate_and_bound_of_what_is_left_by_hand():
    # 19 relevant, then 40 irrelevant, of 67. If m relevant were among the 8 left, the last
    # 40 (drawn from the 48 left before them) missed all m: C(48 - m, 40) / C(48, 40).
    # m = 1: 8/48 = 0.17 (below 0.5: the median is 0; above 0.05: kept);
    # m = 2: 8*7 / (48*47) = 0.025 (rejected). So: 0 left, at most 1.
    assert remaining_estimate([1] * 19 + [0] * 40, 67) == (0, 1)
    figures = stopping_figures([1] * 19 + [0] * 40, 67)
    # K_tar = 21 needs 2 missed; at most 1 is left: the criterion stops, consistently.
    assert figures.p_value == pytest.approx(8 * 7 / (48 * 47)) and figures.stop
    assert (figures.remaining_estimate, figures.remaining_high) == (0, 1)


def test_nothing_read_or_nothing_left_bounds_the_estimate():
    assert remaining_estimate([], 50) == (0, 50)
    assert remaining_estimate([1, 0], 2) == (0, 0)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="recall target"):
        stopping_figures([1], 2, recall_target=1.0)
    with pytest.raises(ValueError, match="out of only"):
        stopping_figures([1, 0, 0], 2)
    with pytest.raises(ValueError, match="0 or 1"):
        stopping_figures([2], 3)


def test_read_at_random_the_criterion_rarely_stops_short_of_the_target():
    # In random order the recent records really are a random sample: the error rate the
    # criterion promises (5%) must hold, even tested after every record.
    rng = random.Random(7)
    short = 0
    for _ in range(60):
        labels = [1] * 10 + [0] * 190
        rng.shuffle(labels)
        read = first_stop(labels)
        assert read is not None  # at the latest at the end
        short += sum(labels[:read]) / 10 < 0.95
    assert short <= 3


def test_a_perfect_order_stops_where_missing_six_more_becomes_unlikely():
    # 100 relevant first, then irrelevant ones, of 5000. K_tar = 106: H0 needs 6 more
    # relevant among the 4900 left after the 100th; the chance that the m records read
    # since then missed all 6 is C(4900 - 6, m) / C(4900, m) = prod_i (4900 - m - i) / (4900 - i).
    def missed_all(m):
        out = 1.0
        for i in range(6):
            out *= (4900 - m - i) / (4900 - i)
        return out

    m = next(m for m in range(4900) if missed_all(m) < 0.05)
    assert first_stop([1] * 100 + [0] * 4900) == 100 + m
    assert 1900 < m < 2000  # about 4900 * (1 - 0.05 ** (1 / 6))


def test_relevant_records_left_for_last_stop_only_at_the_very_end():
    # The assumption fails here (the last records are the relevant ones), so the stop comes
    # late: after the first relevant record, with 98% of the set read.
    assert first_stop([0] * 4900 + [1] * 100) == 4901


labels_lists = st.lists(st.integers(0, 1), min_size=1, max_size=80)


@given(labels_lists, st.integers(0, 80))
@settings(max_examples=200, deadline=None)
def test_the_shortcut_windows_give_the_same_p_as_every_window(labels, extra):
    n_total = len(labels) + extra
    assert p_value(labels, n_total) == pytest.approx(
        p_value(labels, n_total, every_window=True), abs=1e-12)


@given(labels_lists, st.integers(0, 80), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
@settings(max_examples=200, deadline=None)
def test_the_criterion_never_stops_before_a_relevant_record_is_found(labels, extra, target):
    figures = stopping_figures(labels, len(labels) + extra, recall_target=target)
    assert 0.0 <= figures.p_value <= 1.0
    if sum(labels) == 0:
        assert not figures.stop
    assert 0 <= figures.remaining_estimate <= figures.remaining_high <= figures.n_left
    if sum(labels):
        # The bound and the criterion agree: stop exactly when fewer than the misses the
        # target allows can be left.
        allowed = int(sum(labels) / Fraction(str(target))) + 1 - sum(labels)
        assert figures.stop == (figures.remaining_high < allowed)


@given(st.lists(st.integers(0, 1), min_size=1, max_size=60))
@settings(max_examples=100, deadline=None)
def test_a_stricter_confidence_never_stops_sooner(order):
    loose = first_stop(order, confidence=0.8)
    strict = first_stop(order, confidence=0.99)
    if sum(order) == 0:
        assert loose is None and strict is None
    else:
        assert loose is not None and strict is not None and loose <= strict
        assert sum(order[:loose]) > 0
