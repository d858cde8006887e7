"""Confidence intervals for heterogeneity: Q-profile (and generalised Q) and Higgins-Thompson."""

import json
import math

import numpy as np
import pytest
from scipy import special, stats

from synthesis.stats import qform, rma
from synthesis.stats.counts import mantel_haenszel
from synthesis.stats.engine import pool_case
from tests.conftest import SHARED_DATA, shared_path

CASES_FILE = ("meta", "reference_cases.json")


def _cases_with_qp():
    path = SHARED_DATA.joinpath(*CASES_FILE)
    if not path.exists():
        return ["reference suite absent"]
    cases = json.loads(path.read_text())["cases"]
    return [c["name"] for c in cases if "confint_QP" in c.get("extra", {})]


def _case(name):
    path = shared_path(*CASES_FILE)
    return next(c for c in json.loads(path.read_text())["cases"] if c["name"] == name)


@pytest.mark.shared_data
@pytest.mark.parametrize("name", _cases_with_qp())
def test_tau2_i2_h2_intervals_match_metafor_q_profile(name):
    case = _case(name)
    want = case["extra"]["confint_QP"]
    got = pool_case(case)
    # GENQ: metafor's distribution function is accurate to 1e-6 only (see the reference test).
    rel = 2e-5 if case["method"] == "GENQ" else 1e-6
    for key in ("tau2", "I2", "H2"):
        assert got[f"{key}_ci"] == pytest.approx(want[key][1:], rel=rel, abs=1e-9), key
        assert got[key] == pytest.approx(want[key][0], rel=1e-6, abs=1e-9)


def _ruben_cdf(x, lam, terms=5000):
    """P(Σ λ χ²_1 ≤ x) by Ruben's (1962) mixture of chi-squares, an independent check."""
    beta = lam.min()
    gamma = 1.0 - beta / lam
    g = np.array([0.5 * np.sum(gamma**j) for j in range(terms + 1)])
    c = np.zeros(terms + 1)
    c[0] = np.exp(0.5 * np.sum(np.log(beta / lam)))
    for k in range(1, terms + 1):
        c[k] = g[k:0:-1] @ c[:k] / k
    assert 1.0 - c.sum() < 1e-13, "too few terms"
    return float(c @ special.chdtr(len(lam) + 2 * np.arange(terms + 1), x / beta))


def test_the_quadratic_form_distribution_is_exact():
    assert qform.cdf(5.0, [2.0, 2.0, 2.0]) == pytest.approx(stats.chi2.cdf(2.5, 3), abs=1e-14)
    assert qform.cdf(3.0, [1.5]) == pytest.approx(stats.chi2.cdf(2.0, 1), abs=1e-15)
    rng = np.random.default_rng(3)
    for _ in range(4):
        lam = rng.uniform(0.5, 4.0, int(rng.integers(2, 12)))
        x = float(lam.sum() * rng.uniform(0.3, 2.0))
        assert qform.cdf(x, lam) == pytest.approx(_ruben_cdf(x, lam), abs=1e-12)


def test_genq_bounds_are_the_exact_quantiles_of_the_generalised_q():
    rng = np.random.default_rng(8)
    v = rng.uniform(0.02, 0.2, 9)
    y = rng.normal(0.3, np.sqrt(v + 0.5))
    res = rma.rma(y, v, "GENQ", options={"weights": "1/vi"}, confint=True)
    lb, ub = res["tau2_ci"]
    assert 0 < lb < res["tau2"] < ub
    pr = rma._Proj(1.0 / v, y, None)
    q = float(pr.Py @ y)
    for bound, level in ((lb, 0.975), (ub, 0.025)):
        s = np.sqrt(v + bound)
        lam = np.linalg.eigvalsh(s[:, None] * pr.P * s[None, :])[-8:]
        assert _ruben_cdf(q, lam) == pytest.approx(level, abs=1e-10)


def test_genq_interval_at_tau2_zero_is_the_chi_square_test():
    # With weights 1/vi and tau2 = 0 the generalised Q is Cochran's Q ~ χ²_{k-1}: when Q is
    # below the 97.5% point, the lower bound is 0.
    y, v = np.array([0.1, 0.2, 0.15, 0.3]), np.array([0.05, 0.04, 0.06, 0.05])
    res = rma.rma(y, v, "GENQ", options={"weights": "1/vi"}, confint=True)
    assert res["QE"] < stats.chi2.ppf(0.975, 3)
    assert res["tau2_ci"][0] == 0.0 and res["I2_ci"][0] == 0.0 and res["H2_ci"][0] == 1.0


def test_higgins_thompson_interval_by_hand():
    # Q = 30 on 9 df (k = 10): ln H = ½ ln(30/9) = 0.60199, se = ½ (ln 30 - ln 9)/(√60 - √17)
    # = 0.16616, so H = exp(0.60199 ∓ 1.96 × 0.16616) = 1.3183 to 2.5286.
    out = rma.interval_higgins_thompson(30.0, 9)
    assert out["H_ci_ht"] == pytest.approx([1.31826, 2.52859], rel=2e-5)
    assert out["I2_ci_ht"] == pytest.approx([42.456, 84.360], rel=2e-5)
    # Q = 8 ≤ k: se = √(1/16 × (1 - 1/192)) = 0.24935; the lower bound of H is floored at 1.
    low = rma.interval_higgins_thompson(8.0, 9)
    assert low["H_ci_ht"][0] == 1.0 and low["I2_ci_ht"][0] == 0.0
    assert low["H_ci_ht"][1] == pytest.approx(math.exp(0.5 * math.log(8 / 9) + 1.959964 * 0.24935),
                                              rel=1e-5)


def test_every_model_reports_the_higgins_thompson_interval_around_the_q_based_i2():
    y = np.array([0.1, 0.5, -0.2, 0.8, 0.3, 0.05])
    v = np.array([0.04, 0.03, 0.05, 0.02, 0.06, 0.04])
    for method in ("FE", "DL", "REML"):
        res = rma.rma(y, v, method)
        lo, hi = res["I2_ci_ht"]
        i2_q = max(0.0, 100 * (res["QE"] - 5) / res["QE"])
        assert lo <= i2_q <= hi
    tables = {"ai": [10, 5, 12], "bi": [90, 45, 88], "ci": [20, 5, 30], "di": [80, 45, 70]}
    assert len(mantel_haenszel("OR", tables)["I2_ci_ht"]) == 2


def test_common_effect_fits_carry_no_tau2_interval():
    res = pool_case({"measure": "GEN", "method": "FE",
                     "data": {"yi": [0.1, 0.4, 0.2], "vi": [0.1, 0.1, 0.2]}})  # fmt: skip
    assert res["tau2"] == 0.0 and "tau2_ci" not in res and "I2_ci_ht" in res
