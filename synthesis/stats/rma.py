"""Inverse-variance pooling as metafor's rma.uni: common effect, random effects, meta-regression."""

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from . import qform
from .errors import StatsInputError

RE_METHODS = ("DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM", "GENQ")
FE_METHODS = ("FE", "EE", "CE")
METHODS = FE_METHODS + RE_METHODS
TESTS = ("z", "knha")
_OPTION_VALUES = {
    "i2": ("tau2", "q"),
    "pi": ("metafor", "t_k2", "t_k1"),
    "knha_adhoc": ("none", "se", "iqwig6", "ci"),
}
# Fisher scoring stops when the step is below this (relative); the reference values are the
# converged roots, so metafor's default 1e-5 would be far too loose.
_TOL = 1e-13
_MAXITER = 1000
Z975 = float(special.ndtri(0.975))
_MAX_VAR_RATIO = 1e12


# ---------------------------------------------------------------- projections


class _Proj:
    """P = W - W X (X'WX)^-1 X'W for weights w; intercept-only models use closed forms."""

    __slots__ = ("w", "X", "sw", "beta", "Py", "_P", "_xwx_inv")

    def __init__(self, w, y, X):
        self.w = w
        self.X = X
        self.sw = w.sum()
        self._P = None
        if X is None:
            mu = w @ y / self.sw
            self.beta = np.array([mu])
            self.Py = w * (y - mu)
            self._xwx_inv = np.array([[1.0 / self.sw]])
        else:
            xw = X.T * w
            self._xwx_inv = inverse(xw @ X)
            self.beta = self._xwx_inv @ (xw @ y)
            self.Py = w * (y - X @ self.beta)

    @property
    def P(self):
        if self._P is None:
            w, X = self.w, self.X
            if X is None:
                self._P = np.diag(w) - np.outer(w, w) / self.sw
            else:
                wx = X * w[:, None]
                self._P = np.diag(w) - wx @ self._xwx_inv @ wx.T
        return self._P

    def apply(self, z):
        if self.X is None:
            return self.w * z - self.w * (self.w @ z) / self.sw
        return self.P @ z

    def trace(self):
        if self.X is None:
            return self.sw - (self.w @ self.w) / self.sw
        return float(np.trace(self.P))

    def trace_pp(self):
        if self.X is None:
            w, sw = self.w, self.sw
            w2 = w * w
            sw2 = w2.sum()
            return sw2 - 2.0 * (w2 @ w) / sw + (sw2 / sw) ** 2
        P = self.P
        return float(np.sum(P * P))

    def vb(self):
        return self._xwx_inv


def inverse(m):
    """The inverse of a model matrix product; collinear moderators are the user's error."""
    try:
        return np.linalg.inv(m)
    except np.linalg.LinAlgError:
        raise StatsInputError(
            "the moderators are collinear (or constant), so their coefficients cannot be "
            "estimated; drop or recode a moderator"
        ) from None


def _qgen(y, v, X, tau2):
    """Generalised Q: Σ w*(y - Xb*)² with w* = 1/(v + tau2)."""
    pr = _Proj(1.0 / (v + tau2), y, X)
    return float(pr.Py @ y)


# ---------------------------------------------------------------- tau2 estimators


def _tau2_dl(y, v, X, p):
    pr = _Proj(1.0 / v, y, X)
    q = pr.Py @ y
    return max(0.0, (q - (len(y) - p)) / pr.trace())


def _ols_resid_proj(k, X):
    if X is None:
        return np.eye(k) - 1.0 / k
    return np.eye(k) - X @ inverse(X.T @ X) @ X.T


def _tau2_he(y, v, X, p):
    k = len(y)
    P0 = _ols_resid_proj(k, X)
    rss = y @ P0 @ y
    return max(0.0, (rss - np.diag(P0) @ v) / (k - p))


