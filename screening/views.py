"""Pages of screening: overview, the keyboard screening page, conflicts, settings, studies."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reviews.access import can, review_view
from reviews.files import SafeWriter, attachment
from reviews.forms import readonly_rows
from reviews.ids import parse_id

from . import selectors, services, studies
from .forms import ResolveForm, ScreeningSettingsForm
from .models import Item, Stage, reason_label
from .prioritisation import selectors as prioritisation_selectors


def _stage(stage):
    if stage not in Stage.values:
        raise Http404
    return stage


@review_view(GET="read")
def overview(request, review, membership):
    stages = [(Stage(s), selectors.progress(user=request.user, review=review, stage=s))
              for s in Stage.values]
    context = {"review": review, "membership": membership, "stages": stages,
               "can_screen": can(membership, "screen"),
               "can_adjudicate": can(membership, "adjudicate"),
               "prisma": selectors.prisma_counts(review=review),
               "unblinded": services.unblinded_stages(review)}
    # Stored codes and English default reasons, shown in the reader's words.
    context["prisma_reasons"] = [(reason_label(label), n) for label, n
                                 in context["prisma"]["excluded_full_text"].items()]
    if can(membership, "manage"):
        context["agreement"] = [
            dict(row, stage_label=Stage(row["stage"]).label)
            for row in selectors.agreement_for_review(review=review, membership=membership)]
        context["stopping"] = prioritisation_selectors.stopping_for_review(review=review)
    return render(request, "screening/overview.html", context)


@review_view(GET="screen")
def screen(request, review, membership, stage):
    stage = _stage(stage)
    screening = services.settings_for(review)
    reasons = [{"id": r.id, "label": r.display_label, "other": r.is_other}
               for r in services.reasons_for(review)]
    return render(request, "screening/screen.html", {
        "review": review, "membership": membership, "stage": Stage(stage),
        "config": {"review": review.id, "stage": stage, "reasons": reasons,
                   "include_keywords": screening.keywords("include"),
                   "exclude_keywords": screening.keywords("exclude"),
                   "can_reopen": can(membership, "adjudicate"),
                   "show_relevance": screening.show_relevance and stage == Stage.TITLE_ABSTRACT,
                   "api": f"/api/reviews/{review.id}/screening/",
                   "fulltext": f"/reviews/{review.id}/screening/items/"},
    })


@review_view(GET="adjudicate", POST="adjudicate")
def conflicts(request, review, membership, stage):
    stage = _stage(stage)
    form = ResolveForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_resolve(actor=request.user, item_id=data["item"],
                                      review_id=review.id, membership=membership,
                                      decision=data["decision"],
                                      reason_id=data["reason"] and data["reason"].id,
                                      reason_text=data["reason_text"], note=data["note"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        except Item.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Conflict resolved."))
        return redirect("screening_conflicts", review_id=review.id, stage=stage)
    if request.method == "POST":
        # Said, not dropped: a missing decision or reason names the field.
        messages.error(request, "; ".join(
            f"{form.fields[f].label}: {' '.join(errs)}" if f in form.fields else " ".join(errs)
            for f, errs in form.errors.items()))
    rows = selectors.conflict_views(user=request.user, membership=membership, review=review,
                                    stage=stage)
    return render(request, "screening/conflicts.html", {
        "review": review, "membership": membership, "stage": Stage(stage), "rows": rows,
        "reasons": services.reasons_for(review)})


@review_view(POST="adjudicate")
def reopen(request, review, membership, item_id):
    own = selectors.review_item(review=review, item_id=item_id)
    try:
        item = services.item_reopen(actor=request.user, item_id=own.id)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("screening_overview", review_id=review.id)
    messages.success(request, _("Record reopened."))
    return redirect("screening_overview", review_id=item.review_id)


@review_view(GET="read", POST="manage")
def screening_settings(request, review, membership):
    screening = services.settings_for(review)
    form = ScreeningSettingsForm(request.POST or None, instance=screening, review=review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.screening_settings_save(
            actor=request.user, review=review, reasons=data["reasons"],
            **{name: data[name] for name in ScreeningSettingsForm.Meta.fields})
        messages.success(request, _("Screening settings saved."))
        return redirect("screening_settings", review_id=review.id)
    context = {"review": review, "membership": membership, "form": form}
    if not can(membership, "manage"):
        context["readonly"] = readonly_rows(form)
    return render(request, "screening/settings.html", context)


@review_view(POST="manage")
def unblind(request, review, membership, stage):
    try:
        services.stage_unblind(actor=request.user, review_id=review.id, stage=_stage(stage))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("screening_overview", review_id=review.id)


@review_view(GET="manage")
def agreement_export(request, review, membership):
    rows = selectors.agreement_for_review(review=review, membership=membership)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    attachment(response, f"review-{review.id}-agreement.csv")
    writer = SafeWriter(response)
    writer.writerow(["stage", "reviewer_a", "reviewer_b", "n", "percent_agreement", "kappa"])
    for r in rows:
        writer.writerow([r["stage"], r["reviewer_a"], r["reviewer_b"], r["n"],
                         f"{r['percent_agreement']:.1f}", f"{r['kappa']:.4f}"])
    return response


@review_view(GET="read", POST="screen")
def study_links(request, review, membership):
    if request.method == "POST":
        ids = [i for i in map(parse_id, request.POST.getlist("records")) if i]
        try:
            if request.POST.get("unlink"):
                record_id = parse_id(request.POST["unlink"])
                if record_id is None:
                    raise ValueError(_("Choose a report to unlink."))
                studies.study_unlink(actor=request.user, review_id=review.id,
                                     record_id=record_id)
            else:
                studies.study_link(actor=request.user, review_id=review.id, record_ids=ids,
                                   label=request.POST.get("label", ""))
        except (ValidationError, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("screening_studies", review_id=review.id)
    return render(request, "screening/studies.html", {
        "review": review, "membership": membership,
        "reports": studies.included_reports(review=review),
        "can_screen": can(membership, "screen")})
