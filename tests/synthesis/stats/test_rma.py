"""Pooling, moderators and bias analyses on small data whose answers are worked out by hand."""

import math

import numpy as np
import pytest
from scipy import stats

from synthesis.stats import bias, moderators, multilevel, rma
from synthesis.stats.errors import StatsInputError

# Five studies with equal variances: every tau2 estimator has a closed form.
# S = Σ(y - ȳ)² = 40, k = 5, v = 1, so Q(tau2) = S / (1 + tau2).
Y5 = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
V5 = np.ones(5)
TAU2_BY_HAND = {
    "DL": (40 - 4) / 4,  # (Q - (k-1)) / (Σw - Σw²/Σw)
    "HE": 40 / 4 - 1,  # var(y) - mean(v)
    "REML": 40 / 4 - 1,  # S/(k-1) - v
    "PM": 40 / 4 - 1,  # Q(tau2) = k-1
    "EB": 40 / 4 - 1,
    "ML": 40 / 5 - 1,  # S/k - v
    "HS": (40 - 5) / 5,  # (Q - k) / Σw
    "HSk": (40 * 5 / 4 - 5) / 5,
    "SJ": 8 * (40 / 9) / 4,  # tau0² = S/k = 8, Q(8) = 40/9
    "PMM": 40 / stats.chi2.median(4) - 1,
}


def close(a, b, rel=1e-10, abs_=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@pytest.mark.parametrize("method", sorted(TAU2_BY_HAND))
def test_every_estimator_finds_its_closed_form_tau2(method):
    res = rma.rma(Y5, V5, method)
    assert close(res["tau2"], TAU2_BY_HAND[method])
    assert close(res["estimate"], 0.0, abs_=1e-12)
    assert close(res["se"], math.sqrt((1 + TAU2_BY_HAND[method]) / 5))


def test_i2_is_tau2_based_by_default_and_q_based_on_request():
    res = rma.rma(Y5, V5, "ML")  # tau2 = 7, typical variance s² = (k-1)/tr(P) = 1
    assert close(res["I2"], 100 * 7 / 8) and close(res["H2"], 8.0)
    res_q = rma.rma(Y5, V5, "ML", options={"i2": "q"})
    assert close(res_q["I2"], 100 * (40 - 4) / 40) and close(res_q["H2"], 10.0)


def test_common_effect_matches_the_weighted_mean_and_cochran_q():
    y, v = np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.5, 0.25])
    res = rma.rma(y, v, "FE")
    w = 1 / v
    mu = (w @ y) / w.sum()
    assert close(res["estimate"], mu) and close(res["se"], 1 / math.sqrt(w.sum()))
    q = float(w @ (y - mu) ** 2)
    assert close(res["QE"], q) and close(res["QEp"], stats.chi2.sf(q, 2))
    assert close(res["I2"], 100 * (q - 2) / q)
    assert res["tau2"] == 0.0 and "pi_lb" not in res


def test_q_profile_interval_solves_the_generalised_q_equation():
    res = rma.rma(Y5, V5, "REML", confint=True)
    lb, ub = res["confint_QP"]["tau2"][1:]
    assert close(lb, 40 / stats.chi2.ppf(0.975, 4) - 1)
    assert close(ub, 40 / stats.chi2.ppf(0.025, 4) - 1)
    i2_lb = res["confint_QP"]["I2"][1]
    assert close(i2_lb, 100 * lb / (lb + 1))


def test_q_profile_upper_bound_stops_at_metafor_tau2_max():
    # Q(tau2) = 8/(1+tau2) reaches chi2(1, .025) only near 8,000: metafor reports max(100, 10·tau2).
    res = rma.rma([-2.0, 2.0], [1.0, 1.0], "DL", confint=True)
    assert close(res["confint_QP"]["tau2"][2], 100.0)


def test_prediction_interval_options():
    res = rma.rma(Y5, V5, "REML")
    half = math.sqrt(9 + 10 / 5)
    assert close(res["pi_ub"], stats.norm.ppf(0.975) * half)
    assert close(res["pi_t_k2"]["pi_ub"], stats.t.ppf(0.975, 3) * half)
    res_k1 = rma.rma(Y5, V5, "REML", options={"pi": "t_k1"})
    assert close(res_k1["pi_ub"], stats.t.ppf(0.975, 4) * half)