def _tau2_hs(y, v, X, p, k_correction):
    k = len(y)
    pr = _Proj(1.0 / v, y, X)
    q = pr.Py @ y
    if k_correction:
        q = q * k / (k - p)
    return max(0.0, (q - k) / pr.sw)


def _tau2_sj(y, v, X, p):
    k = len(y)
    t0 = float(np.mean((y - y.mean()) ** 2))
    if t0 <= 0.0:
        return 0.0
    return t0 * _qgen(y, v, X, t0) / (k - p)


def _fisher(y, v, X, start, kind):
    """ML or REML root (tau2 >= 0): Fisher scoring, then Newton steps once close.

    Fisher scoring alone converges only linearly; the Newton steps (exact second derivative)
    reach the root to machine precision in two or three more iterations.
    """
    if X is None:
        return _fisher_intercept(y, v, start, kind == "REML")
    t = start
    for _ in range(_MAXITER):
        pr = _Proj(1.0 / (v + t), y, X)
        u = pr.Py
        ypp = u @ u
        if kind == "REML":
            score, info = ypp - pr.trace(), pr.trace_pp()
        else:
            score, info = ypp - pr.sw, pr.w @ pr.w
        new = _next_tau2(t, score, info, 2.0 * (u @ pr.apply(u)) - info)
        if abs(new - t) <= _TOL * (1.0 + t):
            return new
        t = new
    return t


def _next_tau2(t, score, info, hess):
    """Newton step when close to the root and the curvature allows it, else Fisher scoring."""
    adj = score / info
    if abs(adj) < 0.1 * (1.0 + t) and hess > 0:
        adj = score / hess
    return max(0.0, t + adj)


def _fisher_intercept(y, v, t, reml):
    # The same iteration as _fisher with the intercept-only closed forms inlined: this loop is
    # what the 2,000 fits/s target measures.
    for _ in range(_MAXITER):
        w = 1.0 / (v + t)
        sw = w.sum()
        w2 = w * w
        sw2 = w2.sum()
        u = w * (y - (w @ y) / sw)
        ypp = u @ u
        wu = w @ u
        yppp = w @ (u * u) - wu * wu / sw
        if reml:
            info = sw2 - 2.0 * (w2 @ w) / sw + (sw2 / sw) ** 2
            score = ypp - (sw - sw2 / sw)
        else:
            info = sw2
            score = ypp - sw
        new = _next_tau2(t, score, info, 2.0 * yppp - info)
        if abs(new - t) <= _TOL * (1.0 + t):
            return new
        t = new
    return t


def _root_qgen(y, v, X, target, tau2_max=None):
    """tau2 where the generalised Q equals target (0 when Q(0) is already below it).

    With tau2_max the search stops there and returns tau2_max, as metafor's confint does.
    """
    f = lambda t: _qgen(y, v, X, t) - target  # noqa: E731
    if f(0.0) <= 0.0:
        return 0.0
    if tau2_max is not None:
        if f(tau2_max) > 0.0:
            return tau2_max
        hi = tau2_max
    else:
        hi = max(1.0, float(np.var(y)))
    while f(hi) > 0.0:
        hi *= 4.0
        if hi > 1e300:
            return float("inf")
    return optimize.brentq(f, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)


def _tau2_genq(y, v, X, a):
    pr = _Proj(a, y, X)
    q = pr.Py @ y
    P = pr.P
    return max(0.0, (q - np.diag(P) @ v) / np.trace(P))


