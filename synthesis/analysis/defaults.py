"""The analyses Prismflow proposes for a snapshot: one per outcome, time point and design."""

from .compile import NoStudiesError, compile_case, study_risk_of_bias
from .spec import AnalysisSpecError

DEFAULT_R = 0.5
R_RANGE = [0.2, 0.5, 0.8]


def default_analyses(snapshot):
    """Analysis specs for every outcome × non-baseline time point with data in ≥ 1 study.

    The measure follows the outcome type and the design of the studies with data:
    continuous single-arm → MC (r = 0.5 stated), continuous two-arm → MD (SMD when the
    studies report different units), dichotomous → RR (two arms) or PLO (one arm),
    count/rate → IRR (two arms) or IRLN (one arm). REML with the z test; sensitivity:
    leave-one-out, fixed vs random, the r range for before/after, and excluding high risk
    of bias where any study has a consensus judgement.
    """
    baseline = next((t for t in snapshot.get("timepoints", []) if t.get("baseline")), None)
    follow_ups = sorted((t for t in snapshot.get("timepoints", []) if not t.get("baseline")),
                        key=lambda t: (t.get("months") is None, t.get("months") or 0))
    any_rob = any(study_risk_of_bias(s) for s in snapshot.get("studies", []))
    out = []
    for outcome in snapshot.get("outcomes", []):
        for tp in follow_ups:
            for analysis in _candidates(snapshot, outcome, tp, baseline, any_rob):
                if _has_data(snapshot, analysis):
                    out.append(analysis)
    return out


def _candidates(snapshot, outcome, tp, baseline, any_rob):
    kind = outcome.get("type")
    name, label = outcome.get("name", "outcome"), tp.get("label", "follow-up")
    sens = {"leave_one_out": True, "fixed_vs_random": True, "exclude_high_rob": any_rob}
    base = {"outcome": outcome["id"], "method": "REML", "test": "z"}
    two_arm = dict(base, comparison={"kind": "two_arm", "timepoint": tp["id"],
                                     "intervention": "intervention", "control": "control"},
                   sensitivity=sens, name=f"{name} at {label}: intervention vs control")
    if kind == "continuous":
        two_arm["measure"] = "SMD" if _units_differ(snapshot, outcome) else "MD"
        yield two_arm
        if baseline is not None:
            yield dict(base, name=f"{name} at {label} vs {baseline.get('label', 'baseline')}",
                       comparison={"kind": "before_after", "timepoint": tp["id"],
                                   "baseline": baseline["id"]},
                       measure="MC", r=DEFAULT_R, sensitivity=dict(sens, r_values=R_RANGE))
        return
    single = dict(base, comparison={"kind": "single_group", "timepoint": tp["id"]},
                  sensitivity=sens, name=f"{name} at {label}: proportion (single group)")
    if kind == "dichotomous":
        yield dict(two_arm, measure="RR")
        yield dict(single, measure="PLO")
    elif kind in ("rate", "count"):
        yield dict(two_arm, measure="IRR")
        yield dict(single, measure="IRLN", name=f"{name} at {label}: rate (single group)")


def _units_differ(snapshot, outcome):
    """True when cells of this outcome carry different units (reported or converted `unit`)."""
    units = {outcome.get("unit")}
    for study in snapshot.get("studies", []):
        for cell in study.get("cells") or []:
            if cell.get("outcome") != outcome["id"]:
                continue
            for source in (cell.get("reported") or {}, cell.get("converted") or {}):
                if source.get("unit"):
                    units.add(source["unit"])
    units.discard(None)
    return len(units) > 1


def _has_data(snapshot, analysis):
    try:
        compile_case(snapshot, analysis)
    except NoStudiesError:
        return False
    except AnalysisSpecError:
        return False
    return True
