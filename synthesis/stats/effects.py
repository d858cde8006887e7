"""Per-study effect sizes and sampling variances, following metafor's escalc conventions."""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy.special import gammaln

from synthesis.stats.errors import StatsInputError

MEASURES = (
    "MD",
    "SMD",
    "ROM",
    "MC",
    "SMCR",
    "SMCC",
    "OR",
    "RR",
    "RD",
    "PETO",
    "PLO",
    "PFT",
    "PAS",
    "PR",
    "IRR",
    "IRD",
    "IR",
    "IRLN",
    "IRS",
    "IRFT",
    "ZCOR",
    "GEN",
)

# escalc adds nothing by default for the variance-stabilising transforms (metafor escalc docs).
NO_ADD_MEASURES = frozenset({"PFT", "PAS", "IRS", "IRFT"})
TO_VALUES = ("only0", "all", "if0all", "none")
VTYPES = {
    "MD": ("LS", "HO"),
    "SMD": ("LS", "LS2", "UB", "AV", "H0"),
    "SMCR": ("LS", "LS2", "UB", "AV", "H0"),
    "SMCC": ("LS", "LS2", "UB", "AV", "H0"),
    "ROM": ("LS", "HO", "AV"),
    "OR": ("LS", "AV"),
    "RR": ("LS", "AV"),
    "RD": ("LS", "AV", "UB"),
    "PR": ("LS", "AV", "UB"),
    "PLO": ("LS", "AV"),
}


@dataclass
class EffectSizes:
    """Effect sizes `yi` with sampling variances `vi`; `n` is the per-study total sample size."""

    yi: np.ndarray
    vi: np.ndarray
    measure: str
    n: np.ndarray | None = None


@dataclass
class _Input:
    """Validated columns of one escalc call, with study labels for error messages."""

    data: dict
    k: int
    labels: list[str]
    options: dict

    def col(self, name: str) -> np.ndarray:
        if name not in self.data or self.data[name] is None:
            raise StatsInputError(f"column '{name}' is missing; this measure needs it")
        return _as_array(name, self.data[name], self.k, self.labels)

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def fail_where(self, bad: np.ndarray, reason: str) -> None:
        """Raise naming the first study where `bad` holds."""
        hits = np.flatnonzero(bad)
        if hits.size:
            raise StatsInputError(f"study {self.labels[hits[0]]}: {reason}")


def _as_array(name: str, values, k: int, labels: list[str]) -> np.ndarray:
    if isinstance(values, Real) and not isinstance(values, bool):
        return np.full(k, float(values))
    if all(type(value) in (int, float) for value in values):
        # Fast path for plain numbers; anything else gets the per-value checks below.
        out = np.asarray(values, dtype=float)
        if np.isfinite(out).all():
            return out
    out = np.empty(k)
    for i, value in enumerate(values):
        if value is None or isinstance(value, bool) or not isinstance(value, Real):
            raise StatsInputError(
                f"study {labels[i]}: column '{name}' holds {value!r}, not a number"
            )
        if not np.isfinite(value):
            raise StatsInputError(f"study {labels[i]}: column '{name}' is {value}, not finite")
        out[i] = float(value)
    return out


def _study_count(data: dict) -> int:
    lengths = {
        name: len(values)
        for name, values in data.items()
        if isinstance(values, list | tuple | np.ndarray)
    }
    if not lengths:
        raise StatsInputError("no studies: the data has no columns with values")
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise StatsInputError(f"columns have different lengths ({detail}); give one value a study")
    k = next(iter(lengths.values()))
    if k == 0:
        raise StatsInputError("no studies: the columns are empty")
    return k


def _labels(data: dict, k: int) -> list[str]:
    study = data.get("study")
    if isinstance(study, list | tuple) and len(study) == k:
        return [f"'{s}' (row {i + 1})" for i, s in enumerate(study)]
    return [f"row {i + 1}" for i in range(k)]


