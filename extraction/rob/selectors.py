"""Reads of risk-of-bias assessment: the review's tools, studies x tools with their status,
a person's view of an assessment (blinded), the comparison for consensus, the consensus
entries the snapshot freezes and the rows the summary page draws."""
from dataclasses import dataclass, field

from django.utils.translation import get_language

from .. import rob
from ..models import ExtractionSettings, RobAssessment, RobTarget, RobTool
from ..selectors import STUDY_STATUSES, study_rows, study_status

Kind, Status = RobAssessment.Kind, RobAssessment.Status
PER_RESULT_FAMILIES = {"rob2"}  # RoB 2 judges a result, not a study


def lang():
    """The user's language for the tools' texts: "zh" or "en"."""
    return "zh" if (get_language() or "").startswith("zh") else "en"


def text(value, language=None):
    """A tool text ({"en", "zh"}) in the user's language, English where no Chinese exists."""
    if not isinstance(value, dict):
        return value or ""
    return value.get(language or lang()) or value.get("en", "")


def review_tools(*, review):
    """The review's tools as the core's dicts, in the owner's order."""
    out = []
    for row in RobTool.objects.filter(review=review, chosen=True):
        tool = row.definition or rob.tools().get(row.key)
        if tool:
            out.append(tool)
    return out


def custom_tools(*, review):
    """The owner's custom tools, chosen or set aside."""
    return [row.definition for row in RobTool.objects.filter(review=review,
                                                             definition__isnull=False)]


def tool_for(review, key):
    """One of the review's tools, or None when the review does not use it."""
    row = RobTool.objects.filter(review=review, key=key, chosen=True).first()
    if row is None:
        return None
    return row.definition or rob.tools().get(key)


def settings_of(review):
    return ExtractionSettings.objects.filter(review=review).first() or \
        ExtractionSettings(review=review)


def individuals_of(target):
    return list(RobAssessment.objects.filter(target=target, kind=Kind.INDIVIDUAL)
                .select_related("assessor").order_by("created_at", "id"))


def assessment_flat(assessment):
    """Answers as "q:<question>" and final judgements as "j:<domain>" / "j:overall"."""
    flat = {f"q:{k}": v for k, v in (assessment.answers or {}).items()}
    result = assessment.result or {}
    for key, entry in (result.get("domains") or {}).items():
        if entry.get("final") is not None:
            flat[f"j:{key}"] = entry["final"]
    overall = (result.get("overall") or {}).get("final")
    if overall is not None:
        flat["j:overall"] = overall
    return flat


def judgement_differences(a, b):
    """Every key where two assessments differ: {key, a, b, needs_decision}. A differing
    answer needs a decision; a differing judgement only where an assessor overrode it (or
    judged it where the tool proposes nothing); otherwise it follows the settled answers."""
    fa, fb = assessment_flat(a), assessment_flat(b)
    rows = []
    for key in sorted(set(fa) | set(fb), key=_key_order):
        if fa.get(key) == fb.get(key):
            continue
        own = key[2:] in a.overrides or key[2:] in b.overrides
        rows.append({"key": key, "a": fa.get(key), "b": fb.get(key),
                     "needs_decision": key.startswith("q:") or own})
    return rows


def not_asked(tool, answers):
    """Question keys these answers do not ask (a condition on an earlier answer fails)."""
    try:
        state = rob.validate_answers(tool, answers or {}, partial=True)
    except rob.RobError:
        return set()
    return {k for k, v in state.items() if v == "NA"}


def _key_order(key):
    kind, name = key[:2], key[2:]
    return (kind != "q:", name == "overall", [int(p) if p.isdigit() else p
                                              for p in name.replace("-", ".").split(".")])


def may_see_others(*, user, target, settings):
    """Blinding, the rule of extraction's may_see_others: nobody sees another person's
    assessment until every assessment the target needs is submitted and the viewer's own
    (if any) is submitted too, unless the owner has unblinded the stage."""
    if settings.unblinded:
        return True
    individuals = individuals_of(target)
    submitted = [a for a in individuals if a.status == Status.SUBMITTED]
    if len(submitted) < settings.extractors_needed:
        return False
    return all(a.status == Status.SUBMITTED for a in individuals if a.assessor_id == user.id)


def may_see(*, user, assessment, settings):
    if assessment.kind == Kind.CONSENSUS or assessment.assessor_id == user.id:
        return True
    return may_see_others(user=user, target=assessment.target, settings=settings)


@dataclass
class TargetRow:
    study: object
    tool: dict
    target: RobTarget | None
    record: object = None  # an included report not linked to a study yet
    status: str = "not_started"
    assessments: list = field(default_factory=list)
    consensus: RobAssessment | None = None
    mine: RobAssessment | None = None

    @property
    def status_label(self):
        return STUDY_STATUSES[self.status]

    @property
    def result_label(self):
        if self.target is None or not self.target.outcome_id:
            return ""
        name = self.target.outcome.name
        return f"{name} · {self.target.result}" if self.target.result else name


