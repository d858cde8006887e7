"""Pages of risk-of-bias assessment: the home (studies x tools with status), tool setup,
the assessment form with live proposals, the comparison view, and the summary with the
traffic-light plot, the summary bars and the table, with their downloads."""
import csv
import io
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reviews.access import can, review_view
from reviews.files import attachment, safe_cell
from reviews.ids import parse_id
from reviews.pages import page_service_call as _run

from .. import rob
from ..models import Mode, Outcome, RobAssessment, RobTarget
from . import selectors, services
from .api import assessment_payload, comparison_rows

FIGURES = ("traffic_light", "summary")
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def _target(review, target_id):
    target = RobTarget.objects.filter(pk=target_id, review=review).select_related(
        "study", "outcome").first()
    if target is None:
        raise Http404
    return target


def _int(value):
    """An id from a form: None when absent; 404 when it is no id (letters, out of range)."""
    if not value:
        return None
    found = parse_id(value)
    if found is None:
        raise Http404
    return found


@review_view(GET="read")
def home(request, review, membership):
    rows = selectors.target_rows(review=review, user=request.user)
    settings = selectors.settings_of(review)
    return render(request, "extraction/rob_home.html", {
        "review": review, "membership": membership, "rows": rows, "settings": settings,
        "tools": [{"key": t["key"], "name": selectors.text(t["name"])}
                  for t in selectors.review_tools(review=review)],
        "counts": selectors.status_counts(rows),
        "statuses": selectors.STUDY_STATUSES,
        "outcomes": Outcome.objects.filter(review=review),
        "per_result": selectors.PER_RESULT_FAMILIES,
        "can_screen": can(membership, "screen"), "can_manage": can(membership, "manage"),
    })


@review_view(GET="read", POST="manage")
def setup(request, review, membership):
    if request.method == "POST":
        if request.POST.get("action") == "custom":
            try:
                definition = json.loads(request.POST.get("definition", ""))
            except json.JSONDecodeError as exc:
                messages.error(request, _("The tool is not valid JSON: %(e)s") % {"e": exc})
            else:
                _run(request, services.rob_custom_tool_save, _("Custom tool saved."),
                     review=review, definition=definition)
        else:
            _run(request, services.rob_tools_update, _("Tools saved."), review=review,
                 keys=request.POST.getlist("tools"))
        return redirect("rob_setup", review_id=review.id)
    chosen = [t["key"] for t in selectors.review_tools(review=review)]
    custom = selectors.custom_tools(review=review)
    return render(request, "extraction/rob_setup.html", {
        "review": review, "membership": membership, "chosen": chosen,
        "published": [{"key": t["key"], "name": selectors.text(t["name"]),
                       "version": t.get("version"), "citation": t.get("citation"),
                       "per_result": t["family"] in selectors.PER_RESULT_FAMILIES}
                      for t in rob.tools().values()],
        "custom": [{"key": t["key"], "name": selectors.text(t["name"])} for t in custom],
        "example": json.dumps(_EXAMPLE_TOOL, indent=1, ensure_ascii=False),
        "can_manage": can(membership, "manage"),
    })


_EXAMPLE_TOOL = {
    "key": "my_tool", "family": "generic", "name": {"en": "My checklist", "zh": "我的清单"},
    "version": "1", "judgements": [{"value": "low", "label": {"en": "Low", "zh": "低"}},
                                   {"value": "high", "label": {"en": "High", "zh": "高"}}],
    "overall_rule": "worst",
    "domains": [{"key": "D1", "name": {"en": "Blinding"}, "rule": "worst_answer",
                 "questions": [{"key": "1.1", "text": {"en": "Were assessors blinded?"},
                                "options": [
                                    {"value": "Y", "label": {"en": "Yes"}, "judgement": "low"},
                                    {"value": "N", "label": {"en": "No"},
                                     "judgement": "high"}]}]}],
}


@review_view(POST="screen")
def start(request, review, membership):
    mine = _run(request, services.rob_assessment_start, None, review=review,
                tool_key=request.POST.get("tool", ""), study_id=_int(request.POST.get("study")),
                record_id=_int(request.POST.get("record")),
                outcome_id=_int(request.POST.get("outcome")),
                result=request.POST.get("result", ""))
    if mine is None:
        return redirect("rob_home", review_id=review.id)
    return redirect("rob_assess", review_id=review.id, target_id=mine.target_id)


def _form_data(post, tool):
    answers, support, overrides = {}, {}, {}
    for domain in tool["domains"]:
        for q in domain["questions"]:
            answers[q["key"]] = post.get(f"a-{q['key']}", "")
            support[q["key"]] = {"quote": post.get(f"quote-{q['key']}", ""),
                                 "page": post.get(f"page-{q['key']}", "")}
    for key in [d["key"] for d in tool["domains"]] + ["overall"]:
        if post.get(f"ov-{key}"):
            overrides[key] = {"judgement": post[f"ov-{key}"],
                              "reason": post.get(f"why-{key}", "")}
    return answers, support, overrides


