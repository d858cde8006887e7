"""Compiles a locked snapshot and an analysis spec into the statistics engine's case spec.

Sign convention (documented for every reader of a result):
- before/after: follow-up minus baseline (escalc's m1i = follow-up, m2i = baseline), unless the
  analysis sets `sign` to "baseline_minus_follow_up", or to "improvement_positive", which picks
  baseline minus follow-up for outcomes where lower is better (e.g. mRSS), so a reduction is
  reported as a positive effect (as the reference review's Table 3 does with RevMan's
  independent-groups MD). For SMCR the standardising SD (sd1i) is always the baseline SD.
- two arms: intervention minus control (ratios intervention over control); the outcome's
  `direction` says which side favours the intervention.

Every study of the snapshot either enters the case or is listed in `left_out` with the reason.
"""

from extraction.conversions import combine_groups

from .spec import CORRELATION_MEASURES, MEASURE_LABELS, AnalysisSpecError, validate_analysis

NOT_REPORTED = "Not reported"
HIGH_ROB = frozenset({"high", "serious", "critical", "poor"})
SOME_ROB = frozenset({"some_concerns", "some concerns", "moderate", "unclear", "fair"})
LOW_ROB = frozenset({"low", "good"})
RANDOMISED = frozenset({"rct"})


class NoStudiesError(AnalysisSpecError):
    """No study has usable data for the analysis; `left_out` says why for each."""

    def __init__(self, message, left_out):
        super().__init__(message)
        self.left_out = left_out


# ---------------------------------------------------------------- reading the snapshot


def _by_id(items, key_id, what):
    for item in items:
        if item.get("id") == key_id:
            return item
    raise AnalysisSpecError(f"the snapshot has no {what} with id {key_id!r}")


def outcome_of(snapshot, outcome_id):
    return _by_id(snapshot.get("outcomes", []), outcome_id, "outcome")


def timepoint_of(snapshot, timepoint_id):
    return _by_id(snapshot.get("timepoints", []), timepoint_id, "time point")


def study_risk_of_bias(study):
    """The worst consensus overall judgement across tools: low, some_concerns, high, or None."""
    levels = []
    for rob in study.get("risk_of_bias") or []:
        overall = str(rob.get("overall") or "").strip().lower()
        if overall in HIGH_ROB:
            levels.append(2)
        elif overall in SOME_ROB:
            levels.append(1)
        elif overall in LOW_ROB:
            levels.append(0)
    if not levels:
        return None
    return ("low", "some_concerns", "high")[max(levels)]


def _cell(study, outcome_id, timepoint_id, arm_id):
    for cell in study.get("cells") or []:
        if (cell.get("outcome"), cell.get("timepoint"), cell.get("arm")) == (
            outcome_id, timepoint_id, arm_id
        ):
            return cell
    return None


def _arms(study, role):
    return [arm for arm in study.get("arms") or [] if arm.get("role") == role]


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _characteristic_label(study, key):
    value = (study.get("characteristics") or {}).get(key)
    if value is None or value == "" or value == []:
        return NOT_REPORTED
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- one study's row


class _Skip(Exception):
    """This study cannot enter the analysis; the message is the reason."""


def _means(cell, where):
    if cell is None:
        raise _Skip(f"no value {where}")
    conv = cell.get("converted")
    if not conv:
        raise _Skip(f"the values reported {where} do not give a mean and SD")
    n, mean, sd = (_number(conv.get(k)) for k in ("n", "mean", "sd"))
    if n is None or mean is None or sd is None:
        raise _Skip(f"no mean, SD and n {where}")
    return {"n": n, "mean": mean, "sd": sd, "method": conv.get("method")}


def _change_scores(cell):
    """(change mean, change SD, n) from a follow-up cell that reports the change, else None."""
    rep = (cell or {}).get("reported") or {}
    mean, sd, se = (_number(rep.get(k)) for k in ("change_mean", "change_sd", "change_se"))
    n = _number(rep.get("n")) or _number(((cell or {}).get("converted") or {}).get("n"))
    if mean is None or n is None:
        return None
    if sd is None and se is not None:
        sd = se * n**0.5
    return None if sd is None else (mean, sd, n)