def target_rows(*, review, user=None):
    """Studies x tools: one row per target assessed, and for each study and per-study tool
    without one yet a row to start it. Per-result tools (RoB 2) list the results begun
    and one more row to begin another result."""
    settings = settings_of(review)
    tools = review_tools(review=review)
    included = [r for r in study_rows(review=review) if not r.excluded_later]
    targets = {}
    for t in RobTarget.objects.filter(review=review).select_related("outcome"):
        targets.setdefault((t.study_id, t.tool_key), []).append(t)
    by_target = {}
    for a in RobAssessment.objects.filter(review=review).select_related("assessor"):
        by_target.setdefault(a.target_id, []).append(a)
    rows = []
    for item in included:
        study = item.study
        for tool in tools:
            if study is None:
                rows.append(TargetRow(study=None, tool=tool, target=None, record=item.record))
                continue
            found = targets.get((study.id, tool["key"]), [])
            for target in found:
                rows.append(_row(study, tool, target, by_target.get(target.id, []),
                                 settings, user))
            if tool["family"] in PER_RESULT_FAMILIES or not found:
                rows.append(TargetRow(study=study, tool=tool, target=None))
    return rows


def _row(study, tool, target, assessments, settings, user):
    individuals = [a for a in assessments if a.kind == Kind.INDIVIDUAL]
    consensus = next((a for a in assessments if a.kind == Kind.CONSENSUS), None)
    return TargetRow(study=study, tool=tool, target=target,
                     status=study_status(individuals, consensus, settings.extractors_needed,
                                    settings.mode),
                     assessments=individuals, consensus=consensus,
                     mine=next((a for a in individuals if user and a.assessor_id == user.id),
                               None))


