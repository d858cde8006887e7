"""REST API of screening: next record, vote (answering with the next record), undo,
conflicts, adjudication, reopening, progress, agreement, PRISMA counts, full texts."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from reviews.api_access import FlagField, Pages, ReviewScopedAPIView, TextField
from reviews.api_schema import paginated
from reviews.ids import parse_ids

from . import fulltext, selectors, services
from .models import Decision, FullText, Item, Stage


def _stage(value):
    if value not in Stage.values:
        raise Http404("Unknown stage.")
    return value


def _item(review, item_id):
    item = Item.objects.select_related("record", "review").filter(pk=item_id, review=review).first()
    if item is None:
        raise Http404
    return item


class ProgressOutput(serializers.Serializer):
    stage = TextField()
    total = serializers.IntegerField()
    my_votes = serializers.IntegerField()
    my_remaining = serializers.IntegerField()
    settled = serializers.IntegerField()
    included = serializers.IntegerField()
    excluded = serializers.IntegerField()
    conflicts = serializers.IntegerField()
    pending = serializers.IntegerField()
    not_retrieved = serializers.IntegerField(
        help_text="full-text reports marked not retrieved while waiting for votes")
    stopped = serializers.IntegerField(help_text="set aside by an adopted stopping rule")
    closed = serializers.IntegerField(help_text="settled or set aside")


class VoteOutput(serializers.Serializer):
    decision = TextField()
    reason = serializers.IntegerField(allow_null=True)
    reason_label = TextField(
        allow_null=True, help_text="the exclusion reason chosen, in the reader's language")
    reason_text = TextField(help_text="the words typed under “Other”")
    note = TextField()
    reviewer = TextField(required=False)


class ItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stage = TextField()
    status = TextField()
    record = serializers.DictField()
    my_vote = VoteOutput(allow_null=True)
    full_text = serializers.DictField(allow_null=True)
    not_retrieved = serializers.BooleanField()
    votes = VoteOutput(many=True, allow_null=True, help_text="null while blinded")
    decision = TextField(allow_null=True)
    relevance = serializers.FloatField(
        allow_null=True, help_text="the model's relevance, 0 to 1; null unless the owner "
        "chose to show it")


class ScreeningPayload(serializers.Serializer):
    item = ItemOutput(allow_null=True)
    progress = ProgressOutput()
    undo = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="item ids whose vote of mine can still be withdrawn, last voted first "
                  f"(at most {selectors.UNDO_STEPS})")


class StatusOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = TextField()
    decision = TextField(required=False)


class AgreementOutput(serializers.Serializer):
    stage = TextField()
    reviewer_a = TextField()
    reviewer_b = TextField()
    n = serializers.IntegerField()
    percent_agreement = serializers.FloatField()
    kappa = serializers.FloatField()


class PrismaOutput(serializers.Serializer):
    screened = serializers.IntegerField()
    excluded_screening = serializers.IntegerField()
    sought = serializers.IntegerField()
    not_retrieved = serializers.IntegerField()
    assessed = serializers.IntegerField()
    awaiting = serializers.IntegerField()
    excluded_full_text = serializers.DictField(child=serializers.IntegerField())
    reports_included = serializers.IntegerField()
    studies_included = serializers.IntegerField()


class VoteInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.IntegerField(required=False, allow_null=True)
    reason_text = TextField(required=False, allow_blank=True, max_length=500)
    note = TextField(required=False, allow_blank=True, max_length=5000)


class ResolveInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Decision.INCLUDE, Decision.EXCLUDE])
    reason = serializers.IntegerField(required=False, allow_null=True)
    reason_text = TextField(required=False, allow_blank=True, max_length=500)
    note = TextField(max_length=5000)


def next_payload(view, stage, skip=()):
    """My next record and my progress, in one response, so a vote costs one round trip."""
    user, review = view.request.user, view.review
    nxt = selectors.next_for_reviewer(user=user, review=review, stage=stage, skip=skip) or (
        selectors.next_for_reviewer(user=user, review=review, stage=stage) if skip else None
    )
    # A record from my queue has no live vote of mine, so the lookup is skipped.
    item = (selectors.item_view(user=user, membership=view.membership, item=nxt, mine=False)
            if nxt else None)
    return {"item": item, **_state(view, stage)}


def _state(view, stage):
    """My progress and my undo steps, sent with every record."""
    user, review = view.request.user, view.review
    return {"progress": selectors.progress(user=user, review=review, stage=stage),
            "undo": selectors.undoable_items(user=user, review=review, stage=stage)}


MAX_SKIPPED = 200  # records a reviewer passes over in one session, not a bulk list
_ID = "[1-9][0-9]{0,17}"  # what reviews.ids.parse_id takes (it takes up to 2^63-1)
SKIP_PATTERN = f"^({_ID}(,{_ID}){{0,{MAX_SKIPPED - 1}}})?$"


class NextApi(ReviewScopedAPIView):
    review_access = {"GET": "screen"}

    @extend_schema(
        responses={200: ScreeningPayload},
        parameters=[OpenApiParameter(
            "skip", {"type": "string", "pattern": SKIP_PATTERN}, required=False,
            description=f"Record ids to pass over this time, comma-separated (at most "
                        f"{MAX_SKIPPED}).")])
    def get(self, request, review_id, stage):
        _stage(stage)
        try:
            skip = parse_ids(request.query_params.get("skip", ""), limit=MAX_SKIPPED)
        except ValueError as exc:
            raise ValidationError({"skip": [f"Give record ids separated by commas: {exc}."]}) \
                from exc
        return Response(next_payload(self, stage, skip))


def _valid_for_item(data, review, item_id):
    """Validate a body sent to an item: a record of another review (or none) is 404 first,
    whatever the body says. The item is read only when the body is invalid: a vote that is
    valid costs no extra query (the service checks the item under its lock)."""
    if not data.is_valid():
        _item(review, item_id)
        raise ValidationError(data.errors)
    return data


class ItemApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=ItemOutput)
    def get(self, request, review_id, item_id):
        item = _item(self.review, item_id)
        return Response(
            selectors.item_view(user=request.user, membership=self.membership, item=item)
        )


class VoteApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=VoteInput, responses=ScreeningPayload)
    def post(self, request, review_id, item_id):
        data = _valid_for_item(VoteInput(data=request.data), self.review, item_id)
        v = data.validated_data
        # The vote commits before the next record is leased: holding the item's lock while
        # leasing another record deadlocked two reviewers under load.
        vote = services.vote_cast(
            actor=request.user,
            item_id=item_id,
            decision=v["decision"],
            reason_id=v.get("reason"),
            reason_text=v.get("reason_text", ""),
            note=v.get("note", ""),
            review_id=self.review.id,
            membership=self.membership,
        )
        return Response(next_payload(self, vote.item.stage))


class RetractApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=ScreeningPayload)
    def post(self, request, review_id, item_id):
        services.vote_retract(actor=request.user, item_id=item_id,
                              review_id=self.review.id, membership=self.membership)
        item = _item(self.review, item_id)  # read after the change, with its record
        return Response({
            "item": selectors.item_view(user=request.user, membership=self.membership,
                                        item=item),
            **_state(self, item.stage)})


class ResolveApi(ReviewScopedAPIView):
    review_access = {"POST": "adjudicate"}

    @extend_schema(request=ResolveInput, responses=StatusOutput)
    def post(self, request, review_id, item_id):
        data = _valid_for_item(ResolveInput(data=request.data), self.review, item_id)
        v = data.validated_data
        adjudication = services.conflict_resolve(
            actor=request.user,
            item_id=item_id,
            review_id=self.review.id,
            membership=self.membership,
            decision=v["decision"],
            reason_id=v.get("reason"),
            reason_text=v.get("reason_text", ""),
            note=v["note"],
        )
        item = adjudication.item  # the locked row, settled by the service
        return Response({"id": item.id, "status": item.status, "decision": item.decision})


class ReopenApi(ReviewScopedAPIView):
    review_access = {"POST": "adjudicate"}

    @extend_schema(request=None, responses=StatusOutput)
    def post(self, request, review_id, item_id):
        item = services.item_reopen(actor=request.user, item_id=item_id,
                                    review_id=self.review.id, membership=self.membership)
        return Response({"id": item.id, "status": item.status})


class ConflictsApi(ReviewScopedAPIView):
    review_access = {"GET": "adjudicate"}

    @extend_schema(responses=ItemOutput(many=True))
    def get(self, request, review_id, stage):
        return Response(selectors.conflict_views(
            user=request.user, membership=self.membership, review=self.review,
            stage=_stage(stage)))


class ProgressApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=ProgressOutput)
    def get(self, request, review_id, stage):
        return Response(
            selectors.progress(user=request.user, review=self.review, stage=_stage(stage))
        )


class AgreementApi(ReviewScopedAPIView):
    review_access = {"GET": "manage"}

    @extend_schema(responses=AgreementOutput(many=True))
    def get(self, request, review_id):
        return Response(selectors.agreement_for_review(review=self.review,
                                                       membership=self.membership))


class PrismaApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=PrismaOutput)
    def get(self, request, review_id):
        return Response(selectors.prisma_counts(review=self.review))


# Full texts: what the pages allow (screening.fulltext), for scripts. Nothing here carries
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
        report = fulltext.fulltext_bulk_attach(actor=request.user,
                              review_id=self.review.id, uploads=data.validated_data["files"])
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
        item = _item(self.review, item_id)
        ft = FullText.objects.filter(record_id=item.record_id).first()
        if ft is None:
            raise Http404("No PDF is attached to this record.")
        return FileResponse(ft.file.open("rb"), content_type="application/pdf",
                            filename=ft.file_name, as_attachment=True)

    @extend_schema(request=FullTextUploadInput, responses={201: FullTextItemOutput},
                   description="Attach the report's PDF (replacing one attached before).")
    def post(self, request, review_id, item_id):
        item = _item(self.review, item_id)
        data = FullTextUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        fulltext.fulltext_attach(actor=request.user, record_id=item.record_id,
                     upload=data.validated_data["file"])
        item = Item.objects.select_related("record__full_text__uploaded_by").get(pk=item.pk)
        return Response(FullTextItemOutput(_fulltext_row(item)).data, status=201)


class NotRetrievedApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=NotRetrievedInput, responses=FullTextItemOutput,
                   description="Mark a full-text report not retrieved (it leaves the queue "
                               "and counts apart in PRISMA), or clear the mark.")
    def post(self, request, review_id, item_id):
        data = _valid_for_item(NotRetrievedInput(data=request.data), self.review, item_id)
        item = _item(self.review, item_id)
        fulltext.fulltext_not_retrieved(actor=request.user, item_id=item.id,
                     value=data.validated_data["not_retrieved"])
        item = Item.objects.select_related("record__full_text__uploaded_by").get(pk=item.pk)
        return Response(FullTextItemOutput(_fulltext_row(item)).data)
