"""Multilevel model with nested random effects (metafor rma.mv(random = ~ 1 | a/b), REML)."""

import numpy as np

from .errors import StatsInputError
from .rma import Z975, p_from_z, qe_p

_TOL = 1e-12
_MAXITER = 2000


def _cluster_matrices(spec, k):
    """Z Z' for each level: studies share an effect when every outer label matches."""
    if not isinstance(spec, dict) or not isinstance(spec.get("levels"), list):
        raise StatsInputError('"multilevel" must be {"levels": [outer, ..., inner], name: [...]}')
    levels = spec["levels"]
    if not levels:
        raise StatsInputError('"multilevel" needs at least one level in "levels"')
    mats, names, keys = [], [], [()] * k
    for j, level in enumerate(levels):
        labels = spec.get(level)
        if not isinstance(labels, list) or len(labels) != k:
            raise StatsInputError(f'multilevel level "{level}" needs one label per study ({k})')
        if any(lab is None for lab in labels):
            raise StatsInputError(f'multilevel level "{level}" has a study without a label')
        keys = [key + (str(lab),) for key, lab in zip(keys, labels, strict=True)]
        codes = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        z = np.zeros((k, len(codes)))
        z[np.arange(k), [codes[key] for key in keys]] = 1.0
        mats.append(z @ z.T)
        names.append(level if j == 0 else f"{level}_within_{levels[j - 1]}")
    return mats, names


def _projection(y, v, X, mats, sigma2):
    V = np.diag(v) + sum(s * g for s, g in zip(sigma2, mats, strict=True))
    vinv = np.linalg.inv(V)
    xtv = X.T @ vinv
    xvx_inv = np.linalg.inv(xtv @ X)
    P = vinv - xtv.T @ xvx_inv @ xtv
    return V, P, xvx_inv, xtv


def _reml_scoring(y, v, X, mats, start):
    sigma2 = np.array(start, dtype=float)
    for _ in range(_MAXITER):
        _, P, _, _ = _projection(y, v, X, mats, sigma2)
        Py = P @ y
        pg = [P @ g for g in mats]
        score = np.array([0.5 * (Py @ g @ Py - np.trace(m)) for g, m in zip(mats, pg, strict=True)])
        info = np.array([[0.5 * np.sum(a * b.T) for b in pg] for a in pg])
        # Components stuck at the boundary (zero with a negative score) leave the update.
        free = ~((sigma2 <= 0) & (score < 0))
        step = np.zeros_like(sigma2)
        if free.any():
            step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        new = np.maximum(0.0, sigma2 + step)
        if np.all(np.abs(new - sigma2) <= _TOL * (1.0 + np.abs(sigma2))):
            return new
        sigma2 = new
    return sigma2


def _loglik_reml(y, X, V, P, xvx_inv):
    k, p = X.shape
    _, logdet_v = np.linalg.slogdet(V)
    _, logdet_xvx = np.linalg.slogdet(xvx_inv)
    _, logdet_xx = np.linalg.slogdet(X.T @ X)
    return float(
        -0.5 * (k - p) * np.log(2 * np.pi)
        + 0.5 * logdet_xx
        - 0.5 * logdet_v
        + 0.5 * logdet_xvx
        - 0.5 * (y @ P @ y)
    )


def rma_mv_nested(y, v, spec, test="z"):
    """Intercept-only multilevel model, REML; result keys as rma plus sigma2 per level."""
    if test != "z":
        raise StatsInputError('the multilevel model is tested with z only; use test "z"')
    k = len(y)
    if k < 2:
        raise StatsInputError("the multilevel model needs at least 2 estimates")
    mats, names = _cluster_matrices(spec, k)
    X = np.ones((k, 1))
    w = 1.0 / v
    mu_fe = w @ y / w.sum()
    qe = float(w @ (y - mu_fe) ** 2)
    start = np.full(len(mats), max(np.var(y) - np.mean(v), 0.01) / len(mats))
    sigma2 = _reml_scoring(y, v, X, mats, start)
    V, P, xvx_inv, xtv = _projection(y, v, X, mats, sigma2)
    beta = float((xvx_inv @ (xtv @ y))[0])
    se = float(np.sqrt(xvx_inv[0, 0]))
    z = beta / se
    return {
        "k": k,
        "estimate": beta,
        "se": se,
        "zval": z,
        "pval": p_from_z(z),
        "ci_lb": beta - Z975 * se,
        "ci_ub": beta + Z975 * se,
        "QE": qe,
        "QEp": qe_p(qe, k - 1),
        "sigma2": dict(zip(names, sigma2.tolist(), strict=True)),
        "logLik_REML": _loglik_reml(y, X, V, P, xvx_inv),
    }