def estimate_tau2(y, v, X=None, method="REML", weights=None):
    """The between-study variance tau2 by the named estimator (metafor's definitions)."""
    k = len(y)
    p = 1 if X is None else X.shape[1]
    if method in FE_METHODS:
        return 0.0
    if k - p < 1:
        return 0.0
    if method == "DL":
        return _tau2_dl(y, v, X, p)
    if method == "HE":
        return _tau2_he(y, v, X, p)
    if method in ("HS", "HSk"):
        return _tau2_hs(y, v, X, p, method == "HSk")
    if method == "SJ":
        return _tau2_sj(y, v, X, p)
    if method in ("ML", "REML"):
        return _fisher(y, v, X, _tau2_dl(y, v, X, p), method)
    if method in ("PM", "EB"):
        # The EB fixed point k/(k-p)·Q(tau2) = k is the PM equation Q(tau2) = k-p.
        return _root_qgen(y, v, X, k - p)
    if method == "PMM":
        return _root_qgen(y, v, X, float(special.chdtri(k - p, 0.5)))
    if method == "GENQ":
        if weights is None:
            raise StatsInputError('method GENQ needs user weights: set options "weights": "1/vi"')
        return _tau2_genq(y, v, X, weights)
    raise StatsInputError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def _moment_se(P, PV, t, denom, k_p):
    """se of a moment estimator (Q-type statistic with matrix P, PV = P·diag(v)), metafor."""
    var = 2.0 * np.sum(PV * PV.T) + 4.0 * t * np.sum(PV * P) + 2.0 * t * t * np.sum(P * P)
    return float(np.sqrt(var) / denom) if k_p else float("nan")


def tau2_se(y, v, X, method, tau2, weights=None):
    """Standard error of tau2 as metafor reports it (None for estimators without one here)."""
    k = len(y)
    p = 1 if X is None else X.shape[1]
    if k - p < 1:
        return None
    pr = _Proj(1.0 / (v + tau2), y, X)
    if method == "REML":
        return float(np.sqrt(2.0 / pr.trace_pp()))
    if method == "ML":
        return float(np.sqrt(2.0 / (pr.w @ pr.w)))
    if method in ("PM", "EB", "PMM"):
        return float(np.sqrt(2.0 * k * k / (k - p)) / pr.sw)
    if method in ("DL", "HS", "HSk", "HE", "SJ", "GENQ"):
        if method == "GENQ":
            if weights is None:
                return None
            P = _Proj(weights, y, X).P
            denom = float(np.trace(P))
        elif method == "HE":
            P = _ols_resid_proj(k, X)
            denom = k - p
        elif method == "SJ":
            t0 = float(np.mean((y - y.mean()) ** 2))
            P = _Proj(1.0 / (v + t0), y, X).P
            denom = (k - p) / t0 if t0 > 0 else float("nan")
        else:
            fe = _Proj(1.0 / v, y, X)
            P = fe.P
            denom = fe.trace() if method == "DL" else fe.sw
            if method == "HSk":
                denom *= (k - p) / k
        return _moment_se(P, P * v[None, :], tau2, denom, k - p)
    return None


def fitstats(y, v, X, method, tau2):
    """logLik, deviance, AIC, BIC, AICc of an ML or REML fit (metafor's definitions)."""
    k = len(y)
    Xm = np.ones((k, 1)) if X is None else X
    p = Xm.shape[1]
    pr = _Proj(1.0 / (v + tau2), y, X)
    rss = float(pr.Py @ y)
    n_par = p + 1
    if method == "ML":
        ll = -0.5 * (k * np.log(2 * np.pi) + np.sum(np.log(v + tau2)) + rss)
        # The saturated model fits every yi exactly: deviance = -2(ll - ll_saturated).
        ll_sat = -0.5 * (k * np.log(2 * np.pi) + np.sum(np.log(v)))
        dev = -2.0 * (ll - ll_sat)
        n = k
    else:
        _, logdet_xwx = np.linalg.slogdet((Xm.T * pr.w) @ Xm)
        _, logdet_xx = np.linalg.slogdet(Xm.T @ Xm)
        ll = -0.5 * (
            (k - p) * np.log(2 * np.pi) - logdet_xx + np.sum(np.log(v + tau2)) + logdet_xwx + rss
        )
        dev = -2.0 * ll
        n = k - p
    aicc_n = max(n, n_par + 2)
    return {
        "logLik": float(ll),
        "deviance": float(dev),
        "AIC": float(-2 * ll + 2 * n_par),
        "BIC": float(-2 * ll + n_par * np.log(n)),
        "AICc": float(-2 * ll + 2 * n_par * aicc_n / (aicc_n - n_par - 1)),
    }


