"""Pages of the de-duplication stage: the pair queue side by side, merged groups, counts."""

from difflib import SequenceMatcher

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import can, review_view
from ..models import DuplicatePair, Record
from ..pages import page_service_call
from . import selectors, services
from .matching import norm_text

PER_PAGE = 20
# (field, label); "source" is the database the record was imported from.
COMPARED = [
    ("title", gettext_lazy("Title")),
    ("authors", gettext_lazy("Authors")),
    ("year", gettext_lazy("Year")),
    ("journal", gettext_lazy("Journal")),
    ("volume", gettext_lazy("Volume")),
    ("issue", gettext_lazy("Issue")),
    ("pages", gettext_lazy("Pages")),
    ("doi", gettext_lazy("DOI")),
    ("pmid", gettext_lazy("PMID")),
    ("abstract", gettext_lazy("Abstract")),
    ("source", gettext_lazy("Source database")),
]
WORD_DIFF = {"title", "authors", "journal", "abstract"}


def _text(record, field):
    if field == "source":
        return record.search.get_source_display()
    value = getattr(record, field)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _marked(words, other):
    """The words as HTML, each word missing from the other side in <mark>."""
    out = []
    matcher = SequenceMatcher(
        a=[w.casefold() for w in words], b=[w.casefold() for w in other], autojunk=False
    )
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        chunk = escape(" ".join(words[i1:i2]))
        out.append(chunk if tag == "equal" else f"<mark>{chunk}</mark>")
    return mark_safe(" ".join(part for part in out if part))  # noqa: S308 (escaped above)


def compare(a, b):
    """One row per compared field: the two values (differences marked) and how they relate."""
    rows = []
    for field, label in COMPARED:
        left, right = _text(a, field), _text(b, field)
        if not left or not right:
            state = "same" if left == right else "missing"
        else:
            state = "same" if norm_text(left) == norm_text(right) else "differ"
        if state == "differ" and field in WORD_DIFF:
            left, right = _marked(left.split(), right.split()), _marked(right.split(), left.split())
        rows.append({"field": field, "label": label, "a": left, "b": right, "state": state})
    return rows


def _cluster_view(kept):
    return services.merged_group(kept, source=lambda search: search.get_source_display())


@review_view(GET="read")
def duplicates(request, review, membership):
    tab = "merged" if request.GET.get("show") == "merged" else "waiting"
    if tab == "merged":
        page = Paginator(selectors.duplicate_clusters_for_review(review=review), PER_PAGE)
        page = page.get_page(request.GET.get("page"))
        items = [_cluster_view(kept) for kept in page]
    else:
        page = Paginator(selectors.duplicate_queue_for_review(review=review), PER_PAGE)
        page = page.get_page(request.GET.get("page"))
        items = [{"pair": p, "rows": compare(p.record_a, p.record_b)} for p in page]
    return render(
        request,
        "reviews/duplicates.html",
        {
            "review": review,
            "membership": membership,
            "tab": tab,
            "page": page,
            "items": items,
            "counts": selectors.duplicate_counts(review=review),
            "can_decide": can(membership, "screen"),
        },
    )


def _back(request, review):
    target = request.POST.get("next", "")
    if target.startswith(f"/reviews/{review.id}/duplicates/") and "//" not in target:
        return redirect(target)
    return redirect("duplicates", review_id=review.id)


# The pair or record a form names may have gone (another review's, or merged away meanwhile).
_MISSING = (DuplicatePair.DoesNotExist, Record.DoesNotExist)


@review_view(POST="screen")
def duplicate_decide(request, review, membership, pair_id):
    if not DuplicatePair.objects.filter(pk=pair_id, review=review).exists():
        raise Http404  # another review's pair is not found, whatever the form says
    decision = request.POST.get("decision", "")
    success = (_("Merged: the duplicate leaves the screening set.") if decision == "merge"
               else _("Kept apart; later runs will not join these two."))
    page_service_call(request, services.pair_decide, success, missing=_MISSING,
                      review_id=review.id, pair_id=pair_id, decision=decision)
    return _back(request, review)


@review_view(POST="screen")
def duplicate_split(request, review, membership, pair_id):
    page_service_call(request, services.pair_split, _("Split: both records are unique again."),
                      missing=_MISSING, review_id=review.id, pair_id=pair_id)
    return _back(request, review)


@review_view(POST="screen")
def record_unmerge(request, review, membership, record_id):
    page_service_call(request, services.record_unmerge,
                      _("The record was taken out of its group."), missing=_MISSING,
                      review_id=review.id, record_id=record_id)
    return _back(request, review)