def _counts(cell, where):
    if cell is None:
        raise _Skip(f"no value {where}")
    for source in (cell.get("converted") or {}, cell.get("reported") or {}):
        events, total = _number(source.get("events")), _number(source.get("total"))
        if events is not None and total is not None:
            return events, total
    raise _Skip(f"no events and total {where}")


def _rate(cell, where):
    rep = (cell or {}).get("reported") or {}
    events, time = _number(rep.get("events")), _number(rep.get("person_time"))
    if cell is None or events is None or time is None:
        raise _Skip(f"no events and person-time {where}")
    return events, time


def _one_arm(study, role):
    arms = _arms(study, role)
    if not arms:
        raise _Skip(f"no arm with the role {role!r}")
    if len(arms) > 1:
        raise _Skip(f"{len(arms)} arms with the role {role!r}; combine them in extraction")
    return arms[0]


def _reported_corr(*cells):
    for cell in cells:
        corr = _number(((cell or {}).get("reported") or {}).get("corr"))
        if corr is not None and -1 < corr < 1:
            return corr
    return None


def _before_after_row(spec, ctx, study, r_assumed):
    comp, measure = spec["comparison"], spec["measure"]
    arm = _one_arm(study, comp["arm_role"])
    follow_cell = _cell(study, spec["outcome"], comp["timepoint"], arm["id"])
    base_cell = _cell(study, spec["outcome"], comp["baseline"], arm["id"])
    at_follow, at_base = f"at {ctx['timepoint']}", f"at {ctx['baseline']}"
    swap = ctx["swap"]
    if follow_cell is None and base_cell is None:
        raise _Skip(f"no {ctx['outcome']} data")
    try:
        follow, base = _means(follow_cell, at_follow), _means(base_cell, at_base)
    except _Skip:
        change = _change_scores(follow_cell) if measure in ("MC", "SMCC") else None
        if change is None:
            raise
        return _change_row(change, swap)
    if measure in INDEPENDENT_GROUPS:
        g1, g2 = (base, follow) if swap else (follow, base)
        row = {"m1i": g1["mean"], "sd1i": g1["sd"], "n1i": g1["n"],
               "m2i": g2["mean"], "sd2i": g2["sd"], "n2i": g2["n"]}
        return row, {"participants": follow["n"], "ri_source": None}
    corr = _reported_corr(follow_cell, base_cell)
    first, second = (base, follow) if swap else (follow, base)
    row = {"m1i": first["mean"], "m2i": second["mean"], "ni": follow["n"],
           "ri": corr if corr is not None else r_assumed}
    if measure == "SMCR":
        row["sd1i"] = base["sd"]  # metafor's SMCR standardises by sd1i: the baseline SD
    else:
        row["sd1i"], row["sd2i"] = first["sd"], second["sd"]
    return row, {"participants": follow["n"],
                 "ri_source": "reported" if corr is not None else "assumed"}


def _change_row(change, swap):
    # A reported change with its SD enters MC/SMCC exactly: m1i - m2i = change and
    # sd1i = sd2i = change SD with ri = 0.5 gives SD² + SD² - 2·0.5·SD² = SD² as the change var.
    mean, sd, n = change
    m1, m2 = (0.0, mean) if swap else (mean, 0.0)
    row = {"m1i": m1, "m2i": m2, "sd1i": sd, "sd2i": sd, "ni": n, "ri": 0.5}
    return row, {"participants": n, "ri_source": "change_sd"}


def _single_group_row(spec, ctx, study):
    comp, measure = spec["comparison"], spec["measure"]
    arm = _one_arm(study, comp["arm_role"])
    cell = _cell(study, spec["outcome"], comp["timepoint"], arm["id"])
    where = f"at {ctx['timepoint']}"
    if cell is None:
        raise _Skip(f"no {ctx['outcome']} data {where}")
    if measure in ("IRLN", "IR"):
        events, time = _rate(cell, where)
        return {"xi": events, "ti": time}, {"participants": _number(
            (cell.get("reported") or {}).get("n")), "ri_source": None}
    events, total = _counts(cell, where)
    return {"xi": events, "ni": total}, {"participants": total, "ri_source": None}