# ---------------------------------------------------------------- the fit


@dataclass
class Fit:
    """One fitted model: coefficients, their covariance, tau2 and heterogeneity."""

    beta: np.ndarray
    vb: np.ndarray
    tau2: float
    k: int
    p: int
    QE: float
    s2: float  # typical within-study variance (k-p)/tr(P_FE)
    weights: np.ndarray  # the weights used to pool (1/(v+tau2) or the user's)
    resid_w: float  # Σ w (y - Xb)² with the pooling weights, for knha


def fit_model(y, v, X=None, method="REML", weights=None, q_center=None, tau2=None):
    """Fit the model; q_center (a fixed centre, e.g. the MH estimate) replaces the IV QE."""
    k = len(y)
    p = 1 if X is None else X.shape[1]
    fe = _Proj(1.0 / v, y, X)
    qe = max(0.0, float(fe.Py @ y))  # rounding can leave a perfect fit a hair below 0
    if q_center is not None:
        qe = float(np.sum((y - q_center) ** 2 / v))
    if tau2 is None:
        if q_center is not None and method == "DL":
            tau2 = max(0.0, (qe - (k - p)) / fe.trace()) if k > p else 0.0
        else:
            tau2 = estimate_tau2(y, v, X, method, weights)
    w = 1.0 / (v + tau2)
    if weights is None:
        pr = _Proj(w, y, X)
        beta, vb, used = pr.beta, pr.vb(), w
    else:
        beta, vb = _weighted_fit(y, v, X, weights, tau2)
        used = weights
    fitted = beta[0] if X is None else X @ beta
    resid_w = float(np.sum(w * (y - fitted) ** 2))
    s2 = (k - p) / fe.trace() if k > p else float("nan")
    return Fit(beta, vb, float(tau2), k, p, qe, s2, used, resid_w)


def _weighted_fit(y, v, X, a, tau2):
    Xm = np.ones((len(y), 1)) if X is None else X
    xa = Xm.T * a
    inv = inverse(xa @ Xm)
    beta = inv @ (xa @ y)
    meat = (xa * (v + tau2)) @ xa.T
    return beta, inv @ meat @ inv


# ---------------------------------------------------------------- summaries


def p_from_z(z):
    """Two-sided p value of a z statistic."""
    return float(2.0 * special.ndtr(-abs(z)))


def p_from_t(t, df):
    """Two-sided p value of a t statistic on df degrees of freedom."""
    return float(2.0 * special.stdtr(df, -abs(t)))


def t_crit(df):
    """The t quantile for a 95% interval (nan without degrees of freedom)."""
    return float(special.stdtrit(df, 0.975)) if df > 0 else float("nan")


def heterogeneity(fit, method, i2="tau2"):
    """I2 (percent) and H2: tau2-based as metafor, or Q-based for FE models and option i2=q."""
    df = fit.k - fit.p
    if df < 1:
        return 0.0, 1.0
    if method in FE_METHODS or i2 == "q":
        i2v = max(0.0, 100.0 * (fit.QE - df) / fit.QE) if fit.QE > 0 else 0.0
        return i2v, fit.QE / df
    total = fit.tau2 + fit.s2
    return 100.0 * fit.tau2 / total, total / fit.s2


def check_options(opts):
    """Refuses an option value outside the allowed set."""
    for key, allowed in _OPTION_VALUES.items():
        val = opts.get(key, allowed[0])
        if val not in allowed:
            raise StatsInputError(
                f'option "{key}" is {val!r}; use one of {", ".join(map(repr, allowed))}'
            )


