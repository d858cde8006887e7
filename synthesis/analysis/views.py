"""Pages of the synthesis stage: analyses and their results, figures and downloads, the
summary of all outcomes and the safety table."""
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from extraction.models import Outcome, TimePoint
from reviews.access import can, review_view
from reviews.files import attachment
from reviews.ids import parse_id
from reviews.pages import page_service_call as _run

from ..figures import pooled
from ..models import Analysis
from . import selectors, services
from .spec import validate_analysis

MEASURES = {
    "before_after": ["MC", "SMCR", "SMCC", "MD_independent"],
    "two_arm": ["MD", "SMD", "ROM", "OR", "RR", "RD", "IRR", "IRD"],
    "single_group": ["PLO", "PFT", "PR", "PAS", "IRLN", "IR"],
}
METHODS = ["REML", "DL", "PM", "SJ", "HE", "ML", "EB", "HS", "FE", "MH", "PETO"]


@review_view(GET="read", POST="manage")
def synthesis_home(request, review, membership):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "propose":
            made = _run(request, services.analyses_propose, None, review=review)
            if made is not None:
                messages.success(request, _("%(n)d analyses proposed.") % {"n": len(made)})
        elif action == "new":
            spec = _new_spec(request.POST)
            if spec is not None:
                made = _run(request, services.analysis_save, _("Analysis added; pooling it."),
                            review=review, spec=spec)
                if made:
                    services.pooling_enqueue(review=review)
        elif action == "pool":
            runs = services.pooling_enqueue(review=review, force=True)
            messages.success(request, _("Pooling %(n)d analyses.") % {"n": len(runs)})
        return redirect("synthesis_home", review_id=review.id)
    snapshot, rows = selectors.summary_rows(review=review)
    timepoints = TimePoint.objects.filter(review=review)
    return render(request, "synthesis/home.html", {
        "outcomes": Outcome.objects.filter(review=review), "timepoints": timepoints,
        "baselines": [t for t in timepoints if t.is_baseline], "measures": MEASURES,
        "methods": METHODS,
        "review": review, "membership": membership, "snapshot": snapshot, "rows": rows,
        "can_manage": can(membership, "manage"),
        "safety": selectors.safety_rows(snapshot.data) if snapshot else [],
        "illustrative": bool(snapshot and snapshot.data.get("illustrative")),
        "pending": any(r["status"] in ("queued", "running") for r in rows),
    })


def _new_spec(post):
    """A new analysis from the page's form: before/after against a baseline, or two arms."""
    try:
        outcome, timepoint = int(post.get("outcome") or 0), int(post.get("timepoint") or 0)
        baseline = int(post.get("baseline") or 0)
    except ValueError:
        return None
    measure = post.get("measure", "MC")
    kind = next((k for k, ms in MEASURES.items() if measure in ms), "before_after")
    comparison = {"kind": kind, "timepoint": timepoint}
    if kind == "before_after":
        comparison["baseline"] = baseline
    spec = {"name": post.get("name", "").strip(), "outcome": outcome, "comparison": comparison,
            "measure": measure, "method": post.get("method", "REML"), "test": "z",
            "subgroup": post.get("subgroup") or None,
            "sensitivity": {"leave_one_out": True, "fixed_vs_random": True,
                            "exclude_high_rob": True,
                            "r_values": [0.2, 0.5, 0.8] if measure in ("MC", "SMCR", "SMCC")
                            else []}}
    if measure in ("MC", "SMCR", "SMCC"):
        spec["r"] = 0.5
    return spec


def _analysis(review, analysis_id):
    analysis = Analysis.objects.filter(pk=analysis_id, review=review).first()
    if analysis is None:
        raise Http404
    return analysis


def _spec_from_post(post, current):
    spec = dict(current)
    comparison = dict(spec.get("comparison") or {})
    for key in ("name", "measure", "method", "test", "sign"):
        if post.get(key):
            spec[key] = post[key]
    spec["subgroup"] = post.get("subgroup") or None
    if post.get("r"):
        try:
            spec["r"] = float(post["r"])
        except ValueError:
            pass
    if post.get("timepoint"):
        comparison["timepoint"] = int(post["timepoint"])
    spec["comparison"] = comparison
    sens = dict(spec.get("sensitivity") or {})
    for key in ("leave_one_out", "exclude_high_rob", "fixed_vs_random"):
        sens[key] = bool(post.get(key))
    spec["sensitivity"] = sens
    return spec


