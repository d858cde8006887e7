"""Pages of the records workbench: the list (and its CSV), a record, and the label list."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.access import can, review_view
from reviews.files import SafeWriter, attachment
from reviews.ids import parse_id, parse_ids
from reviews.pages import page_service_call, refusal_texts

from ..models import Decision, ExclusionReason, ItemStatus, Stage
from . import selectors, services
from .blinding import HIDDEN
from .forms import RecordFilterForm
from .tasks import index_soon

CSV_COLUMNS = ["record_id", "title", "title_translated", "authors", "year", "journal", "doi",
               "pmid", "sources", "stage", "status", "decision", "exclusion_reason",
               "my_vote", "conflict", "labels", "full_text"]


def _filters(request, review):
    """The list's filters from the query string, or raise a 400 naming the bad field."""
    form = RecordFilterForm(request.GET or None, review=review,
                            zh=request.LANGUAGE_CODE == "zh-hans")
    if request.GET and not form.is_valid():
        return form, None
    return form, (form.filters() if request.GET else {})


def _named(code, choices):
    return str(dict(choices).get(code, code)) if code else None


STATUS_NAMES = [*ItemStatus.choices, (HIDDEN, gettext_lazy("Votes in (hidden)"))]


def _with_names(rows, review, zh):
    """The rows with their codes (and, in Chinese, exclusion reasons) named in the page's
    language."""
    reasons = (dict(ExclusionReason.objects.filter(review=review).exclude(label_zh="")
                    .values_list("label", "label_zh")) if zh else {})
    for r in rows:
        r["reason"] = reasons.get(r["reason"], r["reason"])
        r["stage_label"] = _named(r["stage"], Stage.choices)
        r["status_label"] = _named(r["status"], STATUS_NAMES)
        r["my_vote_label"] = _named(r["my_vote"], Decision.choices)
    return rows


def _messages(exc):
    return "; ".join(refusal_texts(exc))


@review_view(GET="read")
def records_list(request, review, membership):
    pending = index_soon(review)
    form, filters = _filters(request, review)
    page = None
    if filters is not None:
        page = selectors.records_page(membership=membership, review=review, filters=filters)
        _with_names(page.rows, review, request.LANGUAGE_CODE == "zh-hans")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "screening/records/list.html", {
        "review": review, "membership": membership, "form": form, "page": page,
        "query": query.urlencode(), "indexing": pending,
        "labels": selectors.labels_for_review(review=review),
        "can_manage": can(membership, "manage"),
    }, status=200 if filters is not None else 400)


@review_view(GET="read")
def records_export(request, review, membership):
    form, filters = _filters(request, review)
    if filters is None:
        return HttpResponse(form.error_text(), status=400, content_type="text/plain")
    rows = selectors.records_export(membership=membership, review=review, filters=filters)

    class Echo:
        def write(self, value):
            return value

    writer = SafeWriter(Echo())

    def lines():
        yield "\ufeff"  # so a spreadsheet reads the Chinese as UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for r in rows:
            yield writer.writerow([
                r["id"], r["title"], r["title_translated"] or "", "; ".join(r["authors"]),
                r["year"] or "", r["journal"] or "", r["doi"] or "", r["pmid"] or "",
                "; ".join(r["sources"]), r["stage"] or "", r["status"] or "",
                r["decision"] or "", r["reason"] or "", r["my_vote"] or "",
                "" if r["conflict"] is None else ("yes" if r["conflict"] else "no"),
                "; ".join(r["labels"]), "yes" if r["has_full_text"] else "no"])

    return attachment(StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"),
                      f"review-{review.id}-records.csv")


def _record(review, record_id):
    record = selectors.record_for_review(review=review, record_id=record_id)
    if record is None:
        raise Http404
    return record


@review_view(GET="read")
def record_detail(request, review, membership, record_id):
    record = _record(review, record_id)
    detail = selectors.record_detail(membership=membership, review=review, record=record)
    on = {link.label_id for link in detail["labels"]}
    for s in detail["stages"]:
        s["status_label"] = _named(s["status"], STATUS_NAMES)
    return render(request, "screening/records/detail.html", {
        "review": review, "membership": membership, **detail,
        "all_labels": [(label, label.id in on) for label in
                       selectors.labels_for_review(review=review)],
        "can_screen": can(membership, "screen"),
        "can_adjudicate": can(membership, "adjudicate"),
        "can_manage": can(membership, "manage"),
        "stage_choices": Stage.choices,
        "back": request.GET.get("back", "") if request.GET.get("back", "").startswith(
            "?") else "",
    })


def _back_to(review, record_id):
    return redirect(reverse("record_detail", args=[review.id, record_id]))


def _record_action(request, review, record_id, service, success="", **kwargs):
    # Every action of the record page: the service's refusal becomes a message on the page.
    record = _record(review, record_id)
    page_service_call(request, service, success, review_id=review.id, record_id=record.id,
                      **kwargs)
    return _back_to(review, record.id)


@review_view(POST="screen")
def record_labels(request, review, membership, record_id):
    return _record_action(request, review, record_id, services.record_label_set,
                          label_id=parse_id(request.POST.get("label", "")),
                          on=request.POST.get("on") == "1")


@review_view(POST="screen")
def record_comment(request, review, membership, record_id):
    return _record_action(request, review, record_id, services.comment_add,
                          _("Comment added."), text=request.POST.get("text", ""))


@review_view(POST="adjudicate")
def record_reopen(request, review, membership, record_id):
    return _record_action(request, review, record_id, services.record_reopen,
                          _("Record reopened."))


@review_view(POST="manage")
def record_move(request, review, membership, record_id):
    return _record_action(request, review, record_id, services.record_move,
                          _("Record moved."), stage=request.POST.get("stage", ""))


@review_view(POST="manage")
def records_bulk_label(request, review, membership):
    """Label the records ticked on the page, or (scope=filtered) every record the list's
    filters find, which the form sends back as they were."""
    back = reverse("records_list", args=[review.id]) + "?" + request.POST.get("query", "")
    try:
        if request.POST.get("scope") == "filtered":
            form = RecordFilterForm(_query_dict(request.POST.get("query", "")), review=review)
            if not form.is_valid():
                raise ValidationError(form.error_text())
            ids = selectors.records_found(membership=membership, review=review,
                                          filters=form.filters())
        else:
            ids = parse_ids(",".join(request.POST.getlist("records")), limit=1000)
        n = services.labels_apply_bulk(actor=request.user, review_id=review.id,
                                       label_id=parse_id(request.POST.get("label", "")),
                                       record_ids=ids)
    except (ValidationError, ValueError) as exc:
        messages.error(request, _messages(exc))
    else:
        messages.success(request, _("Label put on %(n)s records.") % {"n": n})
    return redirect(back)


def _query_dict(text):
    from django.http import QueryDict

    data = QueryDict(text, mutable=True)
    data.pop("page", None)
    return data


@review_view(GET="read", POST="manage")
def labels(request, review, membership):
    if request.method == "POST":
        if request.POST.get("delete"):
            page_service_call(request, services.label_delete, "", review_id=review.id,
                              label_id=parse_id(request.POST["delete"]))
        else:
            page_service_call(request, services.label_create, "", review_id=review.id,
                              name=request.POST.get("name", ""))
        return redirect("record_labels_manage", review_id=review.id)
    return render(request, "screening/records/labels.html", {
        "review": review, "membership": membership,
        "labels": selectors.labels_with_counts(review=review),
        "can_manage": can(membership, "manage")})

