"""Effect sizes: hand-worked fixtures, zero cells, input errors, metafor yi/vi, properties."""

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthesis.stats.effects import MEASURES, EffectSizes, escalc, hedges_j
from synthesis.stats.errors import StatsInputError
from tests.conftest import SHARED_DATA, shared_path

TABLE = {"ai": [10], "bi": [90], "ci": [20], "di": [80]}


def _one(measure, data, options=None):
    es = escalc(measure, data, options)
    return float(es.yi[0]), float(es.vi[0])


# ---------------------------------------------------------------- hand-worked 2x2 tables


def test_it_computes_the_log_odds_ratio_of_a_table_by_hand():
    yi, vi = _one("OR", TABLE)
    assert yi == pytest.approx(math.log(10 * 80 / (90 * 20)))  # log(4/9)
    assert vi == pytest.approx(1 / 10 + 1 / 90 + 1 / 20 + 1 / 80)


def test_it_computes_the_log_risk_ratio_and_risk_difference_by_hand():
    assert _one("RR", TABLE) == pytest.approx((math.log(0.5), 0.13))  # 1/10-1/100+1/20-1/100
    assert _one("RD", TABLE) == pytest.approx((-0.1, 0.0025))  # .1*.9/100 + .2*.8/100


def test_it_accepts_group_sizes_instead_of_non_events():
    by_n = {"ai": [10], "n1i": [100], "ci": [20], "n2i": [100]}
    for measure in ("OR", "RR", "RD", "PETO"):
        assert _one(measure, by_n) == pytest.approx(_one(measure, TABLE))


def test_it_adds_one_half_to_every_cell_of_a_table_with_a_zero_only():
    data = {"ai": [0, 10], "bi": [10, 90], "ci": [5, 20], "di": [5, 80]}
    es = escalc("OR", data)
    assert es.yi[0] == pytest.approx(math.log(0.5 * 5.5 / (10.5 * 5.5)))
    assert es.vi[0] == pytest.approx(1 / 0.5 + 1 / 10.5 + 2 / 5.5)
    assert es.yi[1] == pytest.approx(math.log(4 / 9))  # untouched: no zero cell


def test_it_adds_to_all_tables_when_asked():
    data = {"ai": [0, 10], "bi": [10, 90], "ci": [5, 20], "di": [5, 80]}
    for to in ("all", "if0all"):
        es = escalc("OR", data, {"to": to, "add": 0.5})
        assert es.yi[1] == pytest.approx(math.log(10.5 * 80.5 / (90.5 * 20.5)))


def test_if0all_leaves_tables_alone_when_no_table_has_a_zero():
    assert _one("OR", TABLE, {"to": "if0all"}) == pytest.approx(_one("OR", TABLE))


def test_a_zero_cell_without_correction_is_a_clear_error():
    with pytest.raises(StatsInputError, match="zero cells"):
        escalc("OR", {"ai": [0], "bi": [10], "ci": [5], "di": [5]}, {"to": "none"})


def test_the_peto_log_odds_ratio_is_o_minus_e_over_v():
    yi, vi = _one("PETO", TABLE)
    expected_v = 100 * 100 * 30 * 170 / (200**2 * 199)
    assert yi == pytest.approx((10 - 15) / expected_v)
    assert vi == pytest.approx(1 / expected_v)


def test_the_average_variance_type_uses_the_pooled_risks():
    data = {"ai": [10, 30], "bi": [90, 70], "ci": [20, 40], "di": [80, 60]}
    es = escalc("RD", data, {"vtype": "AV"})
    assert es.vi[0] == pytest.approx(0.2 * 0.8 / 100 + 0.3 * 0.7 / 100)


# ---------------------------------------------------------------- means


MEANS = {"m1i": [10], "sd1i": [2], "n1i": [5], "m2i": [8], "sd2i": [3], "n2i": [10]}


def test_it_computes_the_mean_difference_with_separate_or_pooled_variances():
    assert _one("MD", MEANS) == pytest.approx((2, 4 / 5 + 9 / 10))
    pooled = (4 * 4 + 9 * 9) / 13
    assert _one("MD", MEANS, {"vtype": "HO"}) == pytest.approx((2, pooled * (1 / 5 + 1 / 10)))


