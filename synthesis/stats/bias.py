"""Sensitivity and small-study analyses: leave-one-out, cumulative, Egger, Begg, trim-and-fill."""

import numpy as np
from scipy import special, stats

from .errors import StatsInputError
from .rma import fit_model, inverse, p_from_t, p_from_z, summarise, t_crit

_SERIES_KEYS = ("estimate", "se", "zval", "tval", "pval", "ci_lb", "ci_ub", "tau2", "I2", "H2")
_SERIES_KEYS += ("QE", "QEp")


def _series(results, keys=_SERIES_KEYS):
    """Lists over refits; keys absent from every result are left out, gaps become NaN."""
    out = {}
    for key in keys:
        if any(key in r for r in results):
            out[key] = [r.get(key, float("nan")) for r in results]
    return out


def _refit(y, v, method, test, options, weights):
    fit = fit_model(y, v, None, method, weights)
    return summarise(fit, y, v, method, test, options)


def _user_weights_subset(weights, idx):
    return None if weights is None else weights[idx]


def leave1out(y, v, method="REML", test="z", options=None, weights=None):
    """Refit with each study left out in turn (metafor leave1out)."""
    k = len(y)
    if k < 2:
        raise StatsInputError("leave-one-out needs at least 2 studies")
    results = []
    everyone = np.arange(k)
    for i in range(k):
        keep = everyone != i
        results.append(_safe_refit(y[keep], v[keep], method, test, options, weights, keep))
    return _series(results)


def cumulative(y, v, method="REML", test="z", options=None, weights=None):
    """Pooled result after the first 1, 2, ..., k studies in the order given."""
    results = []
    for i in range(1, len(y) + 1):
        sl = slice(0, i)
        results.append(_safe_refit(y[sl], v[sl], method, test, options, weights, sl))
    return _series(results)


def _safe_refit(y, v, method, test, options, weights, idx):
    # A subset can be too small for the test (knha with one study): report it as missing
    # rather than dropping the whole series.
    try:
        return _refit(y, v, method, test, options, _user_weights_subset(weights, idx))
    except StatsInputError:
        return {}


def regtest(y, v, method="REML", test="z", weights=None):
    """Egger-type test as metafor regtest(): the case's model with sei as moderator."""
    k = len(y)
    if k < 3:
        raise StatsInputError("Egger's test needs at least 3 studies")
    X = np.column_stack([np.ones(k), np.sqrt(v)])
    fit = fit_model(y, v, X, method, weights)
    df = k - 2
    vb = fit.vb * (fit.resid_w / df) if test == "knha" else fit.vb
    se = np.sqrt(np.diag(vb))
    stat = float(fit.beta[1] / se[1])
    if test == "knha":
        out = {"tval": stat, "df": df, "pval": p_from_t(stat, df)}
        crit = t_crit(df)
    else:
        out = {"zval": stat, "pval": p_from_z(stat)}
        crit = float(special.ndtri(0.975))
    b0 = float(fit.beta[0])
    out["limit_estimate"] = {
        "estimate": b0,
        "ci_lb": b0 - crit * float(se[0]),
        "ci_ub": b0 + crit * float(se[0]),
    }
    return out


def regtest_lm(y, v):
    """Classic Egger test: weighted least squares of yi on sei (weights 1/vi), t on k-2 df."""
    k = len(y)
    if k < 3:
        raise StatsInputError("Egger's test needs at least 3 studies")
    X = np.column_stack([np.ones(k), np.sqrt(v)])
    w = 1.0 / v
    xw = X.T * w
    inv = inverse(xw @ X)
    beta = inv @ (xw @ y)
    df = k - 2
    sigma2 = float(w @ (y - X @ beta) ** 2) / df
    se = np.sqrt(np.diag(inv) * sigma2)
    t = float(beta[1] / se[1])
    return {
        "tval": t,
        "df": df,
        "pval": p_from_t(t, df),
        "limit_estimate": float(beta[0]),
        "bias": {"estimate": float(beta[1]), "se": float(se[1])},
    }


def _kendall_s(x, y):
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    return int(np.sum(np.triu(dx * dy, 1)))


def _ties_var_s(x, y):
    """Var(S) under H0 with the tie correction R's cor.test uses."""
    n = len(x)

    def parts(a):
        _, t = np.unique(a, return_counts=True)
        return (
            np.sum(t * (t - 1) * (2 * t + 5)),
            np.sum(t * (t - 1) * (t - 2)),
            np.sum(t * (t - 1)),
        )

    xa, xb, xc = parts(x)
    ya, yb, yc = parts(y)
    return (
        (n * (n - 1) * (2 * n + 5) - xa - ya) / 18
        + xb * yb / (9 * n * (n - 1) * (n - 2))
        + xc * yc / (2 * n * (n - 1))
    )