def _assess_post(request, review, target, tool):
    mine = RobAssessment.objects.filter(target=target, kind="individual",
                                        assessor=request.user).first()
    if mine is None:
        messages.error(request, _("You have no assessment of this study."))
        return
    action = request.POST.get("action", "save")
    if action == "withdraw":
        _run(request, services.rob_assessment_withdraw, _("Submission withdrawn."),
             review=review, assessment_id=mine.id)
        return
    answers, support, overrides = _form_data(request.POST, tool)
    saved = _run(request, services.rob_assessment_save,
                 None if action == "submit" else _("Saved."), review=review,
                 assessment_id=mine.id, answers=answers, support=support, overrides=overrides)
    if saved and action == "submit":
        _run(request, services.rob_assessment_submit, _("Assessment submitted."),
             review=review, assessment_id=mine.id)


def _domains_view(tool, shown):
    """The tool's domains with questions, options and guidance in the user's language, and
    the shown assessment's answers, quotes and judgements."""
    t = selectors.text
    answers = (shown.answers if shown else {}) or {}
    support = (shown.support if shown else {}) or {}
    overrides = (shown.overrides if shown else {}) or {}
    result = (shown.result if shown else None) or {}
    out = []
    for domain in tool["domains"]:
        entry = (result.get("domains") or {}).get(domain["key"]) or {}
        out.append({
            "key": domain["key"], "name": t(domain["name"]), "guidance": t(domain.get("guidance")),
            "scored": "max_score" in domain or domain["rule"] == "sum",
            "max_score": domain.get("max_score") or entry.get("max_score"),
            "show_key": domain["key"].lower() != t(domain["name"], "en").lower(),
            "entry": entry, "override": overrides.get(domain["key"]) or {},
            "questions": [{
                "key": q["key"], "text": t(q["text"]), "guidance": t(q.get("guidance")),
                "when": json.dumps(q.get("when")) if q.get("when") else "",
                "options": [{"value": o["value"], "label": t(o["label"]),
                             "score": o.get("score")} for o in q["options"]],
                "answer": answers.get(q["key"], ""),
                "quote": (support.get(q["key"]) or {}).get("quote", ""),
                "page": (support.get(q["key"]) or {}).get("page", ""),
            } for q in domain["questions"]],
        })
    return out


@review_view(GET="read", POST="screen")
def assess(request, review, membership, target_id):
    target = _target(review, target_id)
    tool = selectors.tool_for(review, target.tool_key)
    if tool is None:
        raise Http404
    if request.method == "POST":
        _assess_post(request, review, target, tool)
        return redirect("rob_assess", review_id=review.id, target_id=target.id)
    settings = selectors.settings_of(review)
    mine = RobAssessment.objects.filter(target=target, kind="individual",
                                        assessor=request.user).first()
    consensus = RobAssessment.objects.filter(target=target, kind="consensus").first()
    shown = mine or consensus
    editable = bool(mine and mine.status == "in_progress" and not settings.locked)
    judgements = [{"value": j["value"], "label": selectors.text(j["label"])}
                  for j in tool["judgements"]]
    overall = ((shown.result or {}).get("overall") if shown else None) or {}
    return render(request, "extraction/rob_assess.html", {
        "review": review, "membership": membership, "target": target, "tool": tool,
        "tool_name": selectors.text(tool["name"]), "mine": mine, "consensus": consensus,
        "shown": shown, "editable": editable, "domains": _domains_view(tool, shown),
        "judgements": judgements, "overall": overall,
        "overall_override": ((shown.overrides or {}).get("overall") if shown else None) or {},
        "score": (shown.result or {}).get("score") if shown else None,
        "max_score": (shown.result or {}).get("max_score") if shown else None,
        "translation": tool.get("translation"), "settings": settings,
        "can_settle": can(membership, "screen") and consensus is not None,
        "config": {"api": reverse("api_rob_propose", args=[review.id, target.id]),
                   "editable": editable,
                   "judgements": {j["value"]: j["label"] for j in judgements},
                   "text": {"waiting": _("not yet proposed"), "assessor": _("the assessor judges"),
                            "error": _("Check the answers:")},
                   "payload": assessment_payload(shown, user=request.user, settings=settings)
                   if shown else None},
    })


