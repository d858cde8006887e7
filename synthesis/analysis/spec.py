"""The analysis spec: a plain dict the owner edits, validated and normalised, with its hash.

An analysis says what to pool from a locked snapshot (outcome, comparison, measure, model,
test, subgroups, sensitivity analyses). `validate_analysis` returns the normalised spec (every
default written out) or raises AnalysisSpecError with a message a reviewer can act on;
`spec_hash` is the sha256 of its canonical JSON, so two spellings of one analysis share a hash.
"""

import hashlib
import json
import math
from numbers import Real

from synthesis.stats.engine import KNOWN_OPTIONS


class AnalysisSpecError(ValueError):
    """An analysis spec a reviewer has to fix; the message says what and where."""


# Measures by comparison kind. MD_independent is RevMan's "mean difference with baseline and
# follow-up treated as independent groups": the engine's MD on follow-up vs baseline columns.
BEFORE_AFTER_MEASURES = ("MC", "SMCR", "SMCC", "MD_independent", "ROM_independent")
SINGLE_GROUP_MEASURES = ("PLO", "PFT", "PR", "PAS", "IRLN", "IR")
TWO_ARM_MEASURES = ("MD", "SMD", "ROM", "OR", "RR", "RD", "IRR", "IRD")
MEASURES_BY_KIND = {
    "before_after": BEFORE_AFTER_MEASURES,
    "single_group": SINGLE_GROUP_MEASURES,
    "two_arm": TWO_ARM_MEASURES,
}
CONTINUOUS_MEASURES = frozenset({"MC", "SMCR", "SMCC", "MD_independent", "ROM_independent",
                                 "MD", "SMD", "ROM"})
PROPORTION_MEASURES = frozenset({"PLO", "PFT", "PR", "PAS", "OR", "RR", "RD"})
RATE_MEASURES = frozenset({"IRLN", "IR", "IRR", "IRD"})
CORRELATION_MEASURES = frozenset({"MC", "SMCR", "SMCC"})  # need the pre/post r

MEASURE_LABELS = {
    "MC": "Mean change (follow-up vs baseline, paired)",
    "SMCR": "Standardised mean change (raw-score standardisation, baseline SD)",
    "SMCC": "Standardised mean change (change-score standardisation)",
    "MD_independent": (
        "Mean difference with baseline and follow-up treated as independent groups (RevMan)"
    ),
    "ROM_independent": (
        "Ratio of means with baseline and follow-up treated as independent groups"
    ),
    "MD": "Mean difference",
    "SMD": "Standardised mean difference (Hedges' g)",
    "ROM": "Ratio of means",
    "OR": "Odds ratio",
    "RR": "Risk ratio",
    "RD": "Risk difference",
    "IRR": "Incidence rate ratio",
    "IRD": "Incidence rate difference",
    "PLO": "Proportion (logit transformed)",
    "PFT": "Proportion (Freeman-Tukey double arcsine)",
    "PR": "Proportion (raw)",
    "PAS": "Proportion (arcsine)",
    "IRLN": "Incidence rate (log transformed)",
    "IR": "Incidence rate (raw)",
}

RANDOM_METHODS = ("REML", "DL", "PM", "SJ", "HE", "ML", "EB", "HS", "HSk", "PMM", "GENQ")
FIXED_METHODS = ("FE", "MH", "PETO")
METHODS = RANDOM_METHODS + FIXED_METHODS
MH_MEASURES = ("OR", "RR", "RD", "IRR", "IRD")
TESTS = ("z", "knha")
ARM_ROLES = ("single", "intervention", "control")
SIGNS = ("follow_up_minus_baseline", "baseline_minus_follow_up", "improvement_positive")
SENSITIVITY_KEYS = ("leave_one_out", "exclude_high_rob", "fixed_vs_random", "r_values")
SPEC_KEYS = frozenset({
    "name", "outcome", "comparison", "measure", "method", "test", "r", "sign", "subgroup",
    "moderators", "sensitivity", "options",
})  # fmt: skip


