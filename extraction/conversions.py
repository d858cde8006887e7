"""Data conversions to a mean and SD: medians/IQR/range, SE and CIs, combined groups, change SDs.

Pure (no Django): extraction applies them live as values are typed, and the snapshot stores
their results, so synthesis never converts again. They live here, not in the statistics
engine, because imports run one way along the pipeline (extraction may not import synthesis).
"""

import math
from numbers import Real

from scipy import stats


class ConversionError(ValueError):
    """Values that cannot be converted; the message names the value and says why."""


# Wan et al. 2014 (BMC Med Res Methodol 14:135) Table 1, ξ(n) = expected range of n standard
# normals for n = 1..50, and Table 2, η(n) for n = 4Q+1, Q = 1..50, as printed (3 decimals).
# R meta uses these printed values for small n instead of the Φ⁻¹ approximation.
WAN_TABLE_RANGE = (
    0.000, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
    3.173, 3.259, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735,
    3.778, 3.819, 3.858, 3.895, 3.931, 3.964, 3.997, 4.027, 4.057, 4.086,
    4.113, 4.139, 4.165, 4.189, 4.213, 4.236, 4.259, 4.280, 4.301, 4.322,
    4.341, 4.361, 4.379, 4.398, 4.415, 4.433, 4.450, 4.466, 4.482, 4.498,
)  # fmt: skip
WAN_TABLE_IQR = (
    0.990, 1.144, 1.206, 1.239, 1.260, 1.274, 1.284, 1.292, 1.298, 1.303,
    1.307, 1.311, 1.313, 1.316, 1.318, 1.320, 1.322, 1.323, 1.324, 1.326,
    1.327, 1.328, 1.329, 1.330, 1.330, 1.331, 1.332, 1.332, 1.333, 1.333,
    1.334, 1.334, 1.335, 1.335, 1.336, 1.336, 1.336, 1.337, 1.337, 1.337,
    1.338, 1.338, 1.338, 1.338, 1.339, 1.339, 1.339, 1.339, 1.339, 1.340,
)  # fmt: skip

FIVENUM_METHODS = (
    "luo_wan_shi",
    "hozo",
    "wan",
    "range_over_4",
    "iqr_over_1.35",
    "meta_luo_wan",
    "meta_wan_wan",
    "meta_luo_shi",
)


def _number(name: str, value, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ConversionError(f"{name} must be a finite number, not {value!r}")
    if positive and value <= 0:
        raise ConversionError(f"{name} must be > 0, not {value!r}")
    return float(value)


# ---------------------------------------------------------------- median, quartiles, range


def xi_normal(n: float) -> float:
    """ξ(n) = 2Φ⁻¹((n-0.375)/(n+0.25)), Wan et al. 2014 eq. 9 (Blom's approximation)."""
    return 2 * stats.norm.ppf((n - 0.375) / (n + 0.25))


def eta_normal(n: float) -> float:
    """η(n) = 2Φ⁻¹((0.75n-0.125)/(n+0.25)), Wan et al. 2014 eq. 16."""
    return 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))


def _xi_table(n: float) -> float:
    """R meta: Wan's printed Table 1 for n <= 50, the Φ⁻¹ form above."""
    if n < 2:
        raise ConversionError("the range of a single observation says nothing about its SD")
    return WAN_TABLE_RANGE[int(n) - 1] if n <= 50 else xi_normal(n)


def _eta_table(n: float) -> float:
    """R meta: Wan's printed Table 2 at Q = ceil((n-1)/4) for n <= 201, the Φ⁻¹ form above."""
    return WAN_TABLE_IQR[math.ceil(0.25 * (n - 1)) - 1] if n <= 201 else eta_normal(n)


def _scenario(values: dict) -> str:
    """S1: min/median/max, S2: q1/median/q3, S3: all five numbers (Wan et al. 2014)."""
    has_range = values["min"] is not None and values["max"] is not None
    has_iqr = values["q1"] is not None and values["q3"] is not None
    if has_range and has_iqr:
        return "S3"
    if has_range:
        return "S1"
    if has_iqr:
        return "S2"
    raise ConversionError("give min and max, or q1 and q3, or all of them, with the median")


