"""Pools one analysis of a snapshot with the engine: the main result and its sensitivity runs."""

from synthesis.stats.engine import run_case

from .compile import NoStudiesError, compile_case, compile_sensitivity
from .spec import AnalysisSpecError, validate_analysis

LOO_KEYS = ("estimate", "se", "ci_lb", "ci_ub", "tau2", "I2")


def pool_analysis(snapshot, analysis):
    """{"name", "spec": case, "result", "sensitivity": {label: result}, "left_out", "error"?}.

    One failing part never hides the others: a main result that cannot be pooled is
    `result: None` with `error`; a sensitivity analysis that fails or does not apply is
    `{"error": message}` or `{"skipped": reason}` under its label.
    """
    name = analysis.get("name") if isinstance(analysis, dict) else None
    out = {"name": name, "spec": None, "result": None, "sensitivity": {}, "left_out": []}
    try:
        spec = validate_analysis(analysis)
        case, out["left_out"] = compile_case(snapshot, spec)
    except NoStudiesError as exc:
        out.update(error=str(exc), left_out=exc.left_out)
        return out
    except AnalysisSpecError as exc:
        out["error"] = str(exc)
        return out
    out["spec"] = case
    main = run_case(case)
    if "error" in main:
        out["error"] = main["error"]
    else:
        out["result"] = main["result"]
    out["sensitivity"] = _sensitivity(snapshot, spec, case, out["result"])
    return out


def _sensitivity(snapshot, spec, case, result):
    out = {}
    loo = spec["sensitivity"]["leave_one_out"]
    # The engine's own leave1out series is one pass; Mantel-Haenszel and Peto fits have none,
    # so those get one case per omitted study.
    loo_cases = loo and (result is None or "leave1out" not in result)
    if loo and not loo_cases:
        out.update(_leave_one_out(case, result))
    try:
        variants = compile_sensitivity(snapshot, spec, leave_one_out_cases=loo_cases)
    except AnalysisSpecError as exc:
        return dict(out, compile={"error": str(exc)})
    for label, variant in variants:
        if "skip" in variant:
            out[label] = {"skipped": variant["skip"]}
            continue
        # A variant is read for its pooled result only: no leave-one-out, Egger or trim-and-fill.
        variant = dict(variant, options={**(variant.get("options") or {}), "extras": False})
        run = run_case(variant)
        out[label] = run["result"] if "result" in run else {"error": run["error"]}
    return out


def _leave_one_out(case, result):
    """The engine's leave1out series as one entry per omitted study."""
    series = result["leave1out"]
    labels = case["data"]["study"]
    out = {}
    for i, label in enumerate(labels):
        entry = {key: series[key][i] for key in LOO_KEYS if key in series}
        out[f"without {label}"] = entry
    return out