def status_counts(rows):
    counts = dict.fromkeys(STUDY_STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def comparison(*, target):
    """Rows for the comparison view: every answer and judgement where the assessors differ,
    with both values, their quotes, the consensus value and how it was decided."""
    done = individuals_of(target)
    consensus = RobAssessment.objects.filter(target=target, kind=Kind.CONSENSUS).first()
    if len(done) < 2 or consensus is None:
        return []
    a, b = done
    now = assessment_flat(consensus)
    decisions = {d.key: d for d in consensus.decisions.filter(superseded_at__isnull=True)
                 .select_related("decided_by")}
    rows = []
    moot = not_asked(tool_for(target.review, target.tool_key), consensus.answers)
    for row in judgement_differences(a, b):
        name = row["key"][2:]
        if row["key"].startswith("q:") and name in moot:
            row["needs_decision"], row["moot"] = False, True
        rows.append({**row, "consensus": now.get(row["key"]),
                     "decision": decisions.get(row["key"]),
                     "support_a": a.support.get(name) if row["key"].startswith("q:") else None,
                     "support_b": b.support.get(name) if row["key"].startswith("q:") else None,
                     "reason_a": (a.overrides.get(name) or {}).get("reason"),
                     "reason_b": (b.overrides.get(name) or {}).get("reason")})
    return rows


def verification_rows(*, target):
    """Verification mode: every answer and judgement of the one assessment beside the
    (possibly corrected) consensus, for the checker to confirm or correct."""
    done = individuals_of(target)
    consensus = RobAssessment.objects.filter(target=target, kind=Kind.CONSENSUS).first()
    if not done or consensus is None:
        return []
    mine, now = assessment_flat(done[0]), assessment_flat(consensus)
    decisions = {d.key: d for d in consensus.decisions.filter(superseded_at__isnull=True)
                 .select_related("decided_by")}
    return [{"key": key, "a": mine.get(key), "b": None, "consensus": now.get(key),
             "decision": decisions.get(key), "needs_decision": False,
             "support_a": done[0].support.get(key[2:]), "support_b": None,
             "reason_a": (done[0].overrides.get(key[2:]) or {}).get("reason"),
             "reason_b": None}
            for key in sorted(set(mine) | set(now), key=_key_order)]


def _entry(tool, target, consensus):
    result = consensus.result or {}
    domains = {}
    for key, d in (result.get("domains") or {}).items():
        domains[key] = {"judgement": d.get("final"), "score": d.get("score")}
    overall = result.get("overall") or {}
    entry = {
        "tool": tool["key"],
        "result": {"outcome": target.outcome_id, "label": target.result or None}
        if target.outcome_id else None,
        "overall": overall.get("final"),
        "score": result.get("score"),
        "max_score": result.get("max_score"),
        "domains": domains,
    }
    entry["high_risk"] = rob.is_high_risk(entry, tool)
    return entry


def consensus_entries(*, review):
    """{study id: [snapshot risk-of-bias entry, ...]} of every finished consensus, in the
    review's tool order (docs/snapshot.md)."""
    tools = {t["key"]: (n, t) for n, t in enumerate(review_tools(review=review))}
    out = {}
    finished = RobAssessment.objects.filter(review=review, kind=Kind.CONSENSUS,
                                            status=Status.SUBMITTED).select_related("target")
    for consensus in sorted(finished, key=lambda c: (tools.get(c.target.tool_key, (99,))[0],
                                                     c.target.slot)):
        target = consensus.target
        if target.tool_key not in tools:
            continue
        out.setdefault(target.study_id, []).append(
            _entry(tools[target.tool_key][1], target, consensus))
    return out


FIGURE_FAMILIES = {"rob2": "rob2", "robins_i": "robins_i", "quadas2": "quadas2",
                   "nos": "quality"}


def _judgement_label(tool, value):
    for j in tool["judgements"]:
        if j["value"] == value:
            return text(j["label"])
    return value or ""


def _study_sizes(review):
    from ..models import Extraction

    sizes = {}
    for study_id, values in Extraction.objects.filter(
            review=review, kind=Extraction.Kind.CONSENSUS).values_list("study_id", "values"):
        n = (values or {}).get("n_patients")
        if isinstance(n, int | float) and not isinstance(n, bool) and n > 0:
            sizes[study_id] = n
    return sizes


def summary(*, review, tool_key=None):
    """What the summary page shows for one tool, from the consensus judgements:
    {"tool", "figure_family" (None: the tool is drawn as a table only), "weighted",
    "domains", "domain_names", "studies" (figure input), "rows" (table)}. None when the
    review uses no tool."""
    tools = review_tools(review=review)
    tool = next((t for t in tools if t["key"] == tool_key), tools[0] if tools else None)
    if tool is None:
        return None
    targets = {}
    for consensus in RobAssessment.objects.filter(
            review=review, kind=Kind.CONSENSUS, status=Status.SUBMITTED,
            target__tool_key=tool["key"]).select_related("target__study", "target__outcome"):
        targets[consensus.target_id] = consensus
    ordered = sorted(targets.values(), key=lambda c: (c.target.study.label.lower(),
                                                      c.target.slot))
    sizes = _study_sizes(review)
    weighted = bool(ordered) and all(c.target.study_id in sizes for c in ordered)
    family = FIGURE_FAMILIES.get(tool["family"])
    if family is None and tool["key"] not in rob.tools():
        family = "generic"
    domains = [d["key"] for d in tool["domains"]]
    studies, rows = [], []
    for consensus in ordered:
        entry = _entry(tool, consensus.target, consensus)
        label = consensus.target.study.label
        result = _result_name(consensus.target)
        judged = {k: d["judgement"] for k, d in entry["domains"].items()}
        if tool["family"] == "nos":
            judged = rob.nos_domain_bands(entry["domains"])
        figure_row = {"label": f"{label} · {result}" if result else label,
                      "domains": judged, "overall": entry["overall"]}
        if weighted:
            figure_row["weight"] = sizes[consensus.target.study_id]
        studies.append(figure_row)
        rows.append(_table_row(tool, label, result, entry))
    names = {d["key"]: text(d["name"]) for d in tool["domains"]}
    return {"tool": tool, "figure_family": family, "weighted": weighted, "domains": domains,
            "domain_names": names, "studies": studies, "rows": rows,
            "headers": [(k, names[k] if len(names[k]) <= 20 else k, names[k]) for k in domains]}


def figure_input(data):
    """The summary's studies for the figures, with long domain keys (NOS "selection") drawn
    as D1, D2, ... so the columns stay narrow; the caption names them."""
    keys = data["domains"]
    if all(len(k) <= 3 for k in keys):
        return data["studies"], keys, data["domain_names"]
    alias = {k: f"D{n}" for n, k in enumerate(keys, 1)}
    studies = [dict(s, domains={alias[k]: v for k, v in s["domains"].items()})
               for s in data["studies"]]
    return studies, list(alias.values()), {alias[k]: data["domain_names"][k] for k in keys}


def _result_name(target):
    if not target.outcome_id:
        return ""
    return f"{target.outcome.name}: {target.result}" if target.result else target.outcome.name


def _table_row(tool, label, result, entry):
    cells = []
    for domain in entry["domains"].values():
        cells.append(domain["score"] if domain.get("score") is not None
                     else _judgement_label(tool, domain["judgement"]))
    return {"study": label, "result": result, "cells": cells, "total": entry["score"],
            "max_score": entry["max_score"],
            "overall": _judgement_label(tool, entry["overall"]) if entry["overall"] else "",
            "overall_value": entry["overall"], "high_risk": entry["high_risk"]}