def _role_cells(study, spec, role):
    """The cells of every arm with this role; two or more arms are combined into one group."""
    arms = _arms(study, role)
    if not arms:
        raise _Skip(f"no arm with the role {role!r}")
    timepoint = spec["comparison"]["timepoint"]
    return [_cell(study, spec["outcome"], timepoint, arm["id"]) for arm in arms]


def _combined_means(cells, where):
    groups = [_means(cell, where) for cell in cells]
    out = groups[0]
    for group in groups[1:]:
        # Cochrane Handbook Table 6.5.a, as the engine's conversions compute it
        out = combine_groups(out["n"], out["mean"], out["sd"],
                             group["n"], group["mean"], group["sd"])
    return out


def _summed(pairs):
    return tuple(sum(values) for values in zip(*pairs, strict=True))


def _two_arm_row(spec, ctx, study):
    comp, measure = spec["comparison"], spec["measure"]
    roles = (comp["intervention"], comp["control"])
    cells = [_role_cells(study, spec, role) for role in roles]
    if all(c is None for group in cells for c in group):
        raise _Skip(f"no {ctx['outcome']} data at {ctx['timepoint']}")
    wheres = [f"in the {role} arm at {ctx['timepoint']}" for role in roles]
    combined = [len(group) for group in cells if len(group) > 1]
    note = f"{' and '.join(map(str, combined))} arms combined" if combined else None
    if measure in ("MD", "SMD", "ROM"):
        g1, g2 = (_combined_means(c, w) for c, w in zip(cells, wheres, strict=True))
        row = {"m1i": g1["mean"], "sd1i": g1["sd"], "n1i": g1["n"],
               "m2i": g2["mean"], "sd2i": g2["sd"], "n2i": g2["n"]}
        return row, {"participants": g1["n"] + g2["n"], "ri_source": None, "note": note}
    if measure in ("IRR", "IRD"):
        (x1, t1), (x2, t2) = (_summed([_rate(c, w) for c in group])
                              for group, w in zip(cells, wheres, strict=True))
        ns = [_number(((c or {}).get("reported") or {}).get("n")) for g in cells for c in g]
        total = sum(ns) if None not in ns else None
        return {"x1i": x1, "t1i": t1, "x2i": x2, "t2i": t2}, {
            "participants": total, "ri_source": None, "note": note}
    (a, n1), (c, n2) = (_summed([_counts(cell, w) for cell in group])
                        for group, w in zip(cells, wheres, strict=True))
    return {"ai": a, "n1i": n1, "ci": c, "n2i": n2}, {
        "participants": n1 + n2, "ri_source": None, "note": note}


# ---------------------------------------------------------------- the case


def _context(snapshot, spec):
    comp = spec["comparison"]
    outcome = outcome_of(snapshot, spec["outcome"])
    ctx = {"outcome": outcome.get("name", "outcome"), "outcome_def": outcome,
           "timepoint": timepoint_of(snapshot, comp["timepoint"]).get("label", "follow-up")}
    if comp["kind"] == "before_after":
        ctx["baseline"] = timepoint_of(snapshot, comp["baseline"]).get("label", "baseline")
    sign = spec["sign"]
    if sign == "improvement_positive":
        sign = ("baseline_minus_follow_up" if outcome.get("direction") == "lower"
                else "follow_up_minus_baseline")
    ctx["sign"] = sign
    ctx["swap"] = sign == "baseline_minus_follow_up"
    return ctx


def _row(spec, ctx, study, r_assumed):
    kind = spec["comparison"]["kind"]
    if kind == "before_after":
        return _before_after_row(spec, ctx, study, r_assumed)
    if kind == "single_group":
        return _single_group_row(spec, ctx, study)
    return _two_arm_row(spec, ctx, study)


def _moderator_values(spec, study):
    values = {}
    for key in spec["moderators"]:
        value = _number((study.get("characteristics") or {}).get(key))
        if value is None:
            raise _Skip(f"no numeric value of {key!r} for the meta-regression")
        values[key] = value
    return values