def test_knha_scales_the_variance_by_the_weighted_residuals():
    y, v = np.array([0.1, 0.3, 0.2, 0.6]), np.array([0.04, 0.02, 0.05, 0.03])
    z = rma.rma(y, v, "DL")
    t = rma.rma(y, v, "DL", "knha")
    w = 1 / (v + z["tau2"])
    factor = float(w @ (y - z["estimate"]) ** 2) / 3
    assert close(t["se"], z["se"] * math.sqrt(factor))
    assert close(t["pval"], 2 * stats.t.sf(abs(t["tval"]), 3))
    assert "zval" not in t


def test_knha_adhoc_se_never_goes_below_the_z_standard_error():
    # Almost identical estimates: tau2 = 0 and the Knapp-Hartung factor is far below 1.
    y, v = np.array([0.50, 0.51, 0.49, 0.50]), np.array([0.04, 0.05, 0.03, 0.04])
    z = rma.rma(y, v, "REML")
    plain = rma.rma(y, v, "REML", "knha")
    adhoc = rma.rma(y, v, "REML", "knha", {"knha_adhoc": "se"})
    assert plain["se"] < z["se"]
    assert close(adhoc["se"], z["se"])
    ci = rma.rma(y, v, "REML", "knha", {"knha_adhoc": "ci"})
    assert ci["ci_ub"] - ci["ci_lb"] >= z["ci_ub"] - z["ci_lb"] - 1e-12


def test_user_weights_give_the_sandwich_variance():
    y, v = np.array([0.1, 0.5, 0.9]), np.array([0.1, 0.2, 0.3])
    res = rma.rma(y, v, "GENQ", options={"weights": "1/vi"})
    a, tau2 = 1 / v, res["tau2"]
    assert close(res["estimate"], (a @ y) / a.sum())
    assert close(res["se"], math.sqrt(a**2 @ (v + tau2)) / a.sum())


@pytest.mark.parametrize(
    ("yi", "vi", "fragment"),
    [
        ([], [], "k = 0"),
        ([1.0, 2.0], [0.1], "vi has 1"),
        ([1.0, 2.0], [0.1, 0.0], "study 2"),
        ([1.0, float("nan")], [0.1, 0.1], "yi of study 2"),
    ],
)
def test_invalid_input_names_the_problem(yi, vi, fragment):
    with pytest.raises(StatsInputError, match=fragment):
        rma.rma(yi, vi, "REML")


def test_unknown_method_and_option_are_errors():
    with pytest.raises(StatsInputError, match="unknown method"):
        rma.rma(Y5, V5, "XYZ")
    with pytest.raises(StatsInputError, match="knha_adhoc"):
        rma.rma(Y5, V5, "REML", "knha", {"knha_adhoc": "wider"})


def test_metaregression_recovers_an_exact_line():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    X, names = moderators.design_matrix({"x": x.tolist()}, 5)
    res = moderators.metareg(1 + 2 * x, np.full(5, 0.5), X, names, "REML")
    assert np.allclose(res["coefficients"]["estimate"], [1.0, 2.0])
    assert close(res["tau2"], 0.0) and close(res["QE"], 0.0, abs_=1e-12)
    # QM = b²/var(b) with var(b) = v / Σ(x - x̄)² = 0.5/10.
    assert close(res["QM"], 4 / 0.05)


def test_common_effect_subgroup_qb_is_total_minus_within_q():
    y = np.array([0.1, 0.3, 0.2, 0.9, 1.1, 0.7])
    v = np.array([0.02, 0.03, 0.04, 0.02, 0.05, 0.03])
    groups = ["a", "a", "a", "b", "b", "b"]
    X, names = moderators.factor_matrix(groups)

    def level(idx):
        return rma.rma(y[idx], v[idx], "FE")

    res = moderators.subgroup_analysis(
        groups, level, lambda: moderators.metareg(y, v, X, names, "FE")
    )
    total = rma.rma(y, v, "FE")["QE"]
    within = sum(res["subgroups"][g]["QE"] for g in "ab")
    assert close(res["Qb"], total - within)
    assert close(res["QM"], res["Qb"])
    assert res["Qb_df"] == 1