def canonical_json(obj) -> str:
    """The canonical JSON the snapshot format uses (sorted keys, no spaces, UTF-8 text)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_hash(analysis: dict) -> str:
    """sha256 hex of the canonical JSON of the normalised spec."""
    spec = validate_analysis(analysis)
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def validate_analysis(analysis: dict) -> dict:
    """The normalised spec (defaults filled in), or AnalysisSpecError naming the problem."""
    if not isinstance(analysis, dict):
        raise AnalysisSpecError("an analysis must be an object (a dict)")
    unknown = sorted(set(analysis) - SPEC_KEYS)
    if unknown:
        raise AnalysisSpecError(f"unknown key(s) {', '.join(unknown)}; allowed: "
                                f"{', '.join(sorted(SPEC_KEYS))}")
    name = analysis.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AnalysisSpecError('"name" must be a non-empty text')
    spec = {"name": name.strip(), "outcome": _id(analysis, "outcome", "outcome")}
    spec["comparison"] = _comparison(analysis.get("comparison"))
    kind = spec["comparison"]["kind"]
    spec["measure"] = _measure(analysis.get("measure"), kind)
    spec["method"], spec["test"] = _model(analysis, spec["measure"])
    spec["r"] = _assumed_r(analysis, spec["measure"], kind)
    spec["sign"] = _sign(analysis.get("sign"), kind)
    spec["subgroup"], spec["moderators"] = _grouping(analysis)
    spec["sensitivity"] = _sensitivity(analysis.get("sensitivity"), spec)
    spec["options"] = _options(analysis.get("options"))
    return spec


def _id(obj, key, what):
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or value in ("", None):
        raise AnalysisSpecError(f'"{key}" must be the id of a {what} in the snapshot')
    return value


def _comparison(comp):
    if not isinstance(comp, dict):
        raise AnalysisSpecError(
            '"comparison" must be {"kind": "before_after", "timepoint": ID, "baseline": ID}, '
            '{"kind": "two_arm", "timepoint": ID, "intervention": ROLE, "control": ROLE} '
            'or {"kind": "single_group", "timepoint": ID}'
        )
    kind = comp.get("kind")
    if kind not in MEASURES_BY_KIND:
        raise AnalysisSpecError(
            f'comparison "kind" must be one of {", ".join(MEASURES_BY_KIND)}, not {kind!r}'
        )
    out = {"kind": kind, "timepoint": _id(comp, "timepoint", "time point")}
    if kind == "before_after":
        out["baseline"] = _id(comp, "baseline", "baseline time point")
        if out["baseline"] == out["timepoint"]:
            raise AnalysisSpecError("the follow-up time point cannot be the baseline itself")
    if kind in ("before_after", "single_group"):
        out["arm_role"] = _role(comp.get("arm_role", "single"), "arm_role")
        allowed = {"kind", "timepoint", "baseline", "arm_role"}
    else:
        out["intervention"] = _role(comp.get("intervention", "intervention"), "intervention")
        out["control"] = _role(comp.get("control", "control"), "control")
        if out["intervention"] == out["control"]:
            raise AnalysisSpecError("the intervention and control arm roles must differ")
        allowed = {"kind", "timepoint", "intervention", "control"}
    extra = sorted(set(comp) - allowed)
    if extra:
        raise AnalysisSpecError(f"comparison {kind}: unknown key(s) {', '.join(extra)}")
    return out


def _role(value, key):
    if value not in ARM_ROLES:
        raise AnalysisSpecError(f'"{key}" must be an arm role ({", ".join(ARM_ROLES)})')
    return value


def _measure(measure, kind):
    allowed = MEASURES_BY_KIND[kind]
    if measure not in allowed:
        raise AnalysisSpecError(
            f"measure {measure!r} does not fit a {kind} comparison; use one of {', '.join(allowed)}"
        )
    return measure


def _model(analysis, measure):
    method = analysis.get("method", "REML")
    method = "FE" if method == "EE" else method
    if method not in METHODS:
        raise AnalysisSpecError(f"method {method!r} is unknown; use one of {', '.join(METHODS)}")
    test = analysis.get("test", "z")
    test = "knha" if test == "hksj" else test
    if test not in TESTS:
        raise AnalysisSpecError(f'test must be "z" or "knha" (Hartung-Knapp), not {test!r}')
    if method == "MH" and measure not in MH_MEASURES:
        raise AnalysisSpecError(f"Mantel-Haenszel pools {', '.join(MH_MEASURES)}, not {measure}")
    if method == "PETO" and measure != "OR":
        raise AnalysisSpecError("Peto's method pools odds ratios only (measure OR)")
    if method in ("MH", "PETO") and test != "z":
        raise AnalysisSpecError(f"method {method} uses the z test; set test to z")
    return method, test


def _correlation(value, what):
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise AnalysisSpecError(f"{what} must be a number between -1 and 1, not {value!r}")
    if not -1 < value < 1:
        raise AnalysisSpecError(f"{what} must lie strictly between -1 and 1, not {value}")
    return float(value)


def _assumed_r(analysis, measure, kind):
    r = analysis.get("r")
    if kind == "before_after" and measure in CORRELATION_MEASURES:
        if r is None:
            raise AnalysisSpecError(
                f'{measure} needs the assumed pre/post correlation "r" stated (e.g. 0.5); it is '
                "used for studies that do not report their own"
            )
        return _correlation(r, 'the assumed correlation "r"')
    if r is not None:
        raise AnalysisSpecError(f'"r" applies to MC, SMCR and SMCC only, not {measure}')
    return None


def _sign(sign, kind):
    if kind != "before_after":
        if sign not in (None, "follow_up_minus_baseline"):
            raise AnalysisSpecError('"sign" applies to before/after comparisons only')
        return None
    sign = sign or "follow_up_minus_baseline"
    if sign not in SIGNS:
        raise AnalysisSpecError(f'"sign" must be one of {", ".join(SIGNS)}, not {sign!r}')
    return sign


def _grouping(analysis):
    subgroup = analysis.get("subgroup")
    if subgroup is not None and (not isinstance(subgroup, str) or not subgroup):
        raise AnalysisSpecError('"subgroup" must be a study characteristic key, e.g. "route"')
    mods = analysis.get("moderators") or []
    if not isinstance(mods, list) or not all(isinstance(m, str) and m for m in mods):
        raise AnalysisSpecError('"moderators" must be a list of study characteristic keys')
    if len(set(mods)) != len(mods):
        raise AnalysisSpecError('"moderators" lists a key twice')
    if subgroup and mods:
        raise AnalysisSpecError("use either a subgroup variable or moderators, not both")
    return subgroup, mods


def _sensitivity(sens, spec):
    sens = {} if sens is None else sens
    if not isinstance(sens, dict):
        raise AnalysisSpecError('"sensitivity" must be an object, e.g. {"leave_one_out": true}')
    unknown = sorted(set(sens) - set(SENSITIVITY_KEYS))
    if unknown:
        raise AnalysisSpecError(f"unknown sensitivity analysis {', '.join(unknown)}; use "
                                f"{', '.join(SENSITIVITY_KEYS)}")
    out = {}
    for key in ("leave_one_out", "exclude_high_rob", "fixed_vs_random"):
        value = sens.get(key, False)
        if not isinstance(value, bool):
            raise AnalysisSpecError(f'sensitivity "{key}" must be true or false')
        out[key] = value
    values = sens.get("r_values") or []
    if not isinstance(values, list):
        raise AnalysisSpecError('sensitivity "r_values" must be a list such as [0.2, 0.5, 0.8]')
    if values and spec["r"] is None:
        raise AnalysisSpecError(
            'sensitivity "r_values" applies to before/after MC, SMCR and SMCC analyses only'
        )
    out["r_values"] = sorted({_correlation(v, "each of r_values") for v in values})
    return out


def _options(options):
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise AnalysisSpecError('"options" must be an object of engine options, e.g. {"add": 0.5}')
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        raise AnalysisSpecError(
            f"unknown engine option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(KNOWN_OPTIONS))}"
        )
    return dict(options)
