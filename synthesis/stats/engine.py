"""Runs analysis-spec cases (README schema of the meta reference suite) to result dicts."""

import math

import numpy as np

from . import bias, counts, effects, moderators, rma, transforms
from .errors import StatsInputError

COUNT_METHODS = ("MH", "PETO")
KNOWN_OPTIONS = frozenset(
    {
        "add", "to", "vtype", "correct", "drop00", "i2", "pi", "q_center", "mh_rd_variance",
        "knha_adhoc", "smd_correction", "rom_correction", "weights", "regtest_model",
        "ranktest", "extras",
    }
)  # fmt: skip
_LABEL_KEYS = ("study",)


def run_spec(spec):
    """Pool every case of a spec dict {"cases": [...]}; one bad case never stops the others."""
    if not isinstance(spec, dict) or not isinstance(spec.get("cases"), list):
        raise StatsInputError('the spec must be an object with a list under "cases"')
    return {"cases": [run_case(case, i) for i, case in enumerate(spec["cases"])]}


def run_case(case, position=0):
    """{"name", "result"} or {"name", "error"} for one case."""
    name = case.get("name") if isinstance(case, dict) else None
    name = name if isinstance(name, str) and name else f"case {position + 1}"
    try:
        with np.errstate(all="ignore"):
            result = pool_case(case)
        return {"name": name, "result": to_jsonable(result)}
    except StatsInputError as exc:
        return {"name": name, "error": str(exc)}
    except Exception as exc:  # a bug in one case must not stop the others
        return {"name": name, "error": f"internal error ({type(exc).__name__}): {exc}"}


