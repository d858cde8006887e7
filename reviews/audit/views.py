"""Pages of the audit log: the filtered list and its CSV export."""
import json

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import blinding
from ..access import review_view
from ..files import SafeWriter, attachment
from . import selectors
from .forms import AuditFilterForm

AUDIT_PAGE_SIZE = 100


def _audit_filters(request, review):
    """The audit log's filter form, bound to the query string, and the filters it allows."""
    # DISTINCT in the database: a screened review has an event per vote.
    verbs = list(review.audit_events.order_by("verb").values_list("verb", flat=True).distinct())
    actors = list(review.audit_events.exclude(actor=None).order_by("actor__username")
                  .values_list("actor__username", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actors=actors, verbs=verbs)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return form, filters


@review_view(GET="manage")
def audit_log(request, review, membership):
    form, filters = _audit_filters(request, review)
    events = selectors.audit_events_for_review(user=request.user, review_id=review.id,
                                               **filters)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = blinding.redact_events(page.object_list, membership=membership)
    for event in shown:
        event.changes = audit_changes(event.before, event.after)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/audit.html",
        {
            "review": review,
            "membership": membership,
            "form": form,
            "page": page,
            "events": shown,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


class _Echo:
    def write(self, value):
        return value


@review_view(GET="manage")
def audit_export(request, review, membership):
    """Every event (the filters of the page apply when given), streamed: no cut-off."""
    _form, filters = _audit_filters(request, review)
    events = selectors.audit_events_for_review(user=request.user, review_id=review.id,
                                               **filters)
    writer = SafeWriter(_Echo())
    header = ["time", "actor", "verb", "object_type", "object_id", "before", "after"]

    def rows():
        yield writer.writerow(header)
        ordered = events.order_by("created_at", "id")
        for e in blinding.redact_stream(ordered, membership=membership):
            yield writer.writerow(
                [
                    e.created_at.isoformat(),
                    e.actor.username if e.actor else "",
                    e.verb,
                    e.object_type,
                    e.object_id,
                    _json(e.before),
                    _json(e.after),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    return attachment(response, f"review-{review.id}-audit.csv")


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _shown(value):
    """One value of an event as a person reads it: text as is, lists joined, nothing as —."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_changes(before, after):
    """[(key, before as shown or None, after as shown or None)] of an event, keys in the
    order the event wrote them: what changed, readable, instead of the stored dicts."""
    before = before if isinstance(before, dict) else ({} if before is None else {"": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"": after})
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, _shown(before[key]) if key in before else None,
             _shown(after[key]) if key in after else None) for key in keys]