def test_single_study_levels_count_in_qb_but_are_not_listed():
    y, v = np.array([0.1, 0.2, 0.8]), np.array([0.1, 0.1, 0.1])
    res = moderators.subgroup_analysis(["a", "a", "b"], lambda i: rma.rma(y[i], v[i], "FE"))
    assert list(res["subgroups"]) == ["a"]
    assert res["Qb_df"] == 1


def test_leave_one_out_equals_refitting_without_each_study():
    y, v = np.array([0.1, 0.4, 0.35, 0.9]), np.array([0.05, 0.02, 0.04, 0.03])
    loo = bias.leave1out(y, v, "REML")
    for i in range(4):
        keep = np.arange(4) != i
        alone = rma.rma(y[keep], v[keep], "REML")
        assert close(loo["estimate"][i], alone["estimate"])
        assert close(loo["tau2"][i], alone["tau2"])


def test_cumulative_ends_with_the_full_fit_and_starts_with_the_first_study():
    y, v = np.array([0.1, 0.4, 0.35, 0.9]), np.array([0.05, 0.02, 0.04, 0.03])
    cum = bias.cumulative(y, v, "DL")
    assert close(cum["estimate"][0], 0.1)
    assert close(cum["estimate"][-1], rma.rma(y, v, "DL")["estimate"])


def test_rank_test_is_perfect_when_deviates_rise_with_variance():
    v = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.4])
    y = np.array([-0.2, -0.1, 0.05, 0.3, 0.6, 1.2])
    res = bias.ranktest(y, v)
    assert close(res["kendall_tau"], 1.0)
    assert close(res["pval"], 2 / math.factorial(6))  # two of 720 orderings are as extreme
    normal = bias.ranktest(y, v, "normal")
    assert normal["kendall_S"] == 15


def test_egger_lm_is_ordinary_weighted_least_squares():
    v = np.array([0.01, 0.04, 0.09, 0.16, 0.25])
    y = np.array([0.1, 0.3, 0.2, 0.6, 0.5])
    res = bias.regtest_lm(y, v)
    se = np.sqrt(v)
    X = np.column_stack([np.ones(5), se])
    w = 1 / v
    beta = np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (w * y))
    assert close(res["bias"]["estimate"], beta[1])
    assert res["df"] == 3


def test_trim_and_fill_finds_nothing_in_a_symmetric_funnel():
    v = np.array([0.01, 0.04, 0.04, 0.09, 0.09, 0.16, 0.16])
    # Balanced but not mirror-exact: exact mirror pairs tie in |y - beta| up to the last bit,
    # and which of a tied pair ranks first then depends on the CPU's floating-point path.
    y = np.array([0.5, 0.29, 0.72, 0.19, 0.83, 0.08, 0.9])
    res = bias.trimfill(y, v, "FE")
    assert res["k0"] == 0 and close(res["estimate"], rma.rma(y, v, "FE")["estimate"])


def test_trim_and_fill_mirrors_the_missing_side():
    v = np.array([0.01, 0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.2])
    y = np.array([0.10, 0.14, 0.2, 0.28, 0.35, 0.42, 0.5, 0.6])  # small studies larger
    res = bias.trimfill(y, v, "FE")
    assert res["side"] == "left" and res["k0"] >= 1
    assert res["estimate"] < rma.rma(y, v, "FE")["estimate"]
    assert all(f < 0.2 for f in res["filled_yi"])


def test_multilevel_without_clusters_sharing_studies_is_a_plain_random_effects_model():
    # Every study its own district: the district variance absorbs all heterogeneity.
    y, v = Y5, V5
    spec = {"levels": ["d"], "d": [1, 2, 3, 4, 5]}
    res = multilevel.rma_mv_nested(y, v, spec)
    assert close(res["sigma2"]["d"], 9.0, rel=1e-9)
    assert close(res["se"], rma.rma(y, v, "REML")["se"], rel=1e-9)