def test_hedges_exact_correction_matches_the_gamma_function_by_hand():
    assert hedges_j(np.array([2.0]))[0] == pytest.approx(1 / math.sqrt(math.pi))
    # J(m) is close to 1 - 3/(4m - 1) for larger m (Hedges 1981)
    # Γ(2) / (√2 Γ(3/2)) = 2/√(2π)
    assert hedges_j(np.array([4.0]))[0] == pytest.approx(2 / math.sqrt(2 * math.pi))
    assert hedges_j(np.array([40.0]))[0] == pytest.approx(1 - 3 / 159, abs=1e-4)


def test_the_smd_with_the_exact_and_revman_corrections_by_hand():
    data = {"m1i": [1], "sd1i": [1], "n1i": [2], "m2i": [0], "sd2i": [1], "n2i": [2]}
    g = 1 / math.sqrt(math.pi)
    assert _one("SMD", data) == pytest.approx((g, 1 + g**2 / 8))
    g_approx = 1 - 3 / 7
    expected = (g_approx, 1 + g_approx**2 / (2 * 0.06))
    assert _one("SMD", data, {"smd_correction": "approx"}) == pytest.approx(expected)


def test_the_smd_variance_types_differ_as_documented():
    data = {"m1i": [12], "sd1i": [4], "n1i": [20], "m2i": [10], "sd2i": [4], "n2i": [20]}
    g, v_ls = _one("SMD", data)
    assert _one("SMD", data, {"vtype": "H0"})[1] == pytest.approx(0.1)
    j = hedges_j(np.array([38.0]))[0]
    assert _one("SMD", data, {"vtype": "UB"})[1] == pytest.approx(
        0.1 + (1 - 36 / (38 * j**2)) * g**2
    )
    assert _one("SMD", data, {"vtype": "LS2"})[1] == pytest.approx(j**2 * (0.1 + 0.25 / 80))
    assert v_ls == pytest.approx(0.1 + g**2 / 80)


def test_the_ratio_of_means_with_and_without_the_bias_correction():
    data = {"m1i": [20], "sd1i": [4], "n1i": [10], "m2i": [10], "sd2i": [3], "n2i": [10]}
    assert _one("ROM", data, {"rom_correction": "none"}) == pytest.approx((math.log(2), 0.013))
    corrected = math.log(2) + 0.5 * (16 / 4000 - 9 / 1000)
    assert _one("ROM", data) == pytest.approx((corrected, 0.013))


# ---------------------------------------------------------------- before/after (one arm)


PAIRED = {"m1i": [12], "m2i": [10], "sd1i": [3], "sd2i": [4], "ni": [25], "ri": [0.5]}


def test_the_raw_mean_change_by_hand():
    # SD of the change: 9 + 16 - 2*0.5*3*4 = 13
    assert _one("MC", PAIRED) == pytest.approx((2, 13 / 25))


def test_the_change_score_standardized_mean_change_by_hand():
    j = hedges_j(np.array([24.0]))[0]
    g = j * 2 / math.sqrt(13)
    assert _one("SMCC", PAIRED) == pytest.approx((g, 1 / 25 + g**2 / 50))


def test_the_raw_score_standardized_mean_change_uses_the_baseline_sd_in_sd1i():
    j = hedges_j(np.array([24.0]))[0]
    g = j * 2 / 3
    assert _one("SMCR", PAIRED) == pytest.approx((g, 2 * 0.5 / 25 + g**2 / 50))


def test_a_scalar_correlation_applies_to_every_study():
    data = dict(PAIRED, m1i=[12, 13], m2i=[10, 10], sd1i=[3, 3], sd2i=[4, 4], ni=[25, 25], ri=0.5)
    es = escalc("MC", data)
    assert es.vi.tolist() == pytest.approx([13 / 25, 13 / 25])


def test_a_change_with_no_variance_is_an_error():
    data = dict(PAIRED, sd2i=[3], ri=[1])
    with pytest.raises(StatsInputError, match="SD of the change is 0"):
        escalc("MC", data)


# ---------------------------------------------------------------- proportions, rates, r


def test_proportions_by_hand():
    assert _one("PR", {"xi": [5], "ni": [20]}) == pytest.approx((0.25, 0.25 * 0.75 / 20))
    assert _one("PAS", {"xi": [5], "ni": [20]}) == pytest.approx((math.pi / 6, 1 / 80))
    expected_plo = (math.log(5 / 15), 1 / 5 + 1 / 15)
    assert _one("PLO", {"xi": [5], "ni": [20]}) == pytest.approx(expected_plo)