def _check_order(values: dict) -> None:
    given = [(k, values[k]) for k in ("min", "q1", "median", "q3", "max") if values[k] is not None]
    for (low_name, low), (high_name, high) in zip(given, given[1:], strict=False):
        if low > high:
            raise ConversionError(f"{low_name} ({low}) is above {high_name} ({high})")
    if values["min"] is not None and values["min"] == values["max"]:
        raise ConversionError("min equals max: the range is zero, so no SD can be derived")
    if values["q1"] is not None and values["q1"] == values["q3"]:
        raise ConversionError("q1 equals q3: the IQR is zero, so no SD can be derived")


def _luo_mean(v: dict, n: float, case: str) -> float:
    """Luo et al. 2018 eqs. 7, 11 and 15."""
    if case == "S1":
        w = 4 / (4 + n**0.75)
        return w * (v["min"] + v["max"]) / 2 + (1 - w) * v["median"]
    if case == "S2":
        return (0.7 + 0.39 / n) * (v["q1"] + v["q3"]) / 2 + (0.3 - 0.39 / n) * v["median"]
    w1 = 2.2 / (2.2 + n**0.75)
    w2 = 0.7 - 0.72 / n**0.55
    return (
        w1 * (v["min"] + v["max"]) / 2 + w2 * (v["q1"] + v["q3"]) / 2 + (1 - w1 - w2) * v["median"]
    )


def _wan_mean(v: dict, n: float, case: str, small_sample: bool) -> float:
    """Wan et al. 2014 eqs. 2/14/10; meta's S1 'Wan' mean keeps Hozo's small-sample term."""
    if case == "S1":
        mean = (v["min"] + 2 * v["median"] + v["max"]) / 4
        return mean + ((v["min"] - 2 * v["median"] + v["max"]) / (4 * n) if small_sample else 0)
    if case == "S2":
        return (v["q1"] + v["median"] + v["q3"]) / 3
    return (v["min"] + 2 * v["q1"] + 2 * v["median"] + 2 * v["q3"] + v["max"]) / 8


def _shi_sd(v: dict, n: float) -> float:
    """Shi et al. 2020 eq. 11: SD from all five numbers."""
    theta1 = (2 + 0.14 * n**0.6) * stats.norm.ppf((n - 0.375) / (n + 0.25))
    theta2 = (2 + 2 / (0.07 * n**0.6)) * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    return (v["max"] - v["min"]) / theta1 + (v["q3"] - v["q1"]) / theta2


def _wan_sd(v: dict, n: float, case: str, xi, eta) -> float:
    """Wan et al. 2014 eqs. 9, 16 and 12, with the given ξ(n) and η(n)."""
    if case == "S1":
        return (v["max"] - v["min"]) / xi(n)
    if case == "S2":
        return (v["q3"] - v["q1"]) / eta(n)
    return (v["max"] - v["min"]) / (2 * xi(n)) + (v["q3"] - v["q1"]) / (2 * eta(n))


def _hozo(v: dict, n: float, case: str) -> tuple[float, float]:
    """Hozo et al. 2005, for min/median/max only."""
    if case != "S1":
        raise ConversionError("method hozo needs min, median and max (and no quartiles)")
    a, m, b = v["min"], v["median"], v["max"]
    mean = (a + 2 * m + b) / 4 + (a - 2 * m + b) / (4 * n)
    sd = math.sqrt(((a - 2 * m + b) ** 2 / 4 + (b - a) ** 2) / 12)
    return mean, sd