def _rows(snapshot, spec, ctx, r_assumed, keep=None):
    """[(study, row, info, moderators)] for the studies that enter, and the left-out list."""
    rows, left_out = [], []
    for study in snapshot.get("studies", []):
        label = study.get("label") or f"study {study.get('id')}"
        if keep is not None and not keep(study):
            continue
        try:
            if study.get("excluded_after_extraction"):
                raise _Skip("excluded by screening after extraction")
            row, info = _row(spec, ctx, study, r_assumed)
            mods = _moderator_values(spec, study)
        except _Skip as reason:
            left_out.append({"study": study.get("id"), "label": label, "reason": str(reason)})
            continue
        rows.append((study, row, info, mods))
    return rows, left_out


# Before/after measures that treat baseline and follow-up as two independent groups, and the
# engine's two-arm measure each becomes.
INDEPENDENT_GROUPS = {"MD_independent": "MD", "ROM_independent": "ROM"}


def _engine_measure(measure):
    return INDEPENDENT_GROUPS.get(measure, measure)


def _build_case(snapshot, spec, ctx, rows, name, method=None):
    columns = {}
    for _study, row, _info, _mods in rows:
        for key in row:
            columns.setdefault(key, [])
    for key in columns:
        columns[key] = [row[key] for _s, row, _i, _m in rows]
    data = {"study": _unique_labels([s.get("label") or f"study {s.get('id')}"
                                     for s, _r, _i, _m in rows])}
    data.update(columns)
    case = {"name": name, "measure": _engine_measure(spec["measure"]), "data": data,
            "method": method or spec["method"], "test": spec["test"]}
    if case["method"] in ("MH", "PETO"):
        case["test"] = "z"
    if spec["options"]:
        case["options"] = dict(spec["options"])
    if spec["subgroup"]:
        case["subgroup"] = [_characteristic_label(s, spec["subgroup"]) for s, *_ in rows]
    if spec["moderators"]:
        case["moderators"] = {key: [m[key] for *_, m in rows] for key in spec["moderators"]}
    case["extra"] = _extra(snapshot, spec, ctx, rows)
    return case


def _unique_labels(labels):
    """Two studies with one label (two reports by one author in a year) get (a), (b) ..."""
    seen = {label: labels.count(label) for label in labels}
    counters, out = {}, []
    for label in labels:
        if seen[label] > 1:
            counters[label] = counters.get(label, 0) + 1
            label = f"{label} ({chr(ord('a') + counters[label] - 1)})"
        out.append(label)
    return out


def _check_characteristics(snapshot, spec):
    keys = [spec["subgroup"]] if spec["subgroup"] else list(spec["moderators"])
    present = set()
    for study in snapshot.get("studies", []):
        present.update(study.get("characteristics") or {})
    for key in keys:
        if key not in present:
            raise AnalysisSpecError(
                f"no study has the characteristic {key!r}; known: {', '.join(sorted(present))}"
            )


def _extra(snapshot, spec, ctx, rows):
    """Provenance for readers of the case (the engine ignores `extra`)."""
    return {
        "analysis": spec["name"],
        "measure": spec["measure"],
        "measure_label": MEASURE_LABELS[spec["measure"]],
        "comparison": dict(spec["comparison"]),
        "outcome": {k: ctx["outcome_def"].get(k) for k in ("id", "name", "type", "unit",
                                                          "direction", "mid")},
        "timepoint": ctx["timepoint"],
        "sign": ctx["sign"],
        "assumed_r": spec["r"],
        "snapshot": snapshot.get("hash"),
        "illustrative": bool(snapshot.get("illustrative")),
        "studies": [s.get("id") for s, *_ in rows],
        "designs": [s.get("design") for s, *_ in rows],
        "risk_of_bias": [study_risk_of_bias(s) for s, *_ in rows],
        "participants": [info["participants"] for _s, _r, info, _m in rows],
        "ri_source": [info["ri_source"] for _s, _r, info, _m in rows],
        "notes": [info.get("note") for _s, _r, info, _m in rows],
    }