def ranktest(y, v, kind="exact"):
    """Begg and Mazumdar's rank correlation test.

    exact: Kendall's tau with the exact p (metafor; with ties, R falls back to the normal
    approximation with tie-corrected variance, and so do we). normal / normal_cc: z = S/se(S)
    with se(S) = sqrt(k(k-1)(2k+5)/18), optionally S - sign(S) (meta's metabias "Begg").
    """
    k = len(y)
    if k < 3:
        raise StatsInputError("Begg's test needs at least 3 studies")
    w = 1.0 / v
    beta = w @ y / w.sum()
    ystar = (y - beta) / np.sqrt(v - 1.0 / w.sum())
    s = _kendall_s(ystar, v)
    if kind == "exact":
        return _rank_exact(ystar, v, s, k)
    if kind not in ("normal", "normal_cc"):
        raise StatsInputError(
            f'option "ranktest" is {kind!r}; use "exact", "normal" or "normal_cc"'
        )
    se_s = float(np.sqrt(k * (k - 1) * (2 * k + 5) / 18.0))
    num = s - np.sign(s) if kind == "normal_cc" else s
    z = float(num / se_s)
    return {"kendall_S": s, "se_S": se_s, "zval": z, "pval": p_from_z(z)}


def _rank_exact(ystar, v, s, k):
    ties = len(np.unique(ystar)) < k or len(np.unique(v)) < k
    n0 = k * (k - 1) / 2
    if not ties:
        res = stats.kendalltau(ystar, v, method="exact")
        return {"kendall_tau": s / n0, "pval": float(res.pvalue)}
    var_s = _ties_var_s(ystar, v)
    z = s / np.sqrt(var_s)
    tau_b = float(stats.kendalltau(ystar, v).statistic)
    return {"kendall_tau": tau_b, "pval": p_from_z(z), "note": "ties: normal approximation"}


def _trim_side(y, v, method, weights):
    X = np.column_stack([np.ones(len(y)), np.sqrt(v)])
    slope = fit_model(y, v, X, method, weights).beta[1]
    return "right" if slope < 0 else "left"


def _l0(yc):
    """Duval and Tweedie's L0 from centred values: k0 before rounding."""
    k = len(yc)
    order = np.argsort(np.abs(yc), kind="stable")
    ranks = np.empty(k)
    ranks[order] = np.arange(1, k + 1)
    sr = float(np.sum(ranks[yc > 0]))
    return (4.0 * sr - k * (k + 1)) / (2.0 * k - 1.0)


def _l0_se(k0, k):
    """Standard error of L0 = (4·Sr - k(k+1))/(2k-1), at the unrounded last estimate."""
    var_sr = (
        k * (k + 1) * (2 * k + 1)
        + 10 * k0**3
        + 27 * k0**2
        + 17 * k0
        - 18 * k * k0**2
        - 18 * k * k0
        + 6 * k**2 * k0
    ) / 24.0
    return float(4.0 * np.sqrt(var_sr) / (2 * k - 1))


def trimfill(y, v, method="REML", test="z", options=None, weights=None, side=None):
    """Trim-and-fill with the L0 estimator (Duval & Tweedie 2000), as metafor's trimfill."""
    k = len(y)
    if k < 3:
        raise StatsInputError("trim-and-fill needs at least 3 studies")
    if weights is not None:
        raise StatsInputError("trim-and-fill is not defined here for user weights")
    side = side or _trim_side(y, v, method, None)
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y, kind="stable")
    ys, vs = sign * y[order], v[order]
    k0, prev, beta, raw = 0, -1, 0.0, 0.0
    for _ in range(k + 10):
        if k0 == prev:
            break
        prev = k0
        kept = k - k0
        beta = float(fit_model(ys[:kept], vs[:kept], None, method).beta[0])
        raw = _l0(ys - beta)
        k0 = max(0, min(k - 1, _round_half_even(raw)))
    fill_y = sign * (2.0 * beta - ys[k - k0 :])
    fill_v = vs[k - k0 :]
    all_y, all_v = np.concatenate([y, fill_y]), np.concatenate([v, fill_v])
    fin = summarise(fit_model(all_y, all_v, None, method), all_y, all_v, method, test, options)
    out = {"k0": int(k0), "side": side, "estimate": fin["estimate"], "se": fin["se"]}
    out["k_filled"] = k + k0
    out["k0_se"] = _l0_se(raw, k)
    for key in ("zval", "tval", "pval", "ci_lb", "ci_ub", "tau2", "I2", "H2", "QE", "QEp"):
        if key in fin:
            out[key] = fin[key]
    out["filled_yi"] = fill_y.tolist()
    out["filled_vi"] = fill_v.tolist()
    return out


def _round_half_even(x):
    # R's round() rounds half to even, and so does Python's.
    return int(round(x))
