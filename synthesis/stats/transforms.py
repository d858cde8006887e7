"""Back-transformation of pooled results from the analysis scale to the reporting scale."""

import numpy as np
from scipy.special import expit

from synthesis.stats.errors import StatsInputError

# Names as metafor's transf.* functions; "ipft_hm" is Miller's (1978) inverse with harmonic-mean n.
TRANSFORMS = ("exp", "ilogit", "ipft_hm", "iarcsin", "tanh", "square", "none")
TRANSF_LABELS = {
    "exp": "exp",
    "ilogit": "transf.ilogit",
    "ipft_hm": "transf.ipft.hm",
    "iarcsin": "transf.iarcsin",
    "tanh": "transf.ztor",
    "square": "transf.isqrt",
    "none": "none",
}
DEFAULT_TRANSFORM = {
    "OR": "exp",
    "RR": "exp",
    "PETO": "exp",
    "ROM": "exp",
    "IRR": "exp",
    "IRLN": "exp",
    "PLO": "ilogit",
    "PFT": "ipft_hm",
    "PAS": "iarcsin",
    "ZCOR": "tanh",
    "IRS": "square",
}
# The one home of which measures are ratios (selectors, GRADE, forest and funnel plots):
# measures pooled on the log scale and read exponentiated (their natural transform is exp) ...
LOG_SCALE_MEASURES = frozenset(m for m, t in DEFAULT_TRANSFORM.items() if t == "exp")
# ... and of those the comparisons of two groups, whose "no effect" is a ratio of 1 (IRLN is
# one group's log rate: exponentiated to read, but with no null value).
RATIO_MEASURES = LOG_SCALE_MEASURES - {"IRLN"}
# Keys of a pooled result that are on the analysis scale and get back-transformed.
INTERVAL_KEYS = (("pred", "estimate"), ("ci_lb", "ci_lb"), ("ci_ub", "ci_ub"))
PI_KEYS = (("pi_lb", "pi_lb"), ("pi_ub", "pi_ub"))


def transform_for(measure: str, transf: str | None = None) -> str:
    """The back-transformation to use: the one asked for, else the measure's natural one."""
    if transf is None:
        return DEFAULT_TRANSFORM.get(measure, "none")
    if transf not in TRANSFORMS:
        raise StatsInputError(f"unknown back-transformation {transf!r}; use one of {TRANSFORMS}")
    return transf


def harmonic_mean(n) -> float:
    """Harmonic mean of the study sample sizes, as metafor's transf.ipft.hm uses it."""
    n = np.asarray(n, dtype=float)
    if n.size == 0 or np.any(n <= 0):
        raise StatsInputError("the harmonic mean needs positive sample sizes for every study")
    return float(1 / np.mean(1 / n))


def pft(p, n) -> np.ndarray:
    """Freeman-Tukey double arcsine of proportion p with sample size n."""
    x = np.asarray(p, dtype=float) * n
    return (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1)))) / 2


def inverse_pft(t, n: float) -> np.ndarray:
    """Miller's (1978) inverse of the double arcsine for sample size n, clipped to [0, 1]."""
    t = np.asarray(t, dtype=float)
    s = np.sin(2 * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = 1 - (s + (s - 1 / s) / n) ** 2
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(inner))
    # Outside the attainable range (or where the root is not real) the proportion is 0 or 1.
    p = np.where(t >= pft(1.0, n), 1.0, np.where(t <= pft(0.0, n), 0.0, p))
    return np.clip(np.nan_to_num(p, nan=0.0), 0.0, 1.0)


def inverse_arcsine(t) -> np.ndarray:
    """sin²(t), with t below 0 mapped to 0 and t above π/2 to 1 (metafor transf.iarcsin)."""
    t = np.asarray(t, dtype=float)
    return np.where(t < 0, 0.0, np.where(t > np.pi / 2, 1.0, np.sin(t) ** 2))


def back_transform(measure: str, values, n=None, transf: str | None = None) -> np.ndarray:
    """Values on the analysis scale of `measure` mapped to the reporting scale.

    `n` (per-study sample sizes) is needed for the Freeman-Tukey inverse.
    """
    name = transform_for(measure, transf)
    values = np.asarray(values, dtype=float)
    if name == "exp":
        return np.exp(values)
    if name == "ilogit":
        return expit(values)
    if name == "iarcsin":
        return inverse_arcsine(values)
    if name == "tanh":
        return np.tanh(values)
    if name == "square":
        return np.where(values < 0, 0.0, values**2)
    if name == "ipft_hm":
        if n is None:
            raise StatsInputError("the Freeman-Tukey back-transformation needs each study's ni")
        return inverse_pft(values, harmonic_mean(n))
    return values.copy()


def back_transformed(measure: str, result: dict, n=None, transf: str | None = None) -> dict | None:
    """`extra.back_transformed` of a pooled result: pred, ci_lb, ci_ub (and pi_lb, pi_ub).

    None when the measure has no natural back-transformation and none was asked for.
    """
    name = transform_for(measure, transf)
    if name == "none":
        return None
    keys = INTERVAL_KEYS + tuple(pair for pair in PI_KEYS if result.get(pair[1]) is not None)
    values = back_transform(measure, [result[src] for _, src in keys], n=n, transf=name)
    out = {"transf": TRANSF_LABELS[name]}
    out.update({dst: float(v) for (dst, _), v in zip(keys, values, strict=True)})
    return out
