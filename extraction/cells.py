"""Outcome cells: the statistics a paper reports for one study x outcome x time point x arm,
their checks, and their conversion to what pooling needs (mean and SD, or events and total).

Pure (no Django). Conversions are those of `extraction.conversions`; the method used is
stored beside the converted values so a reader sees where each number came from.
"""

import math

from .conversions import ConversionError, ci_to_sd, combine_groups, fivenum_to_mean_sd, se_to_sd

# Statistic keys in the order the grid shows them, with their kind.
STATS = {
    "n": "count", "mean": "number", "sd": "spread", "se": "spread", "ci_lb": "number",
    "ci_ub": "number", "median": "number", "q1": "number", "q3": "number", "min": "number",
    "max": "number", "events": "count", "total": "count", "change_mean": "number",
    "change_sd": "spread", "change_se": "spread", "corr": "corr", "person_time": "spread",
}
STAT_LABELS = {
    "n": "n", "mean": "Mean", "sd": "SD", "se": "SE", "ci_lb": "95% CI lower",
    "ci_ub": "95% CI upper", "median": "Median", "q1": "Q1", "q3": "Q3", "min": "Min",
    "max": "Max", "events": "Events", "total": "Total", "change_mean": "Change mean",
    "change_sd": "Change SD", "change_se": "Change SE", "corr": "Pre/post r",
    "person_time": "Person-time",
}
# Which statistics the grid offers per outcome type (all remain accepted).
GRID_STATS = {
    "continuous": ["n", "mean", "sd", "se", "ci_lb", "ci_ub", "median", "q1", "q3", "min", "max",
                   "change_mean", "change_sd", "corr"],
    "dichotomous": ["events", "total"],
    "count": ["events", "total", "person_time"],
    "rate": ["events", "person_time", "total"],
}


def _number(key, value):
    if isinstance(value, bool):
        raise ValueError(f"{STAT_LABELS[key]}: '{value}' is not a number")
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) \
            else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{STAT_LABELS[key]}: '{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{STAT_LABELS[key]}: '{value}' is not a finite number")
    return number


def _typed(key, value):
    kind = STATS[key]
    number = _number(key, value)
    if kind == "count":
        if number < 0:
            raise ValueError(f"{STAT_LABELS[key]} cannot be negative")
        if number != int(number):
            raise ValueError(f"{STAT_LABELS[key]} must be a whole number")
        return int(number)
    if kind == "spread" and number < 0:
        raise ValueError(f"{STAT_LABELS[key]} cannot be negative")
    if kind == "corr" and not -1 <= number <= 1:
        raise ValueError(f"{STAT_LABELS[key]} must lie between -1 and 1")
    return number


def _relations(v, participants):
    """Checks across statistics of one cell: key -> reason."""
    errors = {}
    if "events" in v and "total" in v and v["events"] > v["total"]:
        errors["events"] = f"Events ({v['events']}) cannot exceed the total ({v['total']})"
    if "total" in v and v["total"] == 0:
        errors["total"] = "Total must be at least 1"
    if "n" in v and v["n"] == 0:
        errors["n"] = "n must be at least 1"
    for low, high in (("ci_lb", "ci_ub"), ("q1", "q3"), ("min", "max"), ("min", "q1"),
                      ("q3", "max")):
        if low in v and high in v and v[low] > v[high]:
            errors[low] = f"{STAT_LABELS[low]} ({v[low]:g}) is above {STAT_LABELS[high]} " \
                          f"({v[high]:g})"
    if "median" in v:
        for low, high in (("min", "max"), ("q1", "q3")):
            if low in v and high in v and not v[low] <= v["median"] <= v[high]:
                errors["median"] = f"Median ({v['median']:g}) lies outside " \
                                   f"{STAT_LABELS[low]}-{STAT_LABELS[high]}"
    if "mean" in v and "ci_lb" in v and "ci_ub" in v and not v["ci_lb"] <= v["mean"] <= v["ci_ub"]:
        errors["mean"] = f"Mean ({v['mean']:g}) lies outside its 95% CI"
    if participants:
        for key in ("n", "total"):
            if key in v and v[key] > participants:
                errors[key] = f"{STAT_LABELS[key]} ({v[key]}) is above the study's " \
                              f"{participants} participants"
    return errors


