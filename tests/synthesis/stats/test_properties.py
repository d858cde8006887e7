"""Properties of the pooling engine that must hold for any valid input (hypothesis)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from synthesis.stats import rma
from synthesis.stats.engine import run_case
from synthesis.stats.errors import StatsInputError

METHODS = ["FE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM"]
effects = st.floats(-5, 5, allow_nan=False)
variances = st.floats(1e-3, 10, allow_nan=False)


@st.composite
def studies(draw, min_k=1, max_k=12, var=variances):
    k = draw(st.integers(min_k, max_k))
    y = draw(st.lists(effects, min_size=k, max_size=k))
    v = draw(st.lists(var, min_size=k, max_size=k))
    return np.array(y), np.array(v)


def _finite_numbers(result):
    for key in ("estimate", "se", "pval", "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2"):
        assert math.isfinite(result[key]), key
    if "tau2" in result:
        assert math.isfinite(result["tau2"]) and result["tau2"] >= 0


@settings(max_examples=60, deadline=None)
@given(studies(min_k=2), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_the_order_of_studies_changes_nothing(data, method, rnd):
    y, v = data
    perm = list(range(len(y)))
    rnd.shuffle(perm)
    a = rma.rma(y, v, method)
    b = rma.rma(y[perm], v[perm], method)
    for key in ("estimate", "se", "QE", "I2"):
        assert math.isclose(a[key], b[key], rel_tol=1e-8, abs_tol=1e-10), key
    if "tau2" in a:
        assert math.isclose(a["tau2"], b["tau2"], rel_tol=1e-7, abs_tol=1e-10)


@settings(max_examples=60, deadline=None)
@given(studies(min_k=1), st.sampled_from(METHODS[1:]))
def test_random_and_common_effect_agree_when_tau2_is_zero(data, method):
    y, v = data
    re = rma.rma(y, v, method)
    if re["tau2"] > 0:
        # Force the zero-heterogeneity situation: identical effects give tau2 = 0.
        y = np.full_like(y, y[0])
        re = rma.rma(y, v, method)
    assert re["tau2"] < 1e-20  # SJ can keep a rounding residue of the sample variance
    fe = rma.rma(y, v, "FE")
    assert math.isclose(re["estimate"], fe["estimate"], rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(re["se"], fe["se"], rel_tol=1e-12)
    assert math.isclose(re["ci_lb"], fe["ci_lb"], rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    studies(min_k=1, max_k=6, var=st.floats(1e-5, 1e5, allow_nan=False)),
    st.sampled_from(METHODS),
    st.sampled_from(["z", "knha"]),
    st.sampled_from([1e-9, 1.0, 1e9]),
)
def test_results_are_finite_or_a_clear_error_even_for_extreme_variances(data, method, test, scale):
    y, v = data
    try:
        res = rma.rma(y, v * scale, method, test, confint=True)
    except StatsInputError as exc:
        # knha has no df with one study, and a zero Knapp-Hartung se when the estimates
        # agree to the last bit (hypothesis finds 0 and 2e-308).
        assert test == "knha", str(exc)
        assert "0 df" in str(exc) or "Knapp-Hartung standard error is 0" in str(exc)
        return
    _finite_numbers(res)
    assert res["ci_lb"] <= res["estimate"] <= res["ci_ub"]
    assert 0 <= res["I2"] <= 100


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5),
    st.sampled_from(["OR", "RR", "RD"]),
    st.sampled_from(["REML", "DL", "FE", "MH", "PETO"]),
)
def test_all_zero_event_columns_give_finite_results_or_an_error(k, measure, method):
    case = {
        "name": "zeros",
        "measure": measure,
        "method": method,
        "data": {"ai": [0] * k, "bi": [20] * k, "ci": [0] * k, "di": [25] * k},
    }
    out = run_case(case)
    if "error" in out:
        assert out["error"] and not out["error"].startswith("internal error"), out["error"]
        return
    for key in ("estimate", "se", "ci_lb", "ci_ub"):
        assert out["result"][key] is not None and math.isfinite(out["result"][key])


@settings(max_examples=40, deadline=None)
@given(studies(min_k=1, max_k=4), st.sampled_from(METHODS), st.sampled_from(["z", "knha"]))
def test_engine_cases_with_one_or_two_studies_never_fail_internally(data, method, test):
    y, v = data
    case = {
        "name": "small",
        "measure": "GEN",
        "method": method,
        "test": test,
        "data": {"yi": y.tolist(), "vi": v.tolist()},
    }
    out = run_case(case)
    assert "result" in out or not out["error"].startswith("internal error"), out