def _compile(snapshot, spec, *, name=None, r_assumed=None, keep=None, method=None):
    ctx = _context(snapshot, spec)
    _check_characteristics(snapshot, spec)
    r = spec["r"] if r_assumed is None else r_assumed
    rows, left_out = _rows(snapshot, spec, ctx, r, keep)
    if not rows:
        raise NoStudiesError(
            f"no study has usable {ctx['outcome']} data for {spec['name']!r}", left_out
        )
    case = _build_case(snapshot, spec, ctx, rows, name or spec["name"], method)
    if r_assumed is not None:
        case["extra"]["assumed_r"] = r_assumed
    return case, left_out


def compile_case(snapshot, analysis):
    """(engine case spec, left_out) for one analysis of a snapshot.

    left_out is [{"study": id, "label", "reason"}]. Raises AnalysisSpecError for a spec that
    does not fit the snapshot, NoStudiesError (with .left_out) when no study has usable data.
    """
    spec = validate_analysis(analysis)
    return _compile(snapshot, spec)


# ---------------------------------------------------------------- sensitivity variants


def _fixed_vs_random(spec):
    """The other model: common effect for a random-effects analysis, REML for a fixed one."""
    if spec["method"] in ("FE", "MH", "PETO"):
        return "random effects (REML)", "REML"
    if spec["measure"] in ("OR", "RR", "RD"):
        return "fixed effect (Mantel-Haenszel)", "MH"
    return "fixed effect (inverse variance)", "FE"


def compile_sensitivity(snapshot, analysis, *, leave_one_out_cases=False):
    """[(label, case)] for the analysis's sensitivity analyses.

    A variant that does not apply (no study at high risk of bias, or nothing left) comes as
    (label, {"name": label, "skip": reason}). Leave-one-out comes from the engine's own
    `leave1out` series of the main result unless `leave_one_out_cases` asks for one case per
    omitted study (k extra pools; the R scripts or a per-study forest plot may want them).
    """
    spec = validate_analysis(analysis)
    sens = spec["sensitivity"]
    out = []
    if sens["leave_one_out"] and leave_one_out_cases:
        out.extend(_leave_one_out(snapshot, spec))
    if sens["exclude_high_rob"]:
        out.append(_exclude_high_rob(snapshot, spec))
    if sens["fixed_vs_random"]:
        label, method = _fixed_vs_random(spec)
        case, _ = _compile(snapshot, spec, name=f"{spec['name']}: {label}", method=method)
        if method != "REML":
            case["test"] = "z"  # a common-effect model is read with the z test
        out.append((label, case))
    if spec["measure"] in CORRELATION_MEASURES:
        for r in sens["r_values"]:
            label = f"r = {r:g}"
            case, _ = _compile(snapshot, spec, name=f"{spec['name']}: {label}", r_assumed=r)
            out.append((label, case))
    return out


def _skip(label, reason):
    return label, {"name": label, "skip": reason}


def _exclude_high_rob(snapshot, spec):
    label = "excluding high risk of bias"
    judged = [study_risk_of_bias(s) for s in snapshot.get("studies", [])]
    if "high" not in judged:
        return _skip(label, "no study is at high risk of bias in the consensus judgements")
    try:
        case, _ = _compile(snapshot, spec, name=f"{spec['name']}: {label}",
                           keep=lambda s: study_risk_of_bias(s) != "high")
    except NoStudiesError:
        return _skip(label, "every study with data is at high risk of bias")
    return label, case


def _leave_one_out(snapshot, spec):
    case, _ = _compile(snapshot, spec)
    out = []
    for study_id, label in zip(case["extra"]["studies"], case["data"]["study"], strict=True):
        name = f"without {label}"
        try:
            variant, _ = _compile(snapshot, spec, name=f"{spec['name']}: {name}",
                                  keep=lambda s, sid=study_id: s.get("id") != sid)
        except NoStudiesError:
            out.append(_skip(name, "no study would be left"))
            continue
        out.append((name, variant))
    return out
