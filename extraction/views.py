"""Pages of extraction: the home (studies x status), setup (form builder, outcomes, time
points), the study form with its outcome grid, the comparison view, lock, export and import."""
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reviews.access import can, review_view
from reviews.files import attachment
from reviews.ids import parse_id
from reviews.pages import page_service_call as _run
from screening.models import Study

from . import exchange, selectors, services
from .api import comparison_rows, extraction_payload
from .cells import GRID_STATS, STAT_LABELS
from .models import ArmRole, Direction, Extraction, Mode, OutcomeType
from .schema import FIELD_TYPES
from .schema import misfits as schema_misfits


@review_view(GET="read")
def home(request, review, membership):
    rows = selectors.study_rows(review=review, user=request.user)
    settings = services.settings_for(review)
    return render(request, "extraction/home.html", {
        "review": review, "membership": membership, "rows": rows, "settings": settings,
        "counts": selectors.status_counts(rows), "statuses": selectors.STUDY_STATUSES,
        "form": services.current_form(review), "can_screen": can(membership, "screen"),
        "can_adjudicate": can(membership, "adjudicate"), "can_manage": can(membership, "manage"),
        "definitions": selectors.definitions(review=review),
    })


@review_view(POST="screen")
def start(request, review, membership):
    study_id = parse_id(request.POST.get("study"))
    record_id = parse_id(request.POST.get("record"))
    if not (study_id or record_id):
        messages.error(request, _("Choose a study to extract."))
        return redirect("extraction_home", review_id=review.id)
    extraction = _run(request, services.extraction_start, None, review=review,
                      study_id=study_id, record_id=record_id)
    if extraction is None:
        return redirect("extraction_home", review_id=review.id)
    return redirect("extraction_study", review_id=review.id, study_id=extraction.study_id)


def _study(review, study_id):
    study = Study.objects.filter(pk=study_id, review=review).first()
    if study is None:
        raise Http404
    return study


def _grid_rows(definitions, arms):
    """Rows of the outcome grid: outcome x time point x arm, with the statistics offered."""
    return [{"outcome": o, "timepoint": t, "arm": a, "stats": GRID_STATS[o.type]}
            for o in definitions["outcomes"] for t in definitions["timepoints"] for a in arms]


@review_view(GET="read")
def study(request, review, membership, study_id):
    study = _study(review, study_id)
    settings = services.settings_for(review)
    mine = Extraction.objects.filter(study=study, kind="individual",
                                     extractor=request.user).select_related("form").first()
    consensus = Extraction.objects.filter(study=study, kind="consensus").select_related(
        "form", "extractor").first()
    shown = mine or consensus
    definitions = selectors.definitions(review=review)
    arms = selectors.arms_of(study)
    payload = extraction_payload(shown, user=request.user, settings=settings) if shown else None
    current = services.current_form(review)
    misfits = schema_misfits(shown.form.schema, shown.values) if shown else {}
    if shown and current and current.id != shown.form_id:
        misfits.update(schema_misfits(current.schema, shown.values))
    return render(request, "extraction/study.html", {
        "review": review, "membership": membership, "study": study, "mine": mine,
        "consensus": consensus, "shown": shown, "settings": settings,
        "sections": shown.form.schema["sections"] if shown else [],
        "rows": _grid_rows(definitions, arms), "arms": arms, "definitions": definitions,
        "stat_labels": STAT_LABELS, "editable": bool(mine and mine.status == "in_progress"
                                                     and not settings.locked),
        "config": {"api": f"/api/reviews/{review.id}/extraction/", "payload": payload,
                   "editable": bool(mine and mine.status == "in_progress"
                                    and not settings.locked),
                   "labels": STAT_LABELS},
        "can_manage": can(membership, "manage"), "arm_roles": ArmRole.choices,
        "reports": [r.record for r in study.reports.select_related("record")],
        "current_form": current, "misfits": misfits,
    })


@review_view(POST="screen")
def form_upgrade(request, review, membership, study_id):
    mine = Extraction.objects.filter(study_id=study_id, review=review, kind="individual",
                                     extractor=request.user).first()
    if mine is None:
        messages.error(request, _("You have no extraction of this study."))
    else:
        _run(request, services.extraction_form_upgrade, _("Moved to the current form version."),
             review=review, extraction_id=mine.id)
    return redirect("extraction_study", review_id=review.id, study_id=_study(review, study_id).id)