def skewness_test(values: dict, n: float) -> dict:
    """Shi et al. 2023 test for skewness from the five-number summary (alpha = 0.05)."""
    case = _scenario(values)
    t_range = t_iqr = 0.0
    if case in ("S1", "S3"):
        t_range = abs(
            (values["min"] + values["max"] - 2 * values["median"]) / (values["max"] - values["min"])
        )
    if case in ("S2", "S3"):
        t_iqr = abs(
            (values["q1"] + values["q3"] - 2 * values["median"]) / (values["q3"] - values["q1"])
        )
    if case == "S1":
        tval, crit = t_range, 1 / math.log(n + 9) + 2.5 / (n + 1)
    elif case == "S2":
        tval, crit = t_iqr, 2.65 / math.sqrt(n) - 6 / n**2
    else:
        tval = max(2.65 * math.log(0.6 * n) / math.sqrt(n) * t_range, t_iqr)
        crit = 3 / math.sqrt(n) - 40 / n**3
    return {"skew_tval": tval, "skew_crit": crit, "skew_significant": bool(tval > crit)}


def _fivenum_estimates(v: dict, n: float, method: str, case: str) -> dict:
    if method == "luo_wan_shi" or method == "meta_luo_shi":
        sd = _shi_sd(v, n) if case == "S3" else _wan_sd(v, n, case, xi_normal, eta_normal)
        if method == "meta_luo_shi" and case != "S3":
            sd = _wan_sd(v, n, case, _xi_table, _eta_table)
        return {"mean": _luo_mean(v, n, case), "sd": sd}
    if method == "meta_luo_wan":
        return {"mean": _luo_mean(v, n, case), "sd": _wan_sd(v, n, case, _xi_table, _eta_table)}
    if method == "meta_wan_wan":
        mean = _wan_mean(v, n, case, small_sample=True)
        return {"mean": mean, "sd": _wan_sd(v, n, case, _xi_table, _eta_table)}
    if method == "wan":
        mean = _wan_mean(v, n, case, small_sample=False)
        return {"mean": mean, "sd": _wan_sd(v, n, case, xi_normal, eta_normal)}
    if method == "hozo":
        mean, sd = _hozo(v, n, case)
        return {"mean": mean, "sd": sd}
    if method == "range_over_4":
        if v["min"] is None or v["max"] is None:
            raise ConversionError("method range_over_4 needs min and max")
        return {"mean": None, "sd": (v["max"] - v["min"]) / 4}
    if v["q1"] is None or v["q3"] is None:
        raise ConversionError("method iqr_over_1.35 needs q1 and q3")
    return {"mean": None, "sd": (v["q3"] - v["q1"]) / 1.35}


def fivenum_to_mean_sd(
    n,
    median,
    min=None,  # the key names of conversions.json, shadowing builtins on purpose
    max=None,
    q1=None,
    q3=None,
    method: str = "luo_wan_shi",
    skew_test: bool = False,
) -> dict:
    """Mean and SD from the median with the range and/or the quartiles.

    With `skew_test`, studies that fail Shi et al.'s (2023) test get mean and sd None,
    as metafor's conv.fivenum(test=TRUE) leaves them unconverted.
    """
    if method not in FIVENUM_METHODS:
        raise ConversionError(f"unknown method {method!r}; use one of {', '.join(FIVENUM_METHODS)}")
    n = _number("n", n, positive=True)
    values = {"median": _number("median", median)}
    for name, value in (("min", min), ("max", max), ("q1", q1), ("q3", q3)):
        values[name] = None if value is None else _number(name, value)
    case = _scenario(values)
    _check_order(values)
    if n < 5 and method in ("luo_wan_shi", "meta_luo_shi", "meta_luo_wan"):
        raise ConversionError(f"n = {n:g}: the Luo/Wan/Shi estimators need n >= 5")
    out = _fivenum_estimates(values, n, method, case)
    if skew_test:
        test = skewness_test(values, n)
        out.update(test)
        if test["skew_significant"]:
            out["mean"] = out["sd"] = None
    return out


# ---------------------------------------------------------------- SE, CI, groups, change


def se_to_sd(se, n) -> dict:
    """SD = SE·√N (Cochrane Handbook 6.5.2.2)."""
    return {"sd": _number("se", se, positive=True) * math.sqrt(_number("n", n, positive=True))}