def _knha_se(fit, se_z, y, v, method, opts, df):
    """se and whether the t distribution is kept, under knha and its ad hoc variants."""
    se_kh = float(np.sqrt(fit.vb[0, 0] * fit.resid_w / df))
    if se_kh <= 0 and opts.get("knha_adhoc", "none") == "none":
        raise StatsInputError(
            "the estimates agree exactly, so the Knapp-Hartung standard error is 0; use test "
            '"z" or option "knha_adhoc": "se"'
        )
    adhoc = opts.get("knha_adhoc", "none")
    tc = t_crit(df)
    if adhoc == "se":
        return max(se_kh, se_z), True
    if adhoc == "iqwig6":
        dl = fit_model(y, v, None, "DL")
        se_dl = float(np.sqrt(dl.vb[0, 0]))
        if tc * se_kh < Z975 * se_dl:
            return se_z, True
        return se_kh, True
    if adhoc == "ci":
        if tc * se_kh < Z975 * se_z:
            return se_z, False
        return se_kh, True
    return se_kh, True


def summarise(fit, y, v, method, test="z", options=None):
    """Result dict of an intercept-only fit with README key names (plain floats)."""
    opts = options or {}
    mu = float(fit.beta[0])
    se = float(np.sqrt(fit.vb[0, 0]))
    df = fit.k - fit.p
    use_t = False
    if test == "knha":
        if df < 1:
            raise StatsInputError("test knha needs at least 2 studies (it has k-1 = 0 df)")
        se, use_t = _knha_se(fit, se, y, v, method, opts, df)
    stat = mu / se if se > 0 else float("nan")
    crit = t_crit(df) if use_t else Z975
    out = {"k": fit.k, "estimate": mu, "se": se}
    if use_t:
        out.update(tval=stat, df=df, pval=p_from_t(stat, df))
    else:
        out.update(zval=stat, pval=p_from_z(stat))
    out.update(ci_lb=mu - crit * se, ci_ub=mu + crit * se)
    i2, h2 = heterogeneity(fit, method, opts.get("i2", "tau2"))
    # A common-effect model assumes tau2 = 0; metafor reports it as 0, and so do we.
    out["tau2"] = fit.tau2 if method not in FE_METHODS else 0.0
    out.update(I2=i2, H2=h2, QE=fit.QE, QEp=qe_p(fit.QE, df))
    if method not in FE_METHODS:
        out.update(_prediction(mu, se, fit.tau2, fit.k, opts.get("pi", "metafor"), use_t, crit))
        out["pi_t_k2"] = _pi(mu, se, fit.tau2, t_crit(fit.k - 2))
    out["weights_percent"] = (100.0 * fit.weights / fit.weights.sum()).tolist()
    return out


def qe_p(qe, df):
    """p value of the Q test for residual heterogeneity (1 when there is no df)."""
    return float(special.chdtrc(df, qe)) if df >= 1 else 1.0


def _pi(mu, se, tau2, crit):
    half = crit * np.sqrt(tau2 + se * se)
    return {"pi_lb": float(mu - half), "pi_ub": float(mu + half)}


def _prediction(mu, se, tau2, k, kind, use_t, crit):
    if kind == "t_k2":
        return _pi(mu, se, tau2, t_crit(k - 2))
    if kind == "t_k1":
        return _pi(mu, se, tau2, t_crit(k - 1))
    return _pi(mu, se, tau2, crit)


# ---------------------------------------------------------------- Q-profile


def confint_qp(y, v, X=None, s2=None, tau2=0.0):
    """Q-profile 95% CI (Viechtbauer 2007) for tau2: (lb, ub, s2), or None without df.

    The search is bounded by metafor's tau2.max = max(100, 10·tau2), so a bound beyond it
    is reported as tau2.max, as metafor reports it.
    """
    k = len(y)
    p = 1 if X is None else X.shape[1]
    df = k - p
    if df < 1:
        return None
    tmax = max(100.0, 10.0 * tau2)
    lb = _root_qgen(y, v, X, float(special.chdtri(df, 0.025)), tmax)
    ub = _root_qgen(y, v, X, float(special.chdtri(df, 0.975)), tmax)
    if s2 is None:
        s2 = df / _Proj(1.0 / v, y, X).trace()
    return lb, ub, s2


