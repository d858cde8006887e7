"""Reads of synthesis analyses: analyses with their runs on the latest snapshot, the summary
table of all outcomes, the safety table, per-study and sensitivity rows."""
from ..models import Analysis, PoolingRun
from .services import latest_snapshot


def analyses_with_runs(*, review, snapshot=None):
    snapshot = snapshot or latest_snapshot(review)
    analyses = list(Analysis.objects.filter(review=review))
    runs = {}
    if snapshot is not None:
        runs = {r.spec_hash: r for r in PoolingRun.objects.filter(
            review=review, snapshot_hash=snapshot.content_hash)}
    return snapshot, [(a, runs.get(a.spec_hash)) for a in analyses]


def participants(case):
    """Participants of the studies pooled (the compiler lists them per study)."""
    counts = (case.get("extra") or {}).get("participants") or []
    return sum(n for n in counts if isinstance(n, (int, float))) or None


def summary_row(analysis, run):
    """One line of the summary table (as the reference review's Table 3)."""
    output = (run.output or {}) if run else {}
    result, case = output.get("result"), output.get("spec") or {}
    row = {"analysis": analysis, "run": run, "status": run.status if run else "not pooled",
           "error": output.get("error") or (run.error if run else "")}
    if result:
        row.update(k=result.get("k"), participants=participants(case),
                   estimate=result.get("estimate"), ci_lb=result.get("ci_lb"),
                   ci_ub=result.get("ci_ub"), pval=result.get("pval"), I2=result.get("I2"),
                   tau2=result.get("tau2"), measure=case.get("measure"),
                   back=_back_transformed(case, result))
    return row


def _back_transformed(case, result):
    """Ratio measures (and log rates) are pooled on the log scale; people read them
    exponentiated."""
    import math

    from ..stats.transforms import LOG_SCALE_MEASURES

    if case.get("measure") in LOG_SCALE_MEASURES and result.get("estimate") is not None:
        return {k: math.exp(result[k]) for k in ("estimate", "ci_lb", "ci_ub")}
    return None


def summary_rows(*, review):
    snapshot, pairs = analyses_with_runs(review=review)
    return snapshot, [summary_row(a, r) for a, r in pairs]


def safety_rows(snapshot_data):
    """Adverse events by type across studies: patients affected out of patients at risk."""
    by_event = {}
    for study in snapshot_data.get("studies", []):
        for row in study.get("adverse_events") or []:
            name = (row.get("event") or "").strip()
            if not name:
                continue
            entry = by_event.setdefault(name.lower(), {"event": name, "patients": 0,
                                                       "at_risk": 0, "studies": [],
                                                       "serious": False, "unknown": False})
            if row.get("patients") is None:
                entry["unknown"] = True  # the study reports the event without a count
            entry["patients"] += row.get("patients") or 0
            entry["at_risk"] += row.get("at_risk") or 0
            entry["serious"] = entry["serious"] or bool(row.get("serious"))
            entry["studies"].append(study["label"])
    return sorted(by_event.values(), key=lambda e: (-e["patients"], e["event"].lower()))


# Engine columns as a reader knows them (escalc names otherwise); group 1 is the follow-up or
# the intervention, group 2 the baseline or the control.
COLUMN_LABELS = {"m1i": "mean₁", "sd1i": "SD₁", "n1i": "n₁", "m2i": "mean₂", "sd2i": "SD₂",
                 "n2i": "n₂", "ni": "n", "ri": "r", "ai": "events₁", "ci": "events₂",
                 "bi": "non-events₁", "di": "non-events₂", "xi": "events", "ti": "time",
                 "yi": "y", "vi": "v"}


def study_rows(output):
    """Per-study rows of a pooled analysis: the data used, effect, CI and weight."""
    import math

    case, result = output.get("spec") or {}, output.get("result") or {}
    yi, vi = result.get("yi") or [], result.get("vi") or []
    if not yi:
        return []
    tau2 = result.get("tau2") or 0.0
    if case.get("method") in ("FE", "MH", "PETO"):
        tau2 = 0.0
    weights = [1 / (v + tau2) for v in vi]
    total = sum(weights)
    data = case.get("data") or {}
    columns = [k for k in data if k not in ("study", "ri_source")]
    labels = data.get("study") or [f"Study {i + 1}" for i in range(len(yi))]
    rows = []
    for i, (y, v) in enumerate(zip(yi, vi, strict=False)):
        half = 1.959963984540054 * math.sqrt(v)
        rows.append({"label": labels[i], "data": {COLUMN_LABELS.get(c, c): data[c][i]
                                                  for c in columns if i < len(data[c])},
                     "yi": y, "ci_lb": y - half, "ci_ub": y + half,
                     "weight": 100 * weights[i] / total})
    return rows


def sensitivity_rows(output):
    """The main result and every sensitivity analysis side by side."""
    rows = []
    main = output.get("result")
    if main:
        rows.append({"label": "main", "main": True, **{k: main.get(k) for k in (
            "estimate", "ci_lb", "ci_ub", "pval", "tau2", "I2", "k")}})
    for label, res in (output.get("sensitivity") or {}).items():
        row = {"label": label, "main": False}
        if "error" in res or "skipped" in res:
            row["note"] = res.get("error") or res.get("skipped")
        else:
            row.update({k: res.get(k) for k in ("estimate", "ci_lb", "ci_ub", "pval", "tau2",
                                                "I2", "k")})
        rows.append(row)
    return rows
