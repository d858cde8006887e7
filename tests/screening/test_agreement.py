"""Percent agreement, Cohen's and Fleiss' kappa against hand-computed values."""

import math
import warnings

import pytest
from sklearn.metrics import cohen_kappa_score

from screening.agreement import cohen_kappa, fleiss_kappa, percent_agreement

A = ["include"] * 4 + ["exclude"] * 4 + ["maybe"] * 2
B = ["include", "include", "include", "exclude"] + ["exclude"] * 3 + ["maybe"] + ["maybe"] * 2


def test_percent_agreement_counts_identical_decisions():
    # Records 4 and 8 differ: 8 of 10 agree.
    assert percent_agreement(A, B) == pytest.approx(80.0)


def test_cohen_kappa_matches_the_hand_computation():
    # p_o = 0.8; shares A = (.4, .4, .2), B = (.3, .4, .3): p_e = .12 + .16 + .06 = .34.
    assert cohen_kappa(A, B) == pytest.approx((0.8 - 0.34) / (1 - 0.34))


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_agrees_with_scikit_learn(seed):
    import random

    rng = random.Random(seed)
    choices = ["include", "exclude", "maybe"]
    a = [rng.choice(choices) for _ in range(60)]
    b = [x if rng.random() < 0.6 else rng.choice(choices) for x in a]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_all_agree_on_one_decision_gives_one_where_scikit_learn_is_undefined():
    a = ["exclude"] * 5
    assert cohen_kappa(a, a) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn warns that kappa is undefined here
        assert math.isnan(cohen_kappa_score(a, a))
    assert fleiss_kappa([["exclude"] * 3] * 4) == 1.0


def test_systematic_disagreement_is_negative():
    a = ["include", "exclude"] * 3
    b = ["exclude", "include"] * 3
    assert cohen_kappa(a, b) == pytest.approx(-1.0)


def test_fleiss_kappa_matches_the_hand_computation():
    ratings = [
        ["include", "include", "include"],
        ["include", "include", "exclude"],
        ["exclude", "exclude", "exclude"],
        ["exclude", "maybe", "include"],
    ]
    # P_i = 1, 1/3, 1, 0 -> P_bar = 7/12; shares 6/12, 5/12, 1/12 -> P_e = 62/144.
    p_bar, p_e = 7 / 12, 62 / 144
    assert fleiss_kappa(ratings) == pytest.approx((p_bar - p_e) / (1 - p_e))


def test_fleiss_kappa_for_two_raters_is_scotts_pi():
    # With two raters Fleiss' kappa reduces to Scott's pi: p_e from the pooled shares.
    pooled = {"include": 7 / 20, "exclude": 8 / 20, "maybe": 5 / 20}
    p_e = sum(share**2 for share in pooled.values())
    assert fleiss_kappa(list(zip(A, B, strict=True))) == pytest.approx((0.8 - p_e) / (1 - p_e))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa(["include"], ["include", "exclude"])
    with pytest.raises(ValueError, match="outside"):
        cohen_kappa(["include"], ["yes"])
    with pytest.raises(ValueError, match="record 2 has 2 ratings"):
        fleiss_kappa([["include"] * 3, ["include"] * 2])
    with pytest.raises(ValueError, match="no records"):
        percent_agreement([], [])
