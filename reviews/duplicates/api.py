"""REST API of the de-duplication stage: counts, the pair queue, decisions, splits, groups."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from ..api_access import Pages, ReviewScopedAPIView, TextField
from ..api_errors import refusal_body
from ..api_schema import paginated
from ..models import DuplicatePair, Record
from ..searches.importers import RECORD_KEYS
from . import selectors, services


class RecordOutput(serializers.ModelSerializer):
    source = TextField(source="search.source")
    search = serializers.IntegerField(source="search_id")
    # Plain text here: the pair's `method` already names this choice set in the schema.
    dedup_method = TextField(allow_null=True, read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "search",
            "source",
            "position",
            *RECORD_KEYS,
            "duplicate_of",
            "dedup_method",
        ]


class PairOutput(serializers.ModelSerializer):
    record_a = RecordOutput()
    record_b = RecordOutput()
    decided_by = TextField(source="decided_by.username", default=None,
                                       allow_null=True)

    class Meta:
        model = DuplicatePair
        fields = [
            "id",
            "record_a",
            "record_b",
            "score",
            "reason",
            "status",
            "method",
            "decided_by",
            "decided_at",
        ]


class CountsOutput(serializers.Serializer):
    records = serializers.IntegerField()
    removed_automatically = serializers.IntegerField()
    removed_by_person = serializers.IntegerField()
    unique = serializers.IntegerField()
    waiting = serializers.IntegerField()
    unchecked = serializers.IntegerField()


class AlreadyDecidedOutput(serializers.Serializer):
    detail = TextField()
    pair = PairOutput(help_text="the pair as someone else decided it")


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=sorted(services.DECISIONS))


@refusal_body(services.AlreadyDecided)
def _already_decided(exc):
    return {"pair": PairOutput(exc.pair).data}


class DuplicateCountsApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=CountsOutput)
    def get(self, request, review_id):
        return Response(CountsOutput(selectors.duplicate_counts(review=self.review)).data)


class DuplicatePairListApi(ReviewScopedAPIView):
    """The pairs of a review: `?status=open` (default, the queue), `merged` or `not_duplicate`."""

    review_access = {"GET": "read"}

    @paginated(PairOutput, OpenApiParameter(
        "status", str, enum=sorted({"open", *DuplicatePair.Status.values}),
        description="`open` (default: the queue), `merged` or `not_duplicate`."))
    def get(self, request, review_id):
        wanted = request.query_params.get("status", "open")
        if wanted == "open":
            rows = selectors.duplicate_queue_for_review(review=self.review)
        elif wanted in DuplicatePair.Status.values:
            rows = DuplicatePair.objects.filter(review=self.review, status=wanted).select_related(
                "record_a__search", "record_b__search", "decided_by"
            )
        else:
            return Response(
                {"detail": "status must be open, merged or not_duplicate"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        pager = Pages()
        page = pager.paginate_queryset(rows, request, view=self)
        return pager.get_paginated_response(PairOutput(page, many=True).data)


class DuplicatePairDetailApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=PairOutput)
    def get(self, request, review_id, pair_id):
        pair = get_object_or_404(DuplicatePair, pk=pair_id, review=self.review)
        return Response(PairOutput(pair).data)


class DuplicateDecisionApi(ReviewScopedAPIView):
    """Merge an open pair or mark it "not a duplicate"; 409 when someone decided otherwise."""

    review_access = {"POST": "screen"}

    @extend_schema(request=DecisionInput, responses={200: PairOutput, 409: AlreadyDecidedOutput})
    def post(self, request, review_id, pair_id):
        get_object_or_404(DuplicatePair, pk=pair_id, review=self.review)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.pair_decide(
            actor=request.user, review_id=review_id, pair_id=pair_id, **data.validated_data
        )
        return Response(PairOutput(pair).data)


class DuplicateSplitApi(ReviewScopedAPIView):
    """ "Not a duplicate" on a merged pair: undo the merge and remember it."""

    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=PairOutput)
    def post(self, request, review_id, pair_id):
        get_object_or_404(DuplicatePair, pk=pair_id, review=self.review)
        pair = services.pair_split(actor=request.user, review_id=review_id, pair_id=pair_id)
        return Response(PairOutput(pair).data)


class GroupOutput(serializers.Serializer):
    kept = serializers.IntegerField()
    members = RecordOutput(many=True)
    merged = serializers.DictField()
    sources = serializers.ListField(child=TextField())


class DuplicateGroupListApi(ReviewScopedAPIView):
    """Merged groups: members, the best value of each field, and every source database."""

    review_access = {"GET": "read"}

    @paginated(GroupOutput)
    def get(self, request, review_id):
        pager = Pages()
        page = pager.paginate_queryset(
            selectors.duplicate_clusters_for_review(review=self.review), request, view=self
        )
        groups = [
            {**services.merged_group(kept), "kept": kept.id} for kept in page
        ]
        return pager.get_paginated_response(GroupOutput(groups, many=True).data)


class RecordUnmergeApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=RecordOutput)
    def post(self, request, review_id, record_id):
        get_object_or_404(Record, pk=record_id, review=self.review)
        record = services.record_unmerge(
            actor=request.user, review_id=review_id, record_id=record_id
        )
        return Response(RecordOutput(record).data)