def _read_options(measure: str, options: dict | None) -> dict:
    options = dict(options or {})
    add = options.get("add", 0.0 if measure in NO_ADD_MEASURES else 0.5)
    if isinstance(add, bool) or not isinstance(add, Real) or not np.isfinite(add) or add < 0:
        raise StatsInputError(f"option 'add' must be a number >= 0, not {add!r}")
    to = options.get("to", "only0")
    if to not in TO_VALUES:
        raise StatsInputError(f"option 'to' must be one of {', '.join(TO_VALUES)}, not {to!r}")
    vtype = options.get("vtype", "LS")
    allowed = VTYPES.get(measure, ("LS",))
    if vtype not in allowed:
        raise StatsInputError(
            f"option 'vtype' for {measure} must be one of {', '.join(allowed)}, not {vtype!r}"
        )
    smd = options.get("smd_correction", "exact")
    if smd not in ("exact", "approx"):
        raise StatsInputError(f"option 'smd_correction' must be exact or approx, not {smd!r}")
    rom = options.get("rom_correction", "lajeunesse")
    if rom not in ("lajeunesse", "none"):
        raise StatsInputError(f"option 'rom_correction' must be lajeunesse or none, not {rom!r}")
    return {"add": float(add), "to": to, "vtype": vtype, "smd": smd, "rom": rom}


def _correct_mask(to: str, has_zero: np.ndarray) -> np.ndarray:
    """Which studies get the continuity correction (escalc's `to`)."""
    if to == "all":
        return np.ones_like(has_zero)
    if to == "if0all":
        return np.full_like(has_zero, has_zero.any())
    if to == "only0":
        return has_zero
    return np.zeros_like(has_zero)


# ---------------------------------------------------------------- validation helpers


def _nonneg_counts(inp: _Input, names: tuple[str, ...]) -> list[np.ndarray]:
    cols = [inp.col(name) for name in names]
    for name, values in zip(names, cols, strict=True):
        inp.fail_where(values < 0, f"{name} = negative count; counts cannot be below 0")
    return cols


def _positive(inp: _Input, name: str, what: str) -> np.ndarray:
    values = inp.col(name)
    inp.fail_where(values <= 0, f"{name} must be > 0 ({what})")
    return values


def _correlation(inp: _Input, name: str = "ri") -> np.ndarray:
    values = inp.col(name)
    inp.fail_where(np.abs(values) > 1, f"{name} must lie between -1 and 1")
    return values


# ---------------------------------------------------------------- two-arm counts


def _two_by_two(inp: _Input) -> tuple[np.ndarray, ...]:
    """Cells ai, bi, ci, di from either (ai bi ci di) or (ai n1i ci n2i)."""
    ai, ci = _nonneg_counts(inp, ("ai", "ci"))
    if inp.has("bi") or inp.has("di"):
        bi, di = _nonneg_counts(inp, ("bi", "di"))
    else:
        n1, n2 = _nonneg_counts(inp, ("n1i", "n2i"))
        inp.fail_where(ai > n1, "ai (events in group 1) exceeds n1i")
        inp.fail_where(ci > n2, "ci (events in group 2) exceeds n2i")
        bi, di = n1 - ai, n2 - ci
    inp.fail_where(ai + bi <= 0, "group 1 has no participants (ai + bi = 0)")
    inp.fail_where(ci + di <= 0, "group 2 has no participants (ci + di = 0)")
    return ai, bi, ci, di


def _wmean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(values * weights) / np.sum(weights))


