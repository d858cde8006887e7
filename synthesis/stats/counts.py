"""Mantel-Haenszel and Peto pooling of 2x2 tables and rate pairs (metafor rma.mh / rma.peto)."""

import numpy as np
from scipy import stats

from synthesis.stats.effects import escalc, rate_pairs, two_by_two
from synthesis.stats.errors import StatsInputError
from synthesis.stats.rma import interval_higgins_thompson

MH_MEASURES = ("OR", "RR", "RD", "IRR", "IRD")
LOG_SCALE = frozenset({"OR", "RR", "IRR"})
Z975 = stats.norm.ppf(0.975)


# ---------------------------------------------------------------- inputs


def _drop00(options: dict) -> bool:
    value = options.get("drop00", True)
    if not isinstance(value, bool):
        raise StatsInputError(f"option 'drop00' must be true or false, not {value!r}")
    return value


def _raw_columns(measure: str, data: dict) -> tuple[np.ndarray, ...]:
    """Validated raw counts: (ai, bi, ci, di), or (x1i, t1i, x2i, t2i) for rates."""
    return rate_pairs(data) if measure in ("IRR", "IRD") else two_by_two(data)


def _double_zero(measure: str, cols: tuple) -> np.ndarray:
    """Tables with no events (or only events) in both arms: kept in k, left out of QE."""
    if measure in ("IRR", "IRD"):
        x1, _, x2, _ = cols
        return (x1 == 0) & (x2 == 0)
    ai, bi, ci, di = cols
    return ((ai == 0) & (ci == 0)) | ((bi == 0) & (di == 0))


def _study_effects(measure: str, data: dict, options: dict, cols: tuple) -> tuple:
    """escalc yi/vi with NaN for tables drop00 leaves out (they carry no information)."""
    es = escalc(measure, data, options, allow_nonfinite=True)
    yi, vi = es.yi.copy(), es.vi.copy()
    # Without a continuity correction a zero cell gives no finite yi/vi (metafor: NA).
    dropped = ~np.isfinite(yi) | ~np.isfinite(vi) | (vi <= 0)
    if _drop00(options):
        dropped |= _double_zero(measure, cols)
    yi[dropped] = np.nan
    vi[dropped] = np.nan
    return yi, vi


# ---------------------------------------------------------------- MH estimates


def _mh_or(ai, bi, ci, di) -> tuple[float, float, np.ndarray]:
    """MH log odds ratio with the Robins-Breslow-Greenland (1986) variance."""
    n = ai + bi + ci + di
    r, s = ai * di / n, bi * ci / n
    p, q = (ai + di) / n, (bi + ci) / n
    big_r, big_s = r.sum(), s.sum()
    if big_r <= 0 or big_s <= 0:
        raise StatsInputError(
            "the Mantel-Haenszel odds ratio is 0 or infinite (no table has events that allow it); "
            "use the inverse-variance method with a continuity correction"
        )
    var = (
        np.sum(p * r) / (2 * big_r**2)
        + np.sum(p * s + q * r) / (2 * big_r * big_s)
        + np.sum(q * s) / (2 * big_s**2)
    )
    return float(np.log(big_r / big_s)), float(np.sqrt(var)), s


def _mh_rr(ai, bi, ci, di) -> tuple[float, float, np.ndarray]:
    """MH log risk ratio with the Greenland-Robins (1985) variance."""
    n1, n2 = ai + bi, ci + di
    n = n1 + n2
    r, s = ai * n2 / n, ci * n1 / n
    big_r, big_s = r.sum(), s.sum()
    if big_r <= 0 or big_s <= 0:
        raise StatsInputError(
            "the Mantel-Haenszel risk ratio is 0 or infinite (no events in one group in every "
            "table); use the risk difference or a continuity-corrected inverse-variance model"
        )
    var = np.sum((n1 * n2 * (ai + ci) - ai * ci * n) / n**2) / (big_r * big_s)
    return float(np.log(big_r / big_s)), float(np.sqrt(var)), s


def _mh_rd(ai, bi, ci, di, variance: str) -> tuple[float, float, np.ndarray]:
    """MH risk difference; Sato et al. (1989) or Greenland-Robins (1985) variance."""
    n1, n2 = ai + bi, ci + di
    n = n1 + n2
    w = n1 * n2 / n
    total = w.sum()
    est = float(np.sum((ai * n2 - ci * n1) / n) / total)
    if variance == "greenland_robins":
        var = np.sum((ai * bi * n2**3 + ci * di * n1**3) / (n1 * n2 * n**2)) / total**2
    else:
        p = np.sum((ci * n1**2 - ai * n2**2 + n1 * n2 * (n2 - n1) / 2) / n**2)
        q = np.sum((ai * (n2 - ci) + ci * (n1 - ai)) / n) / 2
        var = (est * p + q) / total**2
    return est, float(np.sqrt(max(var, 0.0))), w