def test_zero_events_in_a_proportion():
    # PLO adds 1/2 to x and n - x; PFT adds nothing and stays finite.
    assert _one("PLO", {"xi": [0], "ni": [10]}) == pytest.approx(
        (math.log(0.5 / 10.5), 1 / 0.5 + 1 / 10.5)
    )
    expected_pft = (0.5 * math.asin(math.sqrt(1 / 11)), 1 / 42)
    assert _one("PFT", {"xi": [0], "ni": [10]}) == pytest.approx(expected_pft)
    assert _one("PR", {"xi": [10], "ni": [10]})[0] == pytest.approx(10.5 / 11)


def test_rates_by_hand():
    data = {"x1i": [10], "t1i": [100], "x2i": [5], "t2i": [200]}
    assert _one("IRR", data) == pytest.approx((math.log(4), 0.3))
    assert _one("IRLN", {"xi": [0], "ti": [10]}) == pytest.approx((math.log(0.05), 2))


def test_fisher_z_by_hand():
    assert _one("ZCOR", {"ri": [0.5], "ni": [13]}) == pytest.approx((math.atanh(0.5), 0.1))


def test_generic_effects_pass_through():
    es = escalc("GEN", {"yi": [0.1, -0.2], "vi": [0.01, 0.04]})
    assert es.yi.tolist() == [0.1, -0.2] and es.vi.tolist() == [0.01, 0.04]
    assert es.n is None


def test_it_reports_the_total_sample_size_per_study():
    assert escalc("OR", TABLE).n.tolist() == [200]
    assert escalc("PFT", {"xi": [0, 3], "ni": [10, 12]}).n.tolist() == [10, 12]


# ---------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    ("measure", "data", "message"),
    [
        ("XYZ", TABLE, "unknown measure"),
        ("OR", {"ai": [1], "bi": [2], "ci": [3]}, "column 'di' is missing"),
        ("OR", {"ai": [1, 2], "bi": [2], "ci": [3], "di": [4]}, "different lengths"),
        ("OR", {"ai": [], "bi": [], "ci": [], "di": []}, "no studies"),
        ("OR", {"ai": [-1], "bi": [2], "ci": [3], "di": [4]}, "negative count"),
        ("OR", {"ai": [5], "n1i": [4], "ci": [3], "n2i": [4]}, "exceeds n1i"),
        ("OR", {"ai": [0], "bi": [0], "ci": [3], "di": [4]}, "no participants"),
        ("OR", {"ai": [None], "bi": [2], "ci": [3], "di": [4]}, "not a number"),
        ("MD", dict(MEANS, sd1i=[0]), "sd1i must be > 0"),
        ("SMD", dict(MEANS, n2i=[0]), "n2i must be > 0"),
        ("PLO", {"xi": [11], "ni": [10]}, "exceeds ni"),
        ("MC", dict(PAIRED, ri=[1.5]), "between -1 and 1"),
        ("ZCOR", {"ri": [1.0], "ni": [20]}, "strictly between"),
        ("ZCOR", {"ri": [0.3], "ni": [3]}, "ni > 3"),
        ("ROM", dict(MEANS, m2i=[-8]), "same sign"),
        ("GEN", {"yi": [0.1], "vi": [0]}, "variance is not positive"),
        ("IRR", {"x1i": [1], "t1i": [0], "x2i": [1], "t2i": [5]}, "t1i must be > 0"),
    ],
)
def test_invalid_input_gets_a_message_a_reviewer_can_act_on(measure, data, message):
    with pytest.raises(StatsInputError, match=message):
        escalc(measure, data)


def test_the_message_names_the_study():
    data = {"study": ["Smith 2001", "Lee 2004"], "ai": [1, -2], "bi": [2, 2], "ci": [3, 3]}
    data["di"] = [4, 4]
    with pytest.raises(StatsInputError, match=r"'Lee 2004' \(row 2\): ai"):
        escalc("OR", data)


@pytest.mark.parametrize(
    "options",
    [{"add": -1}, {"to": "some"}, {"vtype": "XX"}, {"smd_correction": "x"}],
)
def test_invalid_options_are_rejected(options):
    with pytest.raises(StatsInputError, match="option"):
        escalc("SMD" if "smd_correction" in options else "OR", dict(TABLE, **MEANS), options)