def _counts_effect(measure: str, inp: _Input) -> EffectSizes:
    ai, bi, ci, di = _two_by_two(inp)
    n_total = ai + bi + ci + di
    opts = inp.options
    has_zero = (ai == 0) | (bi == 0) | (ci == 0) | (di == 0)
    shift = np.where(_correct_mask(opts["to"], has_zero), opts["add"], 0.0)
    ai, bi, ci, di = ai + shift, bi + shift, ci + shift, di + shift
    if measure == "PETO":
        return _peto_effect(inp, ai, bi, ci, di, n_total)
    n1, n2 = ai + bi, ci + di
    p1, p2 = ai / n1, ci / n2
    vtype = opts["vtype"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "OR":
            yi = np.log(ai * di / (bi * ci))
            if vtype == "AV":
                q1, q2 = _wmean(p1, n1), _wmean(p2, n2)
                vi = 1 / (q1 * (1 - q1) * n1) + 1 / (q2 * (1 - q2) * n2)
            else:
                vi = 1 / ai + 1 / bi + 1 / ci + 1 / di
        elif measure == "RR":
            yi = np.log(p1 / p2)
            if vtype == "AV":
                q1, q2 = _wmean(p1, n1), _wmean(p2, n2)
                vi = (1 - q1) / (q1 * n1) + (1 - q2) / (q2 * n2)
            else:
                vi = 1 / ai - 1 / n1 + 1 / ci - 1 / n2
        else:
            yi = p1 - p2
            if vtype == "AV":
                q1, q2 = _wmean(p1, n1), _wmean(p2, n2)
                vi = q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2
            elif vtype == "UB":
                vi = p1 * (1 - p1) / (n1 - 1) + p2 * (1 - p2) / (n2 - 1)
            else:
                vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return _finish(measure, inp, yi, vi, n_total)


def _peto_effect(inp, ai, bi, ci, di, n_total) -> EffectSizes:
    """Study-level Peto log odds ratio (O-E)/V with variance 1/V (Yusuf et al. 1985)."""
    n1, n2 = ai + bi, ci + di
    events, non_events = ai + ci, bi + di
    expected = n1 * events / n_total
    with np.errstate(divide="ignore", invalid="ignore"):
        hyper_var = n1 * n2 * events * non_events / (n_total**2 * (n_total - 1))
        yi = (ai - expected) / hyper_var
        vi = 1 / hyper_var
    return _finish("PETO", inp, yi, vi, n_total)


# ---------------------------------------------------------------- means


def _two_arm_means(inp: _Input) -> tuple[np.ndarray, ...]:
    m1, m2 = inp.col("m1i"), inp.col("m2i")
    sd1 = _positive(inp, "sd1i", "a standard deviation of 0 or less is not possible")
    sd2 = _positive(inp, "sd2i", "a standard deviation of 0 or less is not possible")
    n1 = _positive(inp, "n1i", "group 1 needs at least one participant")
    n2 = _positive(inp, "n2i", "group 2 needs at least one participant")
    return m1, sd1, n1, m2, sd2, n2


def _pooled_var(sd1, n1, sd2, n2) -> np.ndarray:
    return ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2)