def _mh_irr(x1, t1, x2, t2) -> tuple[float, float, np.ndarray]:
    """MH log incidence rate ratio (Greenland & Robins 1985)."""
    t = t1 + t2
    r, s = x1 * t2 / t, x2 * t1 / t
    big_r, big_s = r.sum(), s.sum()
    if big_r <= 0 or big_s <= 0:
        raise StatsInputError(
            "the Mantel-Haenszel rate ratio is 0 or infinite (no events in one group in every "
            "study); use the rate difference (IRD) instead"
        )
    var = np.sum(t1 * t2 * (x1 + x2) / t**2) / (big_r * big_s)
    return float(np.log(big_r / big_s)), float(np.sqrt(var)), s


def _mh_ird(x1, t1, x2, t2) -> tuple[float, float, np.ndarray]:
    """MH incidence rate difference with its Greenland-Robins variance."""
    t = t1 + t2
    w = t1 * t2 / t
    total = w.sum()
    est = float(np.sum((x1 * t2 - x2 * t1) / t) / total)
    var = np.sum(w**2 * (x1 / t1**2 + x2 / t2**2)) / total**2
    return est, float(np.sqrt(var)), w


def _rd_variance_option(options: dict) -> str:
    value = options.get("mh_rd_variance", "sato")
    if value not in ("sato", "greenland_robins"):
        raise StatsInputError(
            f"option 'mh_rd_variance' must be sato or greenland_robins, not {value!r}"
        )
    return value


def _check_mh_measure(measure: str) -> None:
    if measure not in MH_MEASURES:
        raise StatsInputError(
            f"Mantel-Haenszel pooling works for {', '.join(MH_MEASURES)}, not {measure!r}"
        )


def _mh_fit(measure: str, cols: tuple, options: dict) -> tuple[float, float, np.ndarray]:
    """(estimate, se, per-study MH weights) from the raw counts, with no continuity correction."""
    _check_mh_measure(measure)
    if measure in ("IRR", "IRD"):
        return _mh_irr(*cols) if measure == "IRR" else _mh_ird(*cols)
    if measure == "OR":
        return _mh_or(*cols)
    if measure == "RR":
        return _mh_rr(*cols)
    return _mh_rd(*cols, _rd_variance_option(options))


def mh_estimate(measure: str, data: dict, options: dict | None = None) -> float:
    """The Mantel-Haenszel estimate (analysis scale), e.g. to centre Q as RevMan 5 does."""
    _check_mh_measure(measure)
    return _mh_fit(measure, _raw_columns(measure, data), options or {})[0]


# ---------------------------------------------------------------- results


def _heterogeneity(q: float, df: int) -> dict:
    """QE with its p value and the Q-based I2 and H2, as metafor reports them for MH/Peto."""
    if df <= 0:
        return {"QE": q, "QEp": 1.0, "I2": None, "H2": None}
    return {
        "QE": q,
        "QEp": float(stats.chi2.sf(q, df)),
        "I2": max(0.0, 100 * (q - df) / q) if q > 0 else 0.0,
        "H2": q / df,
        **interval_higgins_thompson(q, df),
    }


def _summary(est: float, se: float, k: int, yi: np.ndarray, vi: np.ndarray) -> dict:
    zval = est / se if se > 0 else float("nan")
    if not np.isfinite(zval):
        raise StatsInputError("the pooled standard error is zero; the tables carry no variance")
    return {
        "k": k,
        "yi": [None if np.isnan(y) else float(y) for y in yi],
        "vi": [None if np.isnan(v) else float(v) for v in vi],
        "estimate": est,
        "se": se,
        "zval": zval,
        "pval": float(2 * stats.norm.sf(abs(zval))),
        "ci_lb": est - Z975 * se,
        "ci_ub": est + Z975 * se,
        "tau2": 0.0,  # a common-effect model; metafor reports tau2 = 0
    }


def _weights_percent(weights: np.ndarray) -> list[float]:
    return [float(w) for w in 100 * weights / weights.sum()]


def _correct(options: dict) -> bool:
    value = options.get("correct", True)
    if not isinstance(value, bool):
        raise StatsInputError(f"option 'correct' must be true or false, not {value!r}")
    return value


def mantel_haenszel(measure: str, data: dict, options: dict | None = None) -> dict:
    """Mantel-Haenszel common-effect model for OR, RR, RD (2x2 tables) or IRR, IRD (rates)."""
    options = options or {}
    _check_mh_measure(measure)
    cols = _raw_columns(measure, data)
    yi, vi = _study_effects(measure, data, options, cols)
    est, se, weights = _mh_fit(measure, cols, options)
    used = ~np.isnan(yi)
    q = float(np.sum((yi[used] - est) ** 2 / vi[used]))
    result = _summary(est, se, len(yi), yi, vi)
    result.update(_heterogeneity(q, int(used.sum()) - 1))
    result["weights_percent"] = _weights_percent(weights)
    result.update(_association_tests(measure, cols, _correct(options), est))
    return result