def _root_decreasing(func, target, tmax):
    """tau2 in [0, tmax] where the decreasing func equals target (0 or tmax beyond them)."""
    if func(0.0) <= target:
        return 0.0
    if func(tmax) > target:
        return tmax
    return optimize.brentq(lambda t: func(t) - target, 0.0, tmax, xtol=1e-14, rtol=1e-11)


def confint_genq(y, v, X, a, tau2=0.0):
    """95% CI for tau2 from the generalised Q with weights a (Jackson 2013): (lb, ub) or None.

    Under the model Q_a = Σ λ_j χ²_1, λ_j the non-zero eigenvalues of Σ^½ P_a Σ^½ with
    Σ = diag(v + tau2). The bounds are the tau2 at which the observed Q_a is the upper and the
    lower 2.5% point; the search stops at tau2.max = max(100, 10·tau2) as metafor's does.
    """
    k = len(y)
    df = k - (1 if X is None else X.shape[1])
    if df < 1:
        return None
    pr = _Proj(a, y, X)
    A, q = pr.P, float(pr.Py @ y)

    def cdf(t):
        s = np.sqrt(v + t)
        lam = np.linalg.eigvalsh(s[:, None] * A * s[None, :])[-df:]
        return qform.cdf(q, lam)

    tmax = max(100.0, 10.0 * tau2)
    return _root_decreasing(cdf, 0.975, tmax), _root_decreasing(cdf, 0.025, tmax)


def interval_higgins_thompson(q, df):
    """95% CIs for H and I2 (percent) from Q on df degrees of freedom (Higgins & Thompson 2002).

    ln H = ½ ln(Q/df) with se ½(ln Q - ln df)/(√(2Q) - √(2df-1)) when Q > df+1, otherwise
    √(1/(2(df-1))·(1 - 1/(3(df-1)²))); bounds of H below 1 are set to 1 (I2 = 0).
    """
    if df < 1 or q <= 0 or not np.isfinite(q):
        return {}
    if q > df + 1:
        se = 0.5 * (np.log(q) - np.log(df)) / (np.sqrt(2 * q) - np.sqrt(2 * df - 1))
    elif df >= 2:
        se = np.sqrt(1 / (2 * (df - 1)) * (1 - 1 / (3 * (df - 1) ** 2)))
    else:
        return {}
    log_h = 0.5 * np.log(q / df)
    h = [max(1.0, float(np.exp(log_h + sign * Z975 * se))) for sign in (-1, 1)]
    return {"H_ci_ht": h, "I2_ci_ht": [100.0 * (x * x - 1) / (x * x) for x in h]}


def confint_block(fit, y, v, X, method="REML", weights=None):
    """Q-profile (GENQ: generalised Q-profile) intervals for tau2, I2 and H2, or None."""
    if method == "GENQ":
        if weights is None:
            return None
        bounds = confint_genq(y, v, X, weights, fit.tau2)
        res = None if bounds is None else (*bounds, fit.s2)
    else:
        res = confint_qp(y, v, X, fit.s2, fit.tau2)
    if res is None:
        return None
    lb, ub, s2 = res

    def i2(t):
        return 100.0 * t / (t + s2)

    def h2(t):
        return (t + s2) / s2

    t = fit.tau2
    return {
        "tau2": [t, lb, ub],
        "I2": [i2(t), i2(lb), i2(ub)],
        "H2": [h2(t), h2(lb), h2(ub)],
        "columns": ["estimate", "ci_lb", "ci_ub"],
    }