def hedges_j(m: np.ndarray) -> np.ndarray:
    """Exact small-sample correction J(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2)) (Hedges 1981)."""
    m = np.asarray(m, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def _md_effect(inp: _Input) -> EffectSizes:
    m1, sd1, n1, m2, sd2, n2 = _two_arm_means(inp)
    yi = m1 - m2
    if inp.options["vtype"] == "HO":
        inp.fail_where(n1 + n2 < 3, "n1i + n2i must be at least 3 to pool the SDs")
        vi = _pooled_var(sd1, n1, sd2, n2) * (1 / n1 + 1 / n2)
    else:
        vi = sd1**2 / n1 + sd2**2 / n2
    return _finish("MD", inp, yi, vi, n1 + n2)


def _smd_effect(inp: _Input) -> EffectSizes:
    m1, sd1, n1, m2, sd2, n2 = _two_arm_means(inp)
    total = n1 + n2
    inp.fail_where(total < 4, "SMD needs n1i + n2i >= 4 for the small-sample correction")
    d = (m1 - m2) / np.sqrt(_pooled_var(sd1, n1, sd2, n2))
    if inp.options["smd"] == "approx":
        # RevMan 5 (Deeks & Higgins 2010): approximate J and its own variance, whatever vtype.
        yi = (1 - 3 / (4 * total - 9)) * d
        vi = total / (n1 * n2) + yi**2 / (2 * (total - 3.94))
        return _finish("SMD", inp, yi, vi, total)
    j = hedges_j(total - 2)
    yi = j * d
    vi = _standardized_var(inp, yi, d, j, total - 2, 1 / n1 + 1 / n2, 2 * total, total)
    return _finish("SMD", inp, yi, vi, total)


def _standardized_var(inp, yi, d, j, m, base, denom, n_weight) -> np.ndarray:
    """Variance of a standardized mean (difference): base + yi²/denom and escalc's variants."""
    vtype = inp.options["vtype"]
    if vtype == "H0":
        return base
    if vtype == "LS2":
        return j**2 * (base + d**2 / denom)
    if vtype == "UB":
        return base + (1 - (m - 2) / (m * j**2)) * yi**2
    if vtype == "AV":
        return base + _wmean(yi, n_weight) ** 2 / denom
    return base + yi**2 / denom


def _rom_effect(inp: _Input) -> EffectSizes:
    m1, sd1, n1, m2, sd2, n2 = _two_arm_means(inp)
    inp.fail_where(m1 * m2 <= 0, "ROM needs both means non-zero and of the same sign")
    rel1, rel2 = sd1**2 / (n1 * m1**2), sd2**2 / (n2 * m2**2)
    yi = np.log(m1 / m2)
    if inp.options["rom"] == "lajeunesse":
        yi = yi + 0.5 * (rel1 - rel2)
    vtype = inp.options["vtype"]
    if vtype == "HO":
        pooled = _pooled_var(sd1, n1, sd2, n2)
        vi = pooled / (n1 * m1**2) + pooled / (n2 * m2**2)
    elif vtype == "AV":
        cv1, cv2 = _wmean(sd1 / m1, n1), _wmean(sd2 / m2, n2)
        vi = cv1**2 / n1 + cv2**2 / n2
    else:
        vi = rel1 + rel2
    return _finish("ROM", inp, yi, vi, n1 + n2)


def _paired(inp: _Input, need_sd2: bool) -> tuple[np.ndarray, ...]:
    m1, m2 = inp.col("m1i"), inp.col("m2i")
    sd1 = _positive(inp, "sd1i", "a standard deviation of 0 or less is not possible")
    sd2 = (
        _positive(inp, "sd2i", "a standard deviation of 0 or less is not possible")
        if need_sd2
        else None
    )
    n = _positive(inp, "ni", "the study needs at least one participant")
    ri = _correlation(inp)
    return m1, m2, sd1, sd2, n, ri


def _change_sd(inp: _Input, sd1, sd2, ri) -> np.ndarray:
    var = sd1**2 + sd2**2 - 2 * ri * sd1 * sd2
    inp.fail_where(
        var <= 0, "the SD of the change is 0 (identical SDs with ri = 1); check sd1i, sd2i, ri"
    )
    return np.sqrt(np.maximum(var, 0))


def _mc_effect(inp: _Input) -> EffectSizes:
    m1, m2, sd1, sd2, n, ri = _paired(inp, need_sd2=True)
    sd_change = _change_sd(inp, sd1, sd2, ri)
    return _finish("MC", inp, m1 - m2, sd_change**2 / n, n)


def _smcr_effect(inp: _Input) -> EffectSizes:
    m1, m2, sd1, _, n, ri = _paired(inp, need_sd2=False)
    inp.fail_where(n < 3, "SMCR needs ni >= 3 for the small-sample correction")
    j = hedges_j(n - 1)
    d = (m1 - m2) / sd1
    yi = j * d
    vi = _standardized_var(inp, yi, d, j, n - 1, 2 * (1 - ri) / n, 2 * n, n)
    return _finish("SMCR", inp, yi, vi, n)


def _smcc_effect(inp: _Input) -> EffectSizes:
    m1, m2, sd1, sd2, n, ri = _paired(inp, need_sd2=True)
    inp.fail_where(n < 3, "SMCC needs ni >= 3 for the small-sample correction")
    sd_change = _change_sd(inp, sd1, sd2, ri)
    j = hedges_j(n - 1)
    d = (m1 - m2) / sd_change
    yi = j * d
    vi = _standardized_var(inp, yi, d, j, n - 1, 1 / n, 2 * n, n)
    return _finish("SMCC", inp, yi, vi, n)


# ---------------------------------------------------------------- one-arm proportions


def _proportion_effect(measure: str, inp: _Input) -> EffectSizes:
    xi, ni = _nonneg_counts(inp, ("xi", "ni"))
    inp.fail_where(ni <= 0, "ni must be > 0 (the study needs at least one participant)")
    inp.fail_where(xi > ni, "xi (events) exceeds ni (participants)")
    n_raw = ni
    opts = inp.options
    shift = np.where(_correct_mask(opts["to"], (xi == 0) | (xi == ni)), opts["add"], 0.0)
    xi, ni = xi + shift, ni + 2 * shift
    p = xi / ni
    vtype = opts["vtype"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "PR":
            q = _wmean(p, ni) if vtype == "AV" else p
            vi = q * (1 - q) / (ni - 1 if vtype == "UB" else ni)
            yi = p
        elif measure == "PLO":
            yi = np.log(xi / (ni - xi))
            q = _wmean(p, ni) if vtype == "AV" else p
            vi = 1 / (ni * q * (1 - q))
        elif measure == "PAS":
            yi, vi = np.arcsin(np.sqrt(p)), 1 / (4 * ni)
        else:
            half = np.arcsin(np.sqrt(xi / (ni + 1))) + np.arcsin(np.sqrt((xi + 1) / (ni + 1)))
            yi, vi = half / 2, 1 / (4 * ni + 2)
    return _finish(measure, inp, yi, vi, n_raw)


# ---------------------------------------------------------------- rates


def _person_time(inp: _Input, name: str) -> np.ndarray:
    return _positive(inp, name, "person-time must be positive")


def _rate_effect(measure: str, inp: _Input) -> EffectSizes:
    (xi,) = _nonneg_counts(inp, ("xi",))
    ti = _person_time(inp, "ti")
    opts = inp.options
    xi = xi + np.where(_correct_mask(opts["to"], xi == 0), opts["add"], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "IR":
            yi, vi = xi / ti, xi / ti**2
        elif measure == "IRLN":
            yi, vi = np.log(xi / ti), 1 / xi
        elif measure == "IRS":
            yi, vi = np.sqrt(xi / ti), 1 / (4 * ti)
        else:
            yi = (np.sqrt(xi / ti) + np.sqrt((xi + 1) / ti)) / 2
            vi = 1 / (4 * ti)
    return _finish(measure, inp, yi, vi, None)


def _rate_ratio_effect(measure: str, inp: _Input) -> EffectSizes:
    x1, x2 = _nonneg_counts(inp, ("x1i", "x2i"))
    t1, t2 = _person_time(inp, "t1i"), _person_time(inp, "t2i")
    opts = inp.options
    shift = np.where(_correct_mask(opts["to"], (x1 == 0) | (x2 == 0)), opts["add"], 0.0)
    x1, x2 = x1 + shift, x2 + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "IRR":
            yi, vi = np.log(x1 / t1) - np.log(x2 / t2), 1 / x1 + 1 / x2
        else:
            yi, vi = x1 / t1 - x2 / t2, x1 / t1**2 + x2 / t2**2
    return _finish(measure, inp, yi, vi, None)


# ---------------------------------------------------------------- correlations, generic


def _zcor_effect(inp: _Input) -> EffectSizes:
    ri = inp.col("ri")
    inp.fail_where(np.abs(ri) >= 1, "ri must lie strictly between -1 and 1 for Fisher's z")
    ni = inp.col("ni")
    inp.fail_where(ni <= 3, "ZCOR needs ni > 3 (the variance is 1/(ni - 3))")
    return _finish("ZCOR", inp, np.arctanh(ri), 1 / (ni - 3), ni)


def _generic_effect(inp: _Input) -> EffectSizes:
    yi = inp.col("yi")
    vi = inp.col("vi")
    n = inp.col("ni") if inp.has("ni") else None
    return _finish("GEN", inp, yi, vi, n)


def _finish(measure, inp: _Input, yi, vi, n) -> EffectSizes:
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    return EffectSizes(yi=yi, vi=vi, measure=measure, n=None if n is None else np.asarray(n))


def _check_finite(es: EffectSizes, inp: _Input) -> None:
    hint = "use option 'add'/'to' for zero cells or check the data"
    inp.fail_where(~np.isfinite(es.yi), f"the {es.measure} effect size is not finite; {hint}")
    bad_vi = ~np.isfinite(es.vi) | (es.vi <= 0)
    inp.fail_where(bad_vi, f"the {es.measure} sampling variance is not positive; {hint}")


_DISPATCH = {
    "MD": _md_effect,
    "SMD": _smd_effect,
    "ROM": _rom_effect,
    "MC": _mc_effect,
    "SMCR": _smcr_effect,
    "SMCC": _smcc_effect,
    "ZCOR": _zcor_effect,
    "GEN": _generic_effect,
}
for _m in ("OR", "RR", "RD", "PETO"):
    _DISPATCH[_m] = lambda inp, m=_m: _counts_effect(m, inp)
for _m in ("PLO", "PFT", "PAS", "PR"):
    _DISPATCH[_m] = lambda inp, m=_m: _proportion_effect(m, inp)
for _m in ("IR", "IRLN", "IRS", "IRFT"):
    _DISPATCH[_m] = lambda inp, m=_m: _rate_effect(m, inp)
for _m in ("IRR", "IRD"):
    _DISPATCH[_m] = lambda inp, m=_m: _rate_ratio_effect(m, inp)


def escalc(
    measure: str, data: dict, options: dict | None = None, *, allow_nonfinite: bool = False
) -> EffectSizes:
    """Effect sizes and variances for `measure` from escalc-named columns in `data`.

    Raises StatsInputError naming the study and column for any input a reviewer must fix,
    including a study whose effect size or variance is not finite and positive, unless
    `allow_nonfinite` (Mantel-Haenszel and Peto leave such studies out of QE instead).
    """
    if measure not in _DISPATCH:
        raise StatsInputError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    inp = _validated_input(measure, data, options)
    es = _DISPATCH[measure](inp)
    if not allow_nonfinite:
        _check_finite(es, inp)
    return es


def _validated_input(measure: str, data: dict, options: dict | None) -> _Input:
    if not isinstance(data, dict):
        raise StatsInputError('data must be an object of columns, e.g. {"ai": [...], ...}')
    k = _study_count(data)
    return _Input(data=data, k=k, labels=_labels(data, k), options=_read_options(measure, options))


def two_by_two(data: dict) -> tuple[np.ndarray, ...]:
    """Validated raw cells ai, bi, ci, di from (ai bi ci di) or (ai n1i ci n2i) columns."""
    return _two_by_two(_validated_input("OR", data, None))


def rate_pairs(data: dict) -> tuple[np.ndarray, ...]:
    """Validated raw x1i, t1i, x2i, t2i columns of two-arm rate data."""
    inp = _validated_input("IRR", data, None)
    x1, x2 = _nonneg_counts(inp, ("x1i", "x2i"))
    return x1, _person_time(inp, "t1i"), x2, _person_time(inp, "t2i")