@review_view(GET="screen", POST="screen")
def compare_page(request, review, membership, study_id):
    study = _study(review, study_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "verify":
            _run(request, services.consensus_verify, _("Extraction verified."), review=review,
                 study_id=study.id)
        elif action == "reopen":
            _run(request, services.consensus_reopen, _("Consensus reopened."), review=review,
                 study_id=study.id)
        else:
            key = request.POST.get("key", "")
            _run(request, services.consensus_decide, _("Value settled."), review=review,
                 study_id=study.id, key=key, source=request.POST.get("source", ""),
                 value=request.POST.get("value"))
        return redirect("extraction_compare", review_id=review.id, study_id=study.id)
    rows = comparison_rows(user=request.user, membership=membership, review=review, study=study)
    done = services.individuals(study)
    consensus = Extraction.objects.filter(study=study, kind="consensus").first()
    return render(request, "extraction/compare.html", {
        "review": review, "membership": membership, "study": study, "rows": rows,
        "extractors": [e.extractor.username for e in done], "consensus": consensus,
        "verify": services.settings_for(review).mode == Mode.VERIFY,
        "open": sum(1 for r in rows if r["decision"] is None),
    })


@review_view(GET="read", POST="manage")
def setup(request, review, membership):
    if request.method == "POST":
        _setup_post(request, review)
        return redirect("extraction_setup", review_id=review.id)
    form = services.current_form(review)
    definitions = selectors.definitions(review=review)
    return render(request, "extraction/setup.html", {
        "review": review, "membership": membership, "form": form,
        "fields": [(s, f) for s in (form.schema["sections"] if form else [])
                   for f in s.get("fields") or []],
        "field_types": FIELD_TYPES, "outcome_types": OutcomeType.choices,
        "directions": Direction.choices, "settings": services.settings_for(review),
        "modes": Mode.choices, "can_manage": can(membership, "manage"), **definitions,
        "schema_json": json.dumps(form.schema if form else {"sections": []}, indent=1,
                                  ensure_ascii=False),
        "builder": {"schema": form.schema if form else {"sections": []},
                    "api": f"/api/reviews/{review.id}/extraction/form/",
                    "types": list(FIELD_TYPES), "text": _builder_text()},
    })


def _builder_text():
    return {"label": _("Label"), "type": _("Type"), "unit": _("Unit"), "required": _("required"),
            "help": _("Help text"), "choices": _("Choices, one a line: value = label"),
            "columns": _("Columns, one a line: key | label | type"), "section": _("Section"),
            "addField": _("Add a field"), "up": _("Move up"), "down": _("Move down"),
            "remove": _("Remove")}


def _number_or_none(text):
    try:
        return float(text) if str(text).strip() else None
    except ValueError:
        return None


def _setup_post(request, review):
    post, action = request.POST, request.POST.get("action")
    if action == "template":
        _run(request, services.form_from_template, _("The study template is the form now."),
             review=review)
    elif action == "form":
        try:
            schema = json.loads(post.get("schema", ""))
        except json.JSONDecodeError as exc:
            messages.error(request, _("The form is not valid JSON: %(e)s") % {"e": exc})
            return
        _run(request, services.form_save, _("Form saved."), review=review, form_schema=schema)
    elif action == "outcome":
        _run(request, services.outcome_save, _("Outcome saved."), review=review,
             outcome_id=parse_id(post.get("id")), name=post.get("name", ""),
             type=post.get("type", "continuous"), unit=post.get("unit", ""),
             direction=post.get("direction", "lower"), mid=_number_or_none(post.get("mid")))
    elif action == "timepoint":
        _run(request, services.timepoint_save, _("Time point saved."), review=review,
             label=post.get("label", ""), months=_number_or_none(post.get("months")),
             is_baseline=bool(post.get("is_baseline")))
    elif action == "settings":
        _run(request, services.extraction_settings_update, _("Settings saved."), review=review,
             mode=post.get("mode", ""), unblinded=bool(post.get("unblinded")))
    elif action in ("delete_outcome", "delete_timepoint"):
        service = services.outcome_delete if action == "delete_outcome" \
            else services.timepoint_delete
        key = "outcome_id" if action == "delete_outcome" else "timepoint_id"
        obj_id = parse_id(post.get("id"))
        if obj_id is None:
            messages.error(request, _("Choose what to delete."))
            return
        _run(request, service, _("Deleted."), review=review, **{key: obj_id})


@review_view(GET="read", POST="manage")
def lock_page(request, review, membership):
    if request.method == "POST":
        if request.POST.get("action") == "unlock":
            _run(request, services.extraction_unlock, _("Extraction unlocked."), review=review,
                 reason=request.POST.get("reason", ""))
        else:
            _run(request, services.extraction_lock, _("Extraction locked; a snapshot is made."),
                 review=review, allow_incomplete=bool(request.POST.get("allow_incomplete")))
        return redirect("extraction_lock", review_id=review.id)
    rows = selectors.study_rows(review=review)
    return render(request, "extraction/lock.html", {
        "review": review, "membership": membership, "settings": services.settings_for(review),
        "snapshots": selectors.snapshots_for_review(review=review),
        "counts": selectors.status_counts(rows), "total": len(rows),
        "can_manage": can(membership, "manage"),
    })


@review_view(GET="read")
def snapshot_download(request, review, membership, number):
    snapshot = selectors.snapshots_for_review(review=review).filter(number=number).first()
    if snapshot is None:
        raise Http404
    from .models import Snapshot

    data = Snapshot.objects.get(pk=snapshot.pk).data
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type="application/json")
    return attachment(response, f"review-{review.id}-snapshot-{number}.json")


@review_view(GET="read")
def export(request, review, membership, fmt):
    if fmt == "csv":
        body, kind = exchange.export_csv(user=request.user, review=review), "text/csv"
    elif fmt == "xlsx":
        body = exchange.export_xlsx(user=request.user, review=review)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    return attachment(response, f"extraction-{review.id}.{fmt}")


@review_view(GET="screen", POST="screen")
def import_page(request, review, membership):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV or XLSX file."))
        else:
            count = _run(request, exchange.import_file, None, review=review, name=upload.name,
                         content=upload.read())
            if count:
                messages.success(request, _("%(n)s values imported from %(f)s.")
                                 % {"n": count, "f": upload.name})
        return redirect("extraction_import", review_id=review.id)
    return render(request, "extraction/import.html", {"review": review,
                                                      "membership": membership,
                                                      "columns": exchange.COLUMNS})