def ci_to_sd(ci_lb, ci_ub, n, dist: str = "z") -> dict:
    """SD from a 95% CI of a mean: √N·(ub-lb)/divisor (Handbook 6.5.2.2)."""
    lb, ub = _number("ci_lb", ci_lb), _number("ci_ub", ci_ub)
    n = _number("n", n, positive=True)
    if ub <= lb:
        raise ConversionError(f"ci_ub ({ub}) must be above ci_lb ({lb})")
    if dist == "z":
        divisor = 2 * stats.norm.ppf(0.975)
    elif dist == "3.92":
        divisor = 3.92
    elif dist == "t":
        if n < 2:
            raise ConversionError("a t-based CI needs n >= 2")
        divisor = 2 * stats.t.ppf(0.975, n - 1)
    else:
        raise ConversionError(f"dist must be z, 3.92 or t, not {dist!r}")
    return {"sd": math.sqrt(n) * (ub - lb) / divisor}


def ci_diff_to_sd(n1, n2, md, ci_lb, ci_ub) -> dict:
    """SE and per-group SD from a 95% CI of a mean difference (t on n1+n2-2 df; 6.5.2.3)."""
    n1, n2 = _number("n1", n1, positive=True), _number("n2", n2, positive=True)
    md, lb, ub = _number("md", md), _number("ci_lb", ci_lb), _number("ci_ub", ci_ub)
    if ub <= lb:
        raise ConversionError(f"ci_ub ({ub}) must be above ci_lb ({lb})")
    if not lb <= md <= ub:
        raise ConversionError(f"the mean difference {md} lies outside its CI [{lb}, {ub}]")
    if n1 + n2 < 3:
        raise ConversionError("n1 + n2 must be at least 3 for the t distribution")
    se = (ub - lb) / (2 * stats.t.ppf(0.975, n1 + n2 - 2))
    return {"se": se, "sd": se / math.sqrt(1 / n1 + 1 / n2)}


def combine_groups(N1, M1, SD1, N2, M2, SD2) -> dict:
    """One group from two (Cochrane Handbook Table 6.5.a)."""
    n1, n2 = _number("N1", N1, positive=True), _number("N2", N2, positive=True)
    m1, m2 = _number("M1", M1), _number("M2", M2)
    sd1, sd2 = _number("SD1", SD1), _number("SD2", SD2)
    if sd1 < 0 or sd2 < 0:
        raise ConversionError("SD1 and SD2 cannot be negative")
    if n1 + n2 < 2:
        raise ConversionError("the combined group needs at least 2 participants")
    n = n1 + n2
    var = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 + n1 * n2 / n * (m1**2 + m2**2 - 2 * m1 * m2)) / (
        n - 1
    )
    return {"n": n1 + n2, "mean": (n1 * m1 + n2 * m2) / n, "sd": math.sqrt(var)}


def change_sd(sd_baseline, sd_final, corr) -> dict:
    """SD of the change from baseline: √(SDb² + SDf² - 2r·SDb·SDf) (Handbook 6.5.2.8)."""
    sd_b = _number("sd_baseline", sd_baseline, positive=True)
    sd_f = _number("sd_final", sd_final, positive=True)
    r = _number("corr", corr)
    if not -1 <= r <= 1:
        raise ConversionError(f"corr must lie between -1 and 1, not {r}")
    var = sd_b**2 + sd_f**2 - 2 * r * sd_b * sd_f
    if var <= 0:
        raise ConversionError("the change SD is zero (equal SDs with corr = 1)")
    return {"sd_change": math.sqrt(var)}


CONVERSIONS = {
    "fivenum_to_mean_sd": fivenum_to_mean_sd,
    "se_to_sd": se_to_sd,
    "ci_to_sd": ci_to_sd,
    "ci_diff_to_sd": ci_diff_to_sd,
    "combine_groups": combine_groups,
    "change_sd": change_sd,
}


def convert(function: str, inputs: dict) -> dict:
    """Run the conversion named as in conversions.json on its `inputs`."""
    if function not in CONVERSIONS:
        raise ConversionError(f"unknown conversion {function!r}; use one of {sorted(CONVERSIONS)}")
    try:
        return CONVERSIONS[function](**inputs)
    except TypeError as exc:
        raise ConversionError(f"{function}: {exc}") from exc