def to_jsonable(value):
    """Plain Python types for json.dump; NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


# ---------------------------------------------------------------- reading a case


def _field(case, key, kind, default=None, required=False):
    if key not in case or case[key] is None:
        if required:
            raise StatsInputError(f'the case has no "{key}"')
        return default
    value = case[key]
    if not isinstance(value, kind):
        raise StatsInputError(f'"{key}" must be a {kind.__name__}, not {type(value).__name__}')
    return value


def _read_case(case):
    if not isinstance(case, dict):
        raise StatsInputError("a case must be a JSON object")
    spec = {
        "measure": _field(case, "measure", str, required=True),
        "data": _field(case, "data", dict, required=True),
        "method": _field(case, "method", str, "REML"),
        "test": _field(case, "test", str, "z"),
        "options": _field(case, "options", dict, {}),
    }
    if spec["method"] == "EE":
        spec["method"] = "FE"
    if spec["test"] == "hksj":
        spec["test"] = "knha"
    return spec


def _columns(data):
    return {k: v for k, v in data.items() if k not in _LABEL_KEYS}


def _subset(data, idx):
    """The data columns of the studies at idx (scalar entries are kept as they are)."""
    out = {}
    for key, col in data.items():
        out[key] = [col[i] for i in idx] if isinstance(col, list) else col
    return out


# ---------------------------------------------------------------- pooling


def pool_case(case):
    """The result dict of one case; raises StatsInputError for input a reviewer must fix."""
    spec = _read_case(case)
    method, opts = spec["method"], spec["options"]
    unknown = sorted(set(opts) - KNOWN_OPTIONS)
    if method in COUNT_METHODS:
        result = _pool_counts(spec, case)
    else:
        result = _pool_iv(spec, case)
    if unknown:
        result["warnings"] = [f"unknown option {key!r} was ignored" for key in unknown]
    return result


def _count_pool(measure, method, data, opts):
    if method == "PETO":
        if measure != "OR":
            raise StatsInputError(f"Peto's method pools odds ratios only, not {measure}")
        return counts.peto(data, opts)
    return counts.mantel_haenszel(measure, data, opts)


def _pool_counts(spec, case):
    measure, method, opts = spec["measure"], spec["method"], spec["options"]
    if spec["test"] != "z":
        raise StatsInputError(f"method {method} uses the z test; remove test {spec['test']!r}")
    data = _columns(spec["data"])
    result = _count_pool(measure, method, data, opts)
    result.update(_back_transform("OR" if method == "PETO" else measure, result, None))
    groups = case.get("subgroup")
    if groups is not None:
        _check_groups(groups, result["k"])

        def level(idx):
            res = _count_pool(measure, method, _subset(data, idx), opts)
            return {k: v for k, v in res.items() if k not in ("yi", "vi", "weights_percent")}

        result.update(moderators.subgroup_analysis(groups, level))
    return result


def _check_groups(groups, k):
    if not isinstance(groups, list) or len(groups) != k:
        raise StatsInputError(
            f'"subgroup" must be a list with one label for each of the {k} studies'
        )
    if any(g is None for g in groups):
        raise StatsInputError("a study has no subgroup label (null)")


def _effect_sizes(spec):
    data = _columns(spec["data"])
    es = effects.escalc(spec["measure"], data, spec["options"])
    return es, data


def _mh_center(spec, data):
    if spec["options"].get("q_center", "iv") == "iv":
        return None
    if spec["options"]["q_center"] != "mh":
        raise StatsInputError('option "q_center" must be "iv" or "mh"')
    if spec["measure"] not in counts.MH_MEASURES:
        raise StatsInputError(
            f'q_center "mh" needs a Mantel-Haenszel measure ({", ".join(counts.MH_MEASURES)})'
        )
    return lambda d: counts.mh_estimate(spec["measure"], d, spec["options"])


def _pool_iv(spec, case):
    es, data = _effect_sizes(spec)
    y, v = np.asarray(es.yi, float), np.asarray(es.vi, float)
    method, test, opts = spec["method"], spec["test"], spec["options"]
    if case.get("multilevel") is not None:
        from . import multilevel

        result = multilevel.rma_mv_nested(y, v, case["multilevel"], test)
    elif case.get("moderators") is not None:
        mods = case["moderators"]
        if not isinstance(mods, dict) or not mods:
            raise StatsInputError('"moderators" must be an object {name: [value per study]}')
        X, names = moderators.design_matrix(mods, len(y))
        result = moderators.metareg(y, v, X, names, method, test, opts, confint=True)
    else:
        center = _mh_center(spec, data)
        q_center = center(data) if center else None
        result = rma.rma(y, v, method, test, opts, q_center=q_center, confint=True)
        result.update(_back_transform(spec["measure"], result, es.n))
        # "extras": false skips leave-one-out, cumulative, Egger, Begg and trim-and-fill: a
        # sensitivity variant needs only its pooled result, and they are most of its cost.
        if opts.get("extras", True):
            result.update(_sensitivity(y, v, method, test, opts))
        if case.get("subgroup") is not None:
            result.update(_iv_subgroups(case["subgroup"], y, v, data, spec, center))
    result["yi"], result["vi"] = y.tolist(), v.tolist()
    return result


def _iv_subgroups(groups, y, v, data, spec, center):
    method, test, opts = spec["method"], spec["test"], spec["options"]
    _check_groups(groups, len(y))

    def level(idx):
        idx = np.asarray(idx)
        if len(idx) == 1:
            # One study: its own estimate, no heterogeneity (and no t test on 0 df).
            return rma.rma(y[idx], v[idx], "FE", "z", {})
        qc = center(_subset(data, idx)) if center else None
        res = rma.rma(y[idx], v[idx], method, test, opts, q_center=qc)
        res.pop("weights_percent", None)
        res.pop("pi_t_k2", None)
        return res

    mixed = None
    if center is None and len(set(map(str, groups))) > 1:
        X, names = moderators.factor_matrix(groups)

        def mixed():
            return moderators.metareg(y, v, X, names, method, test, opts)

    return moderators.subgroup_analysis(groups, level, mixed)


def _attempt(out, key, func, *args, **kwargs):
    try:
        out[key] = func(*args, **kwargs)
    except (StatsInputError, np.linalg.LinAlgError) as exc:
        # An add-on analysis the data cannot support is noted; the pooled result stands.
        out.setdefault("notes", []).append(f"{key}: {exc}")


def _sensitivity(y, v, method, test, opts):
    """Leave-one-out, cumulative, Egger, Begg and trim-and-fill, when k allows them."""
    weights = rma.user_weights(opts, v)
    k = len(y)
    out = {}
    if k >= 2:
        _attempt(out, "leave1out", bias.leave1out, y, v, method, test, opts, weights)
    _attempt(out, "cumulative", bias.cumulative, y, v, method, test, opts, weights)
    if k < 3:
        return out
    _attempt(out, "regtest_rma", bias.regtest, y, v, method, test, weights)
    _attempt(out, "regtest_lm", bias.regtest_lm, y, v)
    if "regtest_rma" in out:
        reg = out.pop("regtest_rma")
        out["regtest_limit_estimate"] = reg.pop("limit_estimate")
        out["regtest"] = reg
    if "regtest_lm" in out:
        out["egger_bias"] = out["regtest_lm"].pop("bias")
    if opts.get("regtest_model", "rma") == "lm" and "regtest_lm" in out:
        out["regtest"] = dict(out["regtest_lm"])
    elif opts.get("regtest_model", "rma") not in ("rma", "lm"):
        raise StatsInputError('option "regtest_model" must be "rma" or "lm"')
    _attempt(out, "ranktest", bias.ranktest, y, v, opts.get("ranktest", "exact"))
    if weights is None:
        _attempt(out, "trimfill", bias.trimfill, y, v, method, test, opts)
    return out


def _back_transform(measure, result, es_n):
    """`back_transformed` (and the harmonic-mean n of the Freeman-Tukey inverse)."""
    out = {}
    bt = transforms.back_transformed(measure, result, n=es_n)
    if bt:
        out["back_transformed"] = bt
    if measure == "PFT" and es_n is not None:
        out["harmonic_mean_n"] = transforms.harmonic_mean(es_n)
    return out