def peto(data: dict, options: dict | None = None) -> dict:
    """Peto's one-step log odds ratio: Σ(O-E)/ΣV with se 1/√ΣV (Yusuf et al. 1985)."""
    options = options or {}
    ai, bi, ci, di = two_by_two(data)
    observed_minus_expected, hyper_var = _peto_terms(ai, bi, ci, di)
    total_var = hyper_var.sum()
    if total_var <= 0:
        raise StatsInputError(
            "Peto's method needs events and non-events somewhere: one outcome never occurs"
        )
    est = float(observed_minus_expected.sum() / total_var)
    informative = hyper_var > 0
    yi, vi = _study_effects("PETO", data, options, (ai, bi, ci, di))
    q = float(
        np.sum(observed_minus_expected[informative] ** 2 / hyper_var[informative])
        - observed_minus_expected.sum() ** 2 / total_var
    )
    result = _summary(est, float(np.sqrt(1 / total_var)), len(ai), yi, vi)
    result.update(_heterogeneity(max(q, 0.0), int(informative.sum()) - 1))
    result["weights_percent"] = _weights_percent(hyper_var)
    return result


def _peto_terms(ai, bi, ci, di) -> tuple[np.ndarray, np.ndarray]:
    """O - E and the hypergeometric variance V of each table."""
    n1, n2 = ai + bi, ci + di
    n = n1 + n2
    events, non_events = ai + ci, bi + di
    with np.errstate(divide="ignore", invalid="ignore"):
        hyper_var = np.where(
            n > 1, n1 * n2 * events * non_events / (n**2 * np.maximum(n - 1, 1)), 0.0
        )
    return ai - n1 * events / n, hyper_var


# ---------------------------------------------------------------- association tests


def _chi2_result(name: str, stat: float) -> dict:
    return {name: stat, f"{name}_p": float(stats.chi2.sf(stat, 1))}


def _association_tests(measure: str, cols: tuple, correct: bool, log_or=None) -> dict:
    """Cochran and Cochran-Mantel-Haenszel tests (OR), or the MH rate test (IRR)."""
    cc = 0.5 if correct else 0.0
    if measure == "IRR":
        x1, t1, x2, t2 = cols
        t = t1 + t2
        dev = abs(np.sum(x1 - t1 * (x1 + x2) / t))
        var = np.sum((x1 + x2) * t1 * t2 / t**2)
        return _chi2_result("cmh_chi2", float(max(dev - cc, 0) ** 2 / var)) if var > 0 else {}
    if measure != "OR":
        return {}
    ai, bi, ci, di = cols
    n1, n2, m1, m0 = ai + bi, ci + di, ai + ci, bi + di
    n = n1 + n2
    dev = abs(np.sum(ai - n1 * m1 / n))
    binomial_var = np.sum(n1 * n2 * m1 * m0 / n**3)
    out = {}
    if binomial_var > 0:
        out.update(_chi2_result("cochran_chi2", float(max(dev - cc, 0) ** 2 / binomial_var)))
    keep = n > 1
    hyper_var = np.sum((n1 * n2 * m1 * m0)[keep] / (n[keep] ** 2 * (n[keep] - 1)))
    if hyper_var > 0:
        out.update(_chi2_result("cmh_chi2", float(max(dev - cc, 0) ** 2 / hyper_var)))
    if log_or is not None:
        out.update(_breslow_day(ai, bi, ci, di, log_or))
    return out


def _fitted_cells(psi: float, n1, n2, m1) -> np.ndarray:
    """Cell a of each table under a common odds ratio psi (root of the Breslow-Day quadratic)."""
    lower, upper = np.maximum(0, m1 - n2), np.minimum(n1, m1)
    if psi == 1:
        return n1 * m1 / (n1 + n2)
    qa, qb, qc = 1 - psi, n2 - m1 + psi * (n1 + m1), -psi * n1 * m1
    root = np.sqrt(np.maximum(qb**2 - 4 * qa * qc, 0))
    first, second = (-qb + root) / (2 * qa), (-qb - root) / (2 * qa)
    inside = (first >= lower - 1e-9) & (first <= upper + 1e-9)
    return np.clip(np.where(inside, first, second), lower, upper)


def _breslow_day(ai, bi, ci, di, log_or: float) -> dict:
    """Breslow-Day homogeneity test of the odds ratios, and Tarone's (1985) correction."""
    n1, n2, m1 = ai + bi, ci + di, ai + ci
    fitted = _fitted_cells(float(np.exp(log_or)), n1, n2, m1)
    with np.errstate(divide="ignore"):
        inv = 1 / fitted + 1 / (n1 - fitted) + 1 / (m1 - fitted) + 1 / (n2 - m1 + fitted)
    var = np.where(np.isfinite(inv), 1 / inv, 0.0)
    used = var > 0
    df = int(used.sum()) - 1
    if df < 1:
        return {}
    dev = (ai - fitted)[used]
    breslow_day = float(np.sum(dev**2 / var[used]))
    tarone = breslow_day - float(dev.sum() ** 2 / var[used].sum())
    return {
        "breslow_day": breslow_day,
        "breslow_day_p": float(stats.chi2.sf(breslow_day, df)),
        "tarone": tarone,
        "tarone_p": float(stats.chi2.sf(tarone, df)),
    }