@review_view(GET="screen", POST="screen")
def compare_page(request, review, membership, target_id):
    target = _target(review, target_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "verify":
            _run(request, services.rob_consensus_verify, _("Assessment verified."),
                 review=review, target_id=target.id)
        elif action == "reopen":
            _run(request, services.rob_consensus_reopen, _("Consensus reopened."),
                 review=review, target_id=target.id)
        else:
            _run(request, services.rob_consensus_decide, _("Settled."), review=review,
                 target_id=target.id, key=request.POST.get("key", ""),
                 source=request.POST.get("source", ""), value=request.POST.get("value") or None,
                 reason=request.POST.get("reason", ""))
        return redirect("rob_compare", review_id=review.id, target_id=target.id)
    rows = comparison_rows(user=request.user, membership=membership, review=review,
                           target=target)
    verify = selectors.settings_of(review).mode == Mode.VERIFY
    if verify:
        rows = selectors.verification_rows(target=target)
    tool = selectors.tool_for(review, target.tool_key)
    consensus = RobAssessment.objects.filter(target=target, kind="consensus").first()
    return render(request, "extraction/rob_compare.html", {
        "review": review, "membership": membership, "target": target,
        "tool_name": selectors.text(tool["name"]), "rows": _labelled(tool, rows),
        "assessors": [a.assessor.username for a in selectors.individuals_of(target)],
        "consensus": consensus, "verify": verify,
        "judgements": [{"value": j["value"], "label": selectors.text(j["label"])}
                       for j in tool["judgements"]],
        "open": sum(1 for r in rows if r["needs_decision"] and r["decision"] is None),
        "final": (consensus.result or {}) if consensus else {},
    })


def _labelled(tool, rows):
    """Comparison rows with the question or domain named and the values as labels."""
    t = selectors.text
    questions = {q["key"]: (d, q) for d in tool["domains"] for q in d["questions"]}
    domains = {d["key"]: d for d in tool["domains"]}
    judgements = {j["value"]: t(j["label"]) for j in tool["judgements"]}
    for row in rows:
        name = row["key"][2:]
        if row["key"].startswith("q:"):
            domain, q = questions[name]
            labels = {o["value"]: t(o["label"]) for o in q["options"]}
            row["label"] = f"{domain['key']} · {name} {t(q['text'])}"
            row["options"] = [{"value": v, "label": lab} for v, lab in labels.items()]
        else:
            labels = judgements
            row["label"] = _("Overall") if name == "overall" else \
                f"{name} {t(domains[name]['name'])}"
            row["options"] = [{"value": v, "label": lab} for v, lab in labels.items()]
        for side in ("a", "b", "consensus"):
            row[f"{side}_label"] = labels.get(row[side], row[side])
    return rows


@review_view(GET="read")
def summary_page(request, review, membership):
    data = selectors.summary(review=review, tool_key=request.GET.get("tool"))
    figures, problem = {}, None
    if data and data["studies"] and data["figure_family"]:
        try:
            figures = {kind: _svg_inline(_figure(data, kind, "svg")) for kind in FIGURES}
        except ValueError as exc:  # FigureInputError: a judgement the scheme cannot draw
            problem = str(exc)
    tool = data["tool"] if data else None
    for row in data["rows"] if data else []:  # NOS in stars, as the scale is read
        row["display"] = [("★" * c if c else "0") if tool["family"] == "nos" else c
                          for c in row["cells"]]
    return render(request, "extraction/rob_summary.html", {
        "review": review, "membership": membership, "data": data, "figures": figures,
        "problem": problem, "tool_name": selectors.text(tool["name"]) if tool else "",
        "tools": [{"key": t["key"], "name": selectors.text(t["name"])}
                  for t in selectors.review_tools(review=review)],
        "scored": bool(data and any(r["total"] is not None for r in data["rows"])),
        "nos": bool(tool and tool["family"] == "nos"),
    })


def _svg_inline(svg_bytes):
    text = svg_bytes.decode("utf-8")
    return text[text.index("<svg"):]  # no XML prolog or doctype inside HTML


def _figure(data, kind, fmt):
    from synthesis.figures import robvis  # pure (no Django); the figures live with synthesis

    draw = robvis.traffic_light if kind == "traffic_light" else robvis.summary
    options = {"weighted": data["weighted"]} if kind == "summary" else {}
    studies, domains, names = selectors.figure_input(data)
    return draw(studies, family=data["figure_family"], domains=domains, domain_names=names,
                fmt=fmt, lang=selectors.lang(),
                overall=any(s["overall"] for s in studies), **options)


@review_view(GET="read")
def figure(request, review, membership, figure, image_fmt):
    data = selectors.summary(review=review, tool_key=request.GET.get("tool"))
    if figure not in FIGURES or image_fmt not in CONTENT_TYPES or not data \
            or not data["studies"] or not data["figure_family"]:
        raise Http404
    try:
        body = _figure(data, figure, image_fmt)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(body, content_type=CONTENT_TYPES[image_fmt])
    return attachment(response, f'rob-{data["tool"]["key"]}-{figure}.{image_fmt}')


def _table(data):
    header = [_("Study"), _("Result")] + [h[1] for h in data.get("headers", [])] + \
        [_("Total"), _("Maximum"), _("Overall")]
    rows = [[r["study"], r["result"], *r["cells"], r["total"], r["max_score"], r["overall"]]
            for r in data["rows"]]
    return header, rows


@review_view(GET="read")
def table(request, review, membership, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = selectors.summary(review=review, tool_key=request.GET.get("tool")) or \
        {"tool": {"key": "none"}, "domains": [], "rows": []}  # no tool yet: the header only
    header, rows = _table(data)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for row in [header, *rows]:
            writer.writerow([safe_cell("" if v is None else v) for v in row])
        body, kind = out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    else:
        body = _xlsx(header, rows)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    return attachment(response, f'rob-{data["tool"]["key"]}.{fmt}')


def _xlsx(header, rows):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("risk of bias")
    for row in [header, *rows]:
        # Numbers stay numbers; text is escaped so that no cell is read as a formula.
        sheet.append([safe_cell(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