@review_view(GET="read", POST="manage")
def analysis_page(request, review, membership, analysis_id):
    analysis = _analysis(review, analysis_id)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            _run(request, services.analysis_delete, _("Analysis deleted."), review=review,
                 analysis_id=analysis.id)
            return redirect("synthesis_home", review_id=review.id)
        saved = _run(request, services.analysis_save, _("Analysis saved; pooling it again."),
                     review=review, analysis_id=analysis.id,
                     spec=_spec_from_post(request.POST, analysis.spec))
        if saved:
            services.pooling_enqueue(review=review)
        return redirect("synthesis_analysis", review_id=review.id, analysis_id=analysis.id)
    run = services.run_for(analysis)
    output = (run.output or {}) if run else {}
    return render(request, "synthesis/analysis.html", {
        "review": review, "membership": membership, "analysis": analysis, "run": run,
        "output": output, "result": output.get("result"), "case": output.get("spec") or {},
        "row": selectors.summary_row(analysis, run),
        "studies": selectors.study_rows(output),
        "sensitivity": selectors.sensitivity_rows(output),
        "forest_svg": pooled.forest_svg(output, request.LANGUAGE_CODE) if output.get(
            "result") else "",
        "can_manage": can(membership, "manage"), "measures": MEASURES, "methods": METHODS,
        "outcomes": Outcome.objects.filter(review=review),
        "timepoints": TimePoint.objects.filter(review=review),
        "spec_json": json.dumps(analysis.spec, indent=1, ensure_ascii=False),
    })


@review_view(GET="read")
def analysis_r_script(request, review, membership, analysis_id):
    """The analysis as NAME.csv and NAME.R in a zip: `Rscript NAME.R` reproduces it with
    metafor."""
    import io
    import zipfile

    from .compile import compile_case
    from .rscript import r_files

    analysis = _analysis(review, analysis_id)
    snapshot = services.latest_snapshot(review)
    if snapshot is None:
        raise Http404
    try:
        case, _left_out = compile_case(snapshot.data, analysis.spec)
        slug, csv_text, r_text = r_files(case, analysis.name)
    except ValueError as exc:  # the spec, the studies or R cannot carry this analysis
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{slug}.csv", csv_text)
        archive.writestr(f"{slug}.R", r_text)
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    return attachment(response, f"{slug}-r.zip")


@review_view(GET="read")
def analysis_figure(request, review, membership, analysis_id, kind, ext):
    fmt = ext
    analysis = _analysis(review, analysis_id)
    run = services.run_for(analysis)
    if run is None or not (run.output or {}).get("result") or kind not in ("forest", "funnel") \
            or fmt not in pooled.CONTENT_TYPES:
        raise Http404
    body = pooled.figure(kind, run.output, fmt, request.LANGUAGE_CODE)
    response = HttpResponse(body, content_type=pooled.CONTENT_TYPES[fmt])
    return attachment(response, f"{kind}-{analysis.id}.{fmt}")


def validate_spec(spec):
    """For the API: the normalised spec, or a ValidationError."""
    from .spec import AnalysisSpecError

    try:
        return validate_analysis(spec)
    except AnalysisSpecError as exc:
        raise ValidationError({"spec": str(exc)}) from exc


def _sof_lang(request):
    asked = request.GET.get("lang")
    if asked in ("en", "zh"):
        return asked
    return "zh" if (request.LANGUAGE_CODE or "").startswith("zh") else "en"


@review_view(GET="read", POST="manage")
def grade_page(request, review, membership):
    from . import sof

    lang = _sof_lang(request)
    if request.method == "POST":
        try:
            analysis_id = parse_id(request.POST.get("analysis")) or 0
            mid = float(request.POST["mid"]) if request.POST.get("mid") else None
            overrides = sof.overrides_from_post(request.POST)
        except ValueError:
            messages.error(request, _("Levels and the MID must be numbers."))
        else:
            _run(request, services.grade_save, _("GRADE judgements saved."), review=review,
                 analysis_id=analysis_id, overrides=overrides, mid=mid)
        return redirect("synthesis_grade", review_id=review.id)
    snapshot, entries = sof.sof_entries(review=review, lang=lang)
    illustrative = bool(snapshot and snapshot.data.get("illustrative"))
    fmt = request.GET.get("format")
    if fmt in ("docx", "xlsx"):
        body = getattr(sof, f"sof_{fmt}")(review=review, entries=entries, lang=lang,
                                          illustrative=illustrative)
        kinds = {"docx": "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        response = HttpResponse(body, content_type=kinds[fmt])
        return attachment(response, f"summary-of-findings-{review.id}-{lang}.{fmt}")
    return render(request, "synthesis/grade.html", {
        "review": review, "membership": membership, "entries": entries, "lang": lang,
        "columns": sof.COLUMNS[lang], "rows": sof.table_rows(entries),
        "footnotes": sof.footnote_lines(entries), "illustrative": illustrative,
        "can_manage": can(membership, "manage"), "levels": [0, 1, 2],
    })
