"""Meta-regression with moderators and subgroup analyses (separate pooling, Qb and QM)."""

import numpy as np
from scipy import special

from .errors import StatsInputError
from .rma import (
    FE_METHODS,
    Z975,
    check_method,
    check_options,
    confint_block,
    confint_keys,
    fit_model,
    fitstats,
    heterogeneity,
    qe_p,
    t_crit,
    tau2_se,
    user_weights,
    validate_input,
)


def design_matrix(moderators, k):
    """Intercept plus one column per moderator; returns (X, names)."""
    cols, names = [np.ones(k)], ["intercept"]
    for name, values in moderators.items():
        try:
            col = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise StatsInputError(
                f"moderator {name!r} has a value that is not a number; code categories as "
                "0/1 columns or use a subgroup"
            ) from None
        if col.shape != (k,):
            raise StatsInputError(f"moderator {name!r} has {col.size} values for {k} studies")
        bad = np.flatnonzero(~np.isfinite(col))
        if len(bad):
            raise StatsInputError(f"moderator {name!r} is missing for study {bad[0] + 1}")
        cols.append(col)
        names.append(str(name))
    return np.column_stack(cols), names


def factor_matrix(groups):
    """Intercept (first level, sorted as R sorts factor levels) plus one dummy per other level."""
    labels = [str(g) for g in groups]
    levels = sorted(set(labels))
    cols = [np.ones(len(labels))]
    cols += [np.array([lab == lev for lab in labels], dtype=float) for lev in levels[1:]]
    names = [f"intercept ({levels[0]})"] + list(levels[1:])
    return np.column_stack(cols), names


def _coef_table(beta, vb, names, use_t, df):
    se = np.sqrt(np.diag(vb))
    stat = beta / se
    if use_t:
        pval = 2.0 * special.stdtr(df, -np.abs(stat))
        crit = t_crit(df)
    else:
        pval = 2.0 * special.ndtr(-np.abs(stat))
        crit = Z975
    return {
        "names": list(names),
        "estimate": beta.tolist(),
        "se": se.tolist(),
        ("tval" if use_t else "zval"): stat.tolist(),
        "pval": pval.tolist(),
        "ci_lb": (beta - crit * se).tolist(),
        "ci_ub": (beta + crit * se).tolist(),
    }


def _omnibus(beta, vb, use_t, df):
    """QM over every coefficient but the intercept: chi2 on m df, or F on (m, k-p) with knha."""
    m = len(beta) - 1
    b = beta[1:]
    qm = float(b @ np.linalg.solve(vb[1:, 1:], b))
    if use_t:
        qm /= m
        return qm, float(special.fdtrc(m, df, qm)), [m, df]
    return qm, float(special.chdtrc(m, qm)), [m, None]


def metareg(yi, vi, X, names, method="REML", test="z", options=None, confint=False):
    """Mixed-effects meta-regression (metafor rma with mods): residual heterogeneity and QM."""
    opts = options or {}
    check_method(method, test)
    check_options(opts)
    y, v = validate_input(yi, vi)
    k, p = X.shape
    if k - p < 1:
        raise StatsInputError(
            f"{p} model coefficients need at least {p + 1} studies; there are {k}"
        )
    weights = user_weights(opts, v)
    fit = fit_model(y, v, X, method, weights)
    df = k - p
    use_t = test == "knha"
    vb = fit.vb * (fit.resid_w / df) if use_t else fit.vb
    qm, qmp, qm_df = _omnibus(fit.beta, vb, use_t, df)
    i2, h2 = heterogeneity(fit, method, opts.get("i2", "tau2"))
    out = {"k": k, "QM": qm, "QMp": qmp, "QM_df": qm_df}
    out["tau2"] = fit.tau2 if method not in FE_METHODS else 0.0
    out.update(I2=i2, H2=h2, QE=fit.QE, QEp=qe_p(fit.QE, df))
    out["coefficients"] = _coef_table(fit.beta, vb, names, use_t, df)
    out["weights_percent"] = (100.0 * fit.weights / fit.weights.sum()).tolist()
    if method not in FE_METHODS:
        out["R2"] = _r2(y, v, method, weights, fit.tau2)
        out["tau2_se"] = tau2_se(y, v, X, method, fit.tau2, weights)
        if method in ("ML", "REML") and weights is None:
            out["fitstats"] = fitstats(y, v, X, method, fit.tau2)
        if confint:
            out.update(confint_keys(confint_block(fit, y, v, X, method, weights)))
    return out


def _r2(y, v, method, weights, tau2_me):
    tau2_re = fit_model(y, v, None, method, weights).tau2
    if tau2_re <= 0:
        return None
    return max(0.0, 100.0 * (tau2_re - tau2_me) / tau2_re)


def level_indices(groups):
    """{level: indices} in order of first appearance."""
    out = {}
    for i, g in enumerate(groups):
        out.setdefault(str(g), []).append(i)
    return out


def between_levels(level_results):
    """Qb on G-1 df from the separately pooled level estimates (as RevMan and R's meta)."""
    est = np.array([r["estimate"] for r in level_results])
    se = np.array([r["se"] for r in level_results])
    if len(est) < 2:
        return None
    w = 1.0 / se**2
    mu = w @ est / w.sum()
    qb = float(w @ (est - mu) ** 2)
    df = len(est) - 1
    return {"Qb": qb, "Qbp": float(special.chdtrc(df, qb)), "Qb_df": df}


def subgroup_analysis(groups, pool_level, mixed_model=None):
    """Pool each level with pool_level(indices) -> result; Qb over levels; QM if given.

    Levels with one study count in Qb but are left out of `subgroups`, as the README says.
    mixed_model: a callable returning a metareg result for the factor model (common tau2).
    """
    if len(groups) == 0:
        raise StatsInputError("subgroup has no labels")
    out = {"subgroups": {}}
    pooled = []
    for level, idx in level_indices(groups).items():
        res = pool_level(idx)
        pooled.append(res)
        if len(idx) > 1:
            out["subgroups"][level] = res
    qb = between_levels(pooled)
    if qb is not None:
        out.update(qb)
    if mixed_model is not None and qb is not None:
        me = mixed_model()
        out["QM"], out["QMp"] = me["QM"], me["QMp"]
        out["mixed_effects_model"] = _mixed_summary(me)
    return out


def _mixed_summary(me):
    """The factor model's fit, keyed as the cases' `extra.mixed_effects_model`."""
    coef = dict(me["coefficients"])
    coef["stat"] = coef.get("zval", coef.get("tval"))
    out = {"QMdf": me["QM_df"], "tau2": me.get("tau2", 0.0)}
    out.update({key: me[key] for key in ("I2", "H2", "QE", "QEp")})
    out["coefficients"] = coef
    return out