def test_every_listed_measure_is_supported():
    samples = {
        "counts": TABLE,
        "means": MEANS,
        "paired": PAIRED,
        "prop": {"xi": [3], "ni": [10]},
        "rate": {"xi": [3], "ti": [10]},
        "rates": {"x1i": [3], "t1i": [10], "x2i": [4], "t2i": [12]},
        "r": {"ri": [0.3], "ni": [20]},
        "gen": {"yi": [0.3], "vi": [0.2]},
    }
    merged = {}
    for data in samples.values():
        merged.update(data)
    for measure in MEASURES:
        es = escalc(measure, merged)
        assert isinstance(es, EffectSizes) and np.isfinite(es.yi).all() and (es.vi > 0).all()


# ---------------------------------------------------------------- metafor's yi and vi


def _reference_cases():
    path = shared_path("meta", "reference_cases.json")
    return json.loads(path.read_text())["cases"]


def _cases_with_yi():
    """Case names for parametrize; a placeholder when ../shared is absent (the test skips)."""
    path = SHARED_DATA / "meta" / "reference_cases.json"
    if not path.exists():
        return ["shared-data-absent"]
    cases = json.loads(path.read_text())["cases"]
    return [c["name"] for c in cases if "yi" in c["expected"]]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", _cases_with_yi())
def test_yi_and_vi_agree_with_metafor(name):
    case = next(c for c in _reference_cases() if c["name"] == name)
    es = escalc(case["measure"], case["data"], case.get("options"))
    np.testing.assert_allclose(es.yi, case["expected"]["yi"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(es.vi, case["expected"]["vi"], rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- properties


counts = st.integers(min_value=0, max_value=500)
measures_2x2 = st.sampled_from(["OR", "RR", "RD", "PETO"])
to_values = st.sampled_from(["only0", "all", "if0all", "none"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    measure=measures_2x2,
    cells=st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=6),
    to=to_values,
    add=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
)
def test_any_valid_table_gives_finite_effects_or_a_clear_error(measure, cells, to, add):
    data = {key: [row[i] for row in cells] for i, key in enumerate(("ai", "bi", "ci", "di"))}
    try:
        es = escalc(measure, data, {"to": to, "add": add})
    except StatsInputError as exc:
        assert str(exc).startswith(("study ", "unknown")) or "option" in str(exc)
        return
    assert np.isfinite(es.yi).all() and np.isfinite(es.vi).all() and (es.vi > 0).all()


@settings(max_examples=100, deadline=None)
@given(
    measure=measures_2x2,
    cells=st.lists(
        st.tuples(counts, counts, counts, counts).filter(
            lambda t: t[0] + t[1] > 0 and t[2] + t[3] > 0
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_default_zero_cell_rules_always_give_finite_effects(measure, cells):
    data = {key: [row[i] for row in cells] for i, key in enumerate(("ai", "bi", "ci", "di"))}
    es = escalc(measure, data)
    assert np.isfinite(es.yi).all() and (es.vi > 0).all() and np.isfinite(es.vi).all()


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(1, 10_000), st.integers(0, 10_000)).map(
            lambda t: (t[0], min(t[1], t[0]))
        ),
        min_size=1,
        max_size=6,
    ),
    measure=st.sampled_from(["PLO", "PFT", "PAS", "PR"]),
)
def test_proportions_with_zero_or_all_events_stay_finite(rows, measure):
    data = {"ni": [n for n, _ in rows], "xi": [x for _, x in rows]}
    try:
        es = escalc(measure, data)
    except StatsInputError as exc:
        # PR with x = 0 and no correction has no variance; the message says what to do.
        assert "add" in str(exc)
        return
    assert np.isfinite(es.yi).all() and (es.vi > 0).all()


positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    m1=st.floats(-1e6, 1e6),
    m2=st.floats(-1e6, 1e6),
    sd1=positive,
    sd2=positive,
    n1=st.integers(2, 5000),
    n2=st.integers(2, 5000),
    r=st.floats(-0.99, 0.99),
    measure=st.sampled_from(["MD", "SMD", "MC", "SMCR", "SMCC"]),
)
def test_means_give_finite_effects_for_any_valid_summary(m1, m2, sd1, sd2, n1, n2, r, measure):
    data = {
        "m1i": [m1],
        "m2i": [m2],
        "sd1i": [sd1],
        "sd2i": [sd2],
        "n1i": [n1],
        "n2i": [n2],
        "ni": [max(n1, 3)],
        "ri": [r],
    }
    try:
        es = escalc(measure, data)
    except StatsInputError as exc:
        assert "SD of the change" in str(exc)
        return
    assert np.isfinite(es.yi).all() and (es.vi > 0).all()
