"""REST API of full texts: list, upload one or many, download, mark not retrieved."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from reviews.api_access import FlagField, Pages, ReviewScopedAPIView, TextField
from reviews.api_schema import paginated

from ..api_items import valid_for_item
from ..models import Item, Stage
from ..selectors import review_item
from . import services as fulltext

# What the pages allow (screening.fulltexts.views), for scripts. Nothing here carries
# a judgement (no votes, status or decision), so blinding has nothing to hide; access is the
# pages': a member reads, a screener writes, an outsider finds nothing.

class FullTextFileOutput(serializers.Serializer):
    name = TextField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = TextField(allow_null=True)


class FullTextItemOutput(serializers.Serializer):
    item = serializers.IntegerField(help_text="the full-text screening item")
    record = serializers.IntegerField()
    title = TextField(allow_null=True)
    doi = TextField(allow_null=True)
    pmid = TextField(allow_null=True)
    not_retrieved = serializers.BooleanField()
    full_text = FullTextFileOutput(allow_null=True)


def _fulltext_row(item):
    record = item.record
    ft = getattr(record, "full_text", None)
    return {"item": item.id, "record": record.id, "title": record.title, "doi": record.doi,
            "pmid": record.pmid, "not_retrieved": item.not_retrieved,
            "full_text": None if ft is None else {
                "name": ft.file_name, "size": ft.size, "uploaded_at": ft.uploaded_at,
                "uploaded_by": ft.uploaded_by.username if ft.uploaded_by_id else None}}


class FullTextUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="a PDF")


class FullTextBulkInput(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, max_length=500,
        help_text="PDFs, each matched to a full-text record by the DOI in its name (/ "
                  "written as _), its PMID, or the start of the title")


class FullTextBulkOutput(serializers.Serializer):
    file = TextField()
    record = serializers.IntegerField(allow_null=True, help_text="the record matched, if any")
    attached = serializers.BooleanField()
    error = TextField(help_text="why the file was not attached; empty when it was")


class NotRetrievedInput(serializers.Serializer):
    not_retrieved = FlagField()


class FullTextListApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "screen"}
    parser_classes = [MultiPartParser]

    @paginated(FullTextItemOutput, description="The reports at full-text screening, with "
                                              "their PDF (if attached) and whether they were "
                                              "retrieved.")
    def get(self, request, review_id):
        items = (Item.objects.filter(review=self.review, stage=Stage.FULL_TEXT)
                 .select_related("record__full_text__uploaded_by").order_by("id"))
        page = Pages()
        rows = page.paginate_queryset(items, request, view=self)
        return page.get_paginated_response(
            FullTextItemOutput([_fulltext_row(i) for i in rows], many=True).data)

    @extend_schema(request=FullTextBulkInput, responses=FullTextBulkOutput(many=True),
                   description="Upload several PDFs at once. Each file is attached (or "
                               "refused) on its own; the answer says what became of each.")
    def post(self, request, review_id):
        data = FullTextBulkInput(data={"files": request.FILES.getlist("files")})
        data.is_valid(raise_exception=True)
        report = fulltext.fulltext_bulk_attach(actor=request.user, review_id=self.review.id,
                                               uploads=data.validated_data["files"])
        return Response(FullTextBulkOutput([
            {"file": name, "record": record.id if record else None, "attached": not problem,
             "error": problem} for name, record, problem in report], many=True).data)


class FullTextApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "screen"}
    parser_classes = [MultiPartParser]

    def perform_content_negotiation(self, request, force=False):
        # A client asking for application/pdf gets the PDF (a FileResponse, not rendered);
        # an error then falls back to JSON instead of a 406 before the handler runs.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   description="The report's PDF; 404 when none is attached.")
    def get(self, request, review_id, item_id):
        ft = getattr(review_item(review=self.review, item_id=item_id).record, "full_text", None)
        if ft is None:
            raise Http404("No PDF is attached to this record.")
        return FileResponse(ft.file.open("rb"), content_type="application/pdf",
                            filename=ft.file_name, as_attachment=True)

    @extend_schema(request=FullTextUploadInput, responses={201: FullTextItemOutput},
                   description="Attach the report's PDF (replacing one attached before).")
    def post(self, request, review_id, item_id):
        item = review_item(review=self.review, item_id=item_id)
        data = FullTextUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The answer is this item as the attachment left it, not read again: the record has
        # the new file, and the report is retrieved now (fulltext_attach clears the mark).
        item.record.full_text = fulltext.fulltext_attach(
            actor=request.user, record_id=item.record_id, upload=data.validated_data["file"])
        item.not_retrieved = False
        return Response(FullTextItemOutput(_fulltext_row(item)).data, status=201)


class NotRetrievedApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=NotRetrievedInput, responses=FullTextItemOutput,
                   description="Mark a full-text report not retrieved (it leaves the queue "
                               "and counts apart in PRISMA), or clear the mark.")
    def post(self, request, review_id, item_id):
        data = valid_for_item(NotRetrievedInput(data=request.data), self.review, item_id)
        item = fulltext.fulltext_not_retrieved(actor=request.user, item_id=item_id,
                                               review_id=self.review.id,
                                               value=data.validated_data["not_retrieved"])
        return Response(FullTextItemOutput(_fulltext_row(item)).data)
