"""Pages of full texts: a report's PDF (shown, attached, or marked not retrieved) and the
bulk upload."""
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from reviews.access import can, review_view

from ..selectors import review_item
from . import services as fulltext


@review_view(GET="read", POST="screen")
def item_fulltext(request, review, membership, item_id):
    item = review_item(review=review, item_id=item_id)
    if request.method == "POST":
        try:
            if request.POST.get("not_retrieved"):
                fulltext.fulltext_not_retrieved(actor=request.user, item_id=item.id,
                                                value=request.POST["not_retrieved"] == "1")
            else:
                fulltext.fulltext_attach(actor=request.user, record_id=item.record_id,
                                         upload=request.FILES.get("file"))
        except ValidationError as exc:
            return HttpResponse("; ".join(exc.messages), status=400)
        return HttpResponse(status=204)
    ft = getattr(item.record, "full_text", None)
    if ft is None:
        raise Http404
    # FileResponse writes the name as RFC 6266 asks (filename*=utf-8''...), so a Chinese
    # name arrives whole.
    response = FileResponse(ft.file.open("rb"), content_type="application/pdf",
                            filename=ft.file_name, as_attachment=False)
    # Shown inline in the screening page's frame: same origin only.
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@review_view(GET="read", POST="screen")
def fulltext_bulk(request, review, membership):
    report = None
    if request.method == "POST":
        report = fulltext.fulltext_bulk_attach(actor=request.user, review_id=review.id,
                                               uploads=request.FILES.getlist("files"))
    return render(request, "screening/fulltext_bulk.html", {
        "review": review, "membership": membership, "report": report,
        "can_screen": can(membership, "screen"),
        "limit_mb": django_settings.FULLTEXT_MAX_BYTES // 1_000_000})