def clean_cell(values, *, participants=None):
    """Returns (cleaned, errors): cleaned keeps typed numbers for the known keys; errors maps
    a statistic key to a reason naming it. Empty strings and None are left out."""
    cleaned, errors = {}, {}
    for key, value in (values or {}).items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key not in STATS:
            errors[key] = f"'{key}' is not a statistic this grid knows"
            continue
        try:
            cleaned[key] = _typed(key, value)
        except ValueError as exc:
            errors[key] = str(exc)
    errors.update({k: m for k, m in _relations(cleaned, participants).items() if k not in errors})
    return cleaned, errors


def _mean_sd(v):
    n = v.get("n")
    if "mean" in v and "sd" in v:
        return v["mean"], v["sd"], "reported"
    if "mean" in v and "se" in v and n:
        return v["mean"], se_to_sd(v["se"], n)["sd"], "se_to_sd"
    if "mean" in v and "ci_lb" in v and "ci_ub" in v and n:
        # Cochrane Handbook 6.5.2.2: small samples (under 60) used a t distribution.
        dist = "t" if n < 60 and n >= 2 else "z"
        return v["mean"], ci_to_sd(v["ci_lb"], v["ci_ub"], n, dist)["sd"], f"ci_to_sd_{dist}"
    if "median" in v and n and (("q1" in v and "q3" in v) or ("min" in v and "max" in v)):
        args = {k: v.get(k) for k in ("min", "max", "q1", "q3")}
        # The Luo/Wan/Shi estimators need n >= 5; Hozo's (2005) are the fallback below it.
        method = "luo_wan_shi" if n >= 5 else "hozo"
        if method == "hozo" and "min" not in v:
            return None
        out = fivenum_to_mean_sd(n, v["median"], method=method, **args)
        return out["mean"], out["sd"], method
    return None


def convert_cell(values, outcome_type="continuous"):
    """What pooling needs from a cleaned cell, with the method used, or None when the values
    do not allow it. Never raises for values that `clean_cell` accepted."""
    v = values or {}
    if outcome_type in ("dichotomous", "count", "rate"):
        if "events" in v and ("total" in v or "person_time" in v):
            keep = {k: v[k] for k in ("events", "total", "person_time") if k in v}
            return {**keep, "method": "reported"}
        return None
    out = {}
    try:
        found = _mean_sd(v)
    except ConversionError:
        found = None
    if found:
        mean, sd, method = found
        out.update({"n": v.get("n"), "mean": mean, "sd": sd, "method": method})
    if "change_mean" in v and ("change_sd" in v or ("change_se" in v and v.get("n"))):
        sd = v.get("change_sd")
        if sd is None:
            sd = se_to_sd(v["change_se"], v["n"])["sd"]
        out.update({"n": v.get("n"), "change_mean": v["change_mean"], "change_sd": sd})
        out.setdefault("method", "reported change")
    if "corr" in v and out:
        out["corr"] = v["corr"]
    return out or None


def combine_subgroups(groups):
    """One mean and SD from subgroups reported separately (Cochrane Handbook 6.5.2.10),
    combined two at a time."""
    if len(groups) < 2:
        raise ValueError("combining needs at least two subgroups")
    n, mean, sd = groups[0]["n"], groups[0]["mean"], groups[0]["sd"]
    for g in groups[1:]:
        out = combine_groups(n, mean, sd, g["n"], g["mean"], g["sd"])
        n, mean, sd = out["n"], out["mean"], out["sd"]
    return {"n": n, "mean": mean, "sd": sd, "method": "combined"}
