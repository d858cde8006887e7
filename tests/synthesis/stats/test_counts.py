"""Mantel-Haenszel and Peto pooling: hand-worked tables, metafor's reference cases, properties."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthesis.stats.counts import mantel_haenszel, mh_estimate, peto
from synthesis.stats.errors import StatsInputError
from tests.conftest import SHARED_DATA, shared_path

# Two tables worked out by hand: (10, 90 | 20, 80) and (5, 45 | 5, 45).
TABLES = {"ai": [10, 5], "bi": [90, 45], "ci": [20, 5], "di": [80, 45]}


def test_the_mh_odds_ratio_by_hand():
    # Σ ad/N = 800/200 + 225/100 = 6.25; Σ bc/N = 1800/200 + 225/100 = 11.25
    result = mantel_haenszel("OR", TABLES)
    assert result["estimate"] == pytest.approx(math.log(6.25 / 11.25))
    assert result["k"] == 2


def test_the_mh_risk_ratio_by_hand():
    # Σ a·n2/N = 5 + 2.5; Σ c·n1/N = 10 + 2.5
    assert mantel_haenszel("RR", TABLES)["estimate"] == pytest.approx(math.log(0.6))


def test_the_mh_risk_difference_by_hand():
    # Σ (a·n2 - c·n1)/N = -5 + 0; Σ n1·n2/N = 50 + 25
    result = mantel_haenszel("RD", TABLES)
    assert result["estimate"] == pytest.approx(-5 / 75)
    # Greenland-Robins: Σ (a·b·n2³ + c·d·n1³)/(n1·n2·N²) / (Σ n1·n2/N)²
    gr = (
        (10 * 90 * 100**3 + 20 * 80 * 100**3) / (100 * 100 * 200**2)
        + (5 * 45 * 50**3 + 5 * 45 * 50**3) / (50 * 50 * 100**2)
    ) / 75**2
    other = mantel_haenszel("RD", TABLES, {"mh_rd_variance": "greenland_robins"})
    assert other["se"] == pytest.approx(math.sqrt(gr))
    assert other["se"] != pytest.approx(result["se"])


def test_the_peto_odds_ratio_by_hand():
    v1 = 100 * 100 * 30 * 170 / (200**2 * 199)
    v2 = 50 * 50 * 10 * 90 / (100**2 * 99)
    result = peto(TABLES)
    assert result["estimate"] == pytest.approx((-5 + 0) / (v1 + v2))
    assert result["se"] == pytest.approx(1 / math.sqrt(v1 + v2))
    # Peto's Q: Σ (O-E)²/V - (Σ O-E)²/Σ V
    assert result["QE"] == pytest.approx(25 / v1 - 25 / (v1 + v2))


def test_qe_is_centred_on_the_mh_estimate_with_inverse_variance_weights():
    result = mantel_haenszel("OR", TABLES)
    yi, vi = np.array(result["yi"]), np.array(result["vi"])
    assert result["QE"] == pytest.approx(np.sum((yi - result["estimate"]) ** 2 / vi))
    assert result["H2"] == pytest.approx(result["QE"] / 1)


def test_mh_estimate_gives_the_estimate_to_centre_q():
    for measure in ("OR", "RR", "RD"):
        assert mh_estimate(measure, TABLES) == mantel_haenszel(measure, TABLES)["estimate"]


def test_a_double_zero_table_counts_in_k_but_not_in_qe():
    data = {"ai": [10, 5, 0], "bi": [90, 45, 30], "ci": [20, 5, 0], "di": [80, 45, 30]}
    result = mantel_haenszel("OR", data)
    assert result["k"] == 3
    assert result["yi"][2] is None and result["vi"][2] is None
    assert result["QE"] == pytest.approx(mantel_haenszel("OR", TABLES)["QE"])
    assert result["estimate"] == pytest.approx(mantel_haenszel("OR", TABLES)["estimate"])
    kept = mantel_haenszel("OR", data, {"drop00": False})
    assert kept["yi"][2] is not None and kept["QE"] > result["QE"]


def test_a_double_zero_table_leaves_peto_unchanged():
    data = {"ai": [10, 5, 0], "bi": [90, 45, 30], "ci": [20, 5, 0], "di": [80, 45, 30]}
    with_zero, without = peto(data), peto(TABLES)
    for key in ("estimate", "se", "QE", "QEp"):
        assert with_zero[key] == pytest.approx(without[key])
    assert with_zero["k"] == 3


def test_the_cmh_test_is_continuity_corrected_unless_asked_not_to():
    corrected = mantel_haenszel("OR", TABLES)["cmh_chi2"]
    plain = mantel_haenszel("OR", TABLES, {"correct": False})["cmh_chi2"]
    # |Σ(a - E)| = 5; hypergeometric variance summed over both tables
    var = 100 * 100 * 30 * 170 / (200**2 * 199) + 50 * 50 * 10 * 90 / (100**2 * 99)
    assert plain == pytest.approx(25 / var)
    assert corrected == pytest.approx(4.5**2 / var)


def test_mh_rate_ratio_by_hand():
    data = {"x1i": [10, 4], "t1i": [100, 50], "x2i": [5, 4], "t2i": [100, 100]}
    # Σ x1·t2/T = 1000/200 + 400/150; Σ x2·t1/T = 500/200 + 200/150
    expected = math.log((5 + 400 / 150) / (2.5 + 200 / 150))
    assert mantel_haenszel("IRR", data)["estimate"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("measure", "data", "message"),
    [
        ("OR", {"ai": [0, 0], "bi": [10, 5], "ci": [3, 2], "di": [7, 3]}, "odds ratio is 0"),
        ("RR", {"ai": [0, 0], "bi": [10, 5], "ci": [3, 2], "di": [7, 3]}, "risk ratio is 0"),
        ("SMD", TABLES, "Mantel-Haenszel pooling works for"),
        ("OR", {"ai": [-1], "bi": [10], "ci": [3], "di": [7]}, "negative count"),
    ],
)
def test_mh_errors_say_what_to_do(measure, data, message):
    with pytest.raises(StatsInputError, match=message):
        mantel_haenszel(measure, data)


def test_peto_needs_both_outcomes_somewhere():
    with pytest.raises(StatsInputError, match="one outcome never occurs"):
        peto({"ai": [0, 0], "bi": [10, 5], "ci": [0, 0], "di": [7, 3]})


def test_an_unknown_rd_variance_is_rejected():
    with pytest.raises(StatsInputError, match="mh_rd_variance"):
        mantel_haenszel("RD", TABLES, {"mh_rd_variance": "exact"})


# ---------------------------------------------------------------- metafor's reference cases

CHECKED_KEYS = ("k", "estimate", "se", "zval", "pval", "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2")
EXTRA_KEYS = (
    "cochran_chi2",
    "cochran_chi2_p",
    "cmh_chi2",
    "cmh_chi2_p",
    "breslow_day",
    "breslow_day_p",
    "tarone",
    "tarone_p",
    "weights_percent",
)


def _count_case_names():
    path = SHARED_DATA / "meta" / "reference_cases.json"
    if not path.exists():
        return ["shared-data-absent"]
    cases = json.loads(path.read_text())["cases"]
    return [c["name"] for c in cases if c["method"] in ("MH", "PETO")]


def _run(case):
    if case["method"] == "PETO":
        return peto(case["data"], case.get("options"))
    return mantel_haenszel(case["measure"], case["data"], case.get("options"))


def _assert_close(got, want, label):
    np.testing.assert_allclose(
        np.asarray(got, dtype=float),
        np.asarray(want, dtype=float),
        rtol=1e-6,
        atol=1e-9,
        err_msg=label,
    )


@pytest.mark.shared_data
@pytest.mark.parametrize("name", _count_case_names())
def test_mh_and_peto_agree_with_metafor(name):
    cases = json.loads(shared_path("meta", "reference_cases.json").read_text())["cases"]
    case = next(c for c in cases if c["name"] == name)
    result = _run(case)
    expected = case["expected"]
    for key in CHECKED_KEYS + ("yi", "vi"):
        if key in expected:
            _assert_close(result[key], expected[key], key)
    for key in EXTRA_KEYS:
        if key in case.get("extra", {}):
            _assert_close(result[key], case["extra"][key], key)


# ---------------------------------------------------------------- properties

table = st.tuples(*[st.integers(0, 200)] * 4).filter(lambda t: t[0] + t[1] > 0 and t[2] + t[3] > 0)


def _columns(rows):
    return {key: [row[i] for row in rows] for i, key in enumerate(("ai", "bi", "ci", "di"))}


def _same(a, b):
    for key in ("estimate", "se", "QE", "I2", "H2"):
        if a[key] is None or b[key] is None:
            assert a[key] == b[key]
        else:
            assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(table, min_size=1, max_size=8),
    seed=st.randoms(use_true_random=False),
    measure=st.sampled_from(["OR", "RR", "RD", "PETO"]),
)
def test_study_order_changes_nothing(rows, seed, measure):
    shuffled = list(rows)
    seed.shuffle(shuffled)
    try:
        first = _pool(measure, _columns(rows))
    except StatsInputError:
        with pytest.raises(StatsInputError):
            _pool(measure, _columns(shuffled))
        return
    _same(first, _pool(measure, _columns(shuffled)))


def _pool(measure, data):
    return peto(data) if measure == "PETO" else mantel_haenszel(measure, data)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(table, min_size=1, max_size=8),
    measure=st.sampled_from(["OR", "RR", "RD", "PETO"]),
)
def test_results_are_finite_or_a_clear_error(rows, measure):
    try:
        result = _pool(measure, _columns(rows))
    except StatsInputError as exc:
        assert str(exc)
        return
    for key in ("estimate", "se", "zval", "pval", "ci_lb", "ci_ub", "QE", "QEp"):
        assert math.isfinite(result[key]), key
    assert result["k"] == len(rows)


def test_common_effect_count_models_report_tau2_as_zero_like_metafor():
    assert mantel_haenszel("OR", TABLES)["tau2"] == 0.0
    assert peto(TABLES)["tau2"] == 0.0
