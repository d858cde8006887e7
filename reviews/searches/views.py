"""Pages of the import stage: the searches list with the upload form, preview, progress."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import review_view
from ..models import Search
from ..pages import page_service_call, refusal_text
from . import selectors, services
from .forms import ColumnMappingForm, SearchUploadForm
from .importers import ParseError


def _search(review, search_id):
    search = Search.objects.filter(pk=search_id, review=review).first()
    if search is None:
        raise Http404
    return search


@review_view(GET="read", POST="manage")
def searches(request, review, membership):
    form = SearchUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            try:
                search = services.search_preview(
                    actor=request.user, review_id=review.id, upload=upload,
                    format=data.pop("format") or None, **data)
            except services.AlreadyImported as exc:
                messages.info(request, exc.messages[0])
                return redirect("search_detail", review_id=review.id, search_id=exc.search.id)
            except ParseError as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                form.add_error(None, refusal_text(exc))
            else:
                return redirect("search_detail", review_id=review.id, search_id=search.id)
        status = 400
    rows = Search.objects.filter(review=review).exclude(status=Search.Status.PREVIEW)
    return render(request, "reviews/searches.html", {
        "review": review, "membership": membership, "form": form, "searches": rows,
        "total": sum(s.record_count for s in rows if s.status == Search.Status.DONE),
    }, status=status)


@review_view(GET="read")
def search_detail(request, review, membership, search_id):
    search = _search(review, search_id)
    return _detail(request, review, membership, search)


def _detail(request, review, membership, search, mapping_form=None, status=200):
    if mapping_form is None and search.status in (Search.Status.PREVIEW, Search.Status.FAILED):
        columns = selectors.search_columns(search)
        mapping_form = ColumnMappingForm(columns) if columns else None
    return render(request, "reviews/search_detail.html", {
        "review": review, "membership": membership, "search": search,
        "progress": selectors.search_progress(search),
        "mapping_form": mapping_form, "discardable": selectors.discardable(search),
    }, status=status)


@review_view(POST="manage")
def search_mapping(request, review, membership, search_id):
    """The owner's choice of field for each column of a spreadsheet; the preview is redone."""
    search = _search(review, search_id)
    if search.status not in (Search.Status.PREVIEW, Search.Status.FAILED):
        messages.error(request, _("This search was imported; its columns can no longer change."))
        return redirect("search_detail", review_id=review.id, search_id=search.id)
    form = ColumnMappingForm(selectors.search_columns(search), request.POST)
    if form.is_valid():
        try:
            search = services.search_remap(actor=request.user, review_id=review.id,
                                          search_id=search.id, mapping=form.mapping())
        except ParseError as exc:
            form.add_error(None, exc.reason)
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(request, _("The file is being read again with your column "
                                        "choices.") if search.status == Search.Status.READING
                             else _("The preview was redone with your column choices."))
            return redirect("search_detail", review_id=review.id, search_id=search.id)
    return _detail(request, review, membership, search, mapping_form=form, status=400)


@review_view(POST="manage")
def search_import(request, review, membership, search_id):
    search = services.search_import_start(actor=request.user, review_id=review.id,
                                         search_id=_search(review, search_id).id)
    search.refresh_from_db()
    if search.status == Search.Status.DONE:
        messages.success(request, _("%(n)s records imported.") % {"n": search.record_count})
    return redirect("search_detail", review_id=review.id, search_id=search.id)


@review_view(POST="manage")
def search_requeue(request, review, membership, search_id):
    """A search whose task message was lost (nothing moved for a while): send it again."""
    if page_service_call(request, services.search_requeue, None, review_id=review.id,
                         search_id=_search(review, search_id).id):
        messages.info(request, _("The search was queued again."))
    return redirect("search_detail", review_id=review.id, search_id=search_id)


@review_view(POST="manage")
def search_discard(request, review, membership, search_id):
    try:
        services.search_discard(actor=request.user, review_id=review.id,
                               search_id=_search(review, search_id).id)
    except Search.DoesNotExist as exc:
        raise Http404 from exc
    messages.info(request, _("The file was discarded; nothing was imported."))
    return redirect("searches", review_id=review.id)


@review_view(GET="read")
def search_progress(request, review, membership, search_id):
    return JsonResponse(selectors.search_progress(_search(review, search_id)))