# ---------------------------------------------------------------- public entry points


def validate_input(yi, vi):
    """yi and vi as float arrays, refusing input no model can be fitted to."""
    y = np.asarray(yi, dtype=float).ravel()
    v = np.asarray(vi, dtype=float).ravel()
    if len(y) == 0:
        raise StatsInputError("no studies to pool (k = 0)")
    if len(y) != len(v):
        raise StatsInputError(f"yi has {len(y)} values but vi has {len(v)}")
    for name, arr in (("yi", y), ("vi", v)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if len(bad):
            raise StatsInputError(f"{name} of study {bad[0] + 1} is not a finite number")
    bad = np.flatnonzero(v <= 0)
    if len(bad):
        raise StatsInputError(
            f"sampling variance vi of study {bad[0] + 1} is {v[bad[0]]}; it must be > 0"
        )
    lo, hi = int(np.argmin(v)), int(np.argmax(v))
    if v[hi] / v[lo] > _MAX_VAR_RATIO:
        # Weights 1e12 apart leave the smaller one below double precision in every sum.
        raise StatsInputError(
            f"the sampling variances span more than 12 orders of magnitude (study {lo + 1}: "
            f"{v[lo]:g}, study {hi + 1}: {v[hi]:g}); check the units and the input columns"
        )
    return y, v


def user_weights(opts, v):
    """The weights the options ask for ("1/vi" or one per study), or None for the model's."""
    spec = opts.get("weights")
    if spec is None:
        return None
    if spec == "1/vi":
        return 1.0 / v
    if isinstance(spec, list | tuple):
        a = np.asarray(spec, dtype=float)
        if a.shape != v.shape or not np.all(np.isfinite(a)) or np.any(a < 0) or a.sum() <= 0:
            raise StatsInputError("weights must be one finite, non-negative number per study")
        return a
    raise StatsInputError(f'option "weights" is {spec!r}; use "1/vi" or a list of numbers')


def rma(yi, vi, method="REML", test="z", options=None, q_center=None, confint=False):
    """Intercept-only model (metafor rma.uni); returns the README's result keys.

    q_center: a fixed centre for QE (and DL's tau2), e.g. the Mantel-Haenszel estimate.
    confint: add the Q-profile CIs for tau2, I2 and H2 as `confint_QP` and `tau2_ci`, `I2_ci`,
    `H2_ci` (for GENQ, the generalised Q-profile of Jackson 2013). Every fit also carries
    Higgins and Thompson's intervals for I2 and H from QE (`I2_ci_ht`, `H_ci_ht`).
    """
    opts = options or {}
    check_method(method, test)
    check_options(opts)
    y, v = validate_input(yi, vi)
    weights = user_weights(opts, v)
    fit = fit_model(y, v, None, method, weights, q_center)
    out = summarise(fit, y, v, method, test, opts)
    if confint and method not in FE_METHODS:
        out["tau2_se"] = tau2_se(y, v, None, method, fit.tau2, weights)
    if confint and method in ("ML", "REML") and weights is None:
        out["fitstats"] = fitstats(y, v, None, method, fit.tau2)
    if confint and method not in FE_METHODS:
        out.update(confint_keys(confint_block(fit, y, v, None, method, weights)))
    out.update(interval_higgins_thompson(fit.QE, fit.k - fit.p))
    return out


def confint_keys(block):
    """`confint_QP` as metafor's confint and its bounds as `tau2_ci`, `I2_ci`, `H2_ci`."""
    if block is None:
        return {}
    out = {"confint_QP": block}
    for key in ("tau2", "I2", "H2"):
        out[f"{key}_ci"] = block[key][1:]
    return out


def check_method(method, test):
    """Refuses an unknown estimator or test."""
    if method not in METHODS:
        raise StatsInputError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if test not in TESTS:
        raise StatsInputError(f"unknown test {test!r}; use one of {', '.join(TESTS)}")
