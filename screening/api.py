"""REST API of screening: next record, vote (answering with the next record), undo,
conflicts, adjudication, reopening, progress, agreement, PRISMA counts."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from reviews.api_access import ReviewScopedAPIView, TextField
from reviews.ids import parse_ids

from . import selectors, services
from .api_items import valid_for_item
from .models import Decision, Stage


def _stage(value):
    if value not in Stage.values:
        raise Http404("Unknown stage.")
    return value


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


class ItemApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=ItemOutput)
    def get(self, request, review_id, item_id):
        item = selectors.review_item(review=self.review, item_id=item_id)
        return Response(
            selectors.item_view(user=request.user, membership=self.membership, item=item)
        )


class VoteApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=VoteInput, responses=ScreeningPayload)
    def post(self, request, review_id, item_id):
        data = valid_for_item(VoteInput(data=request.data), self.review, item_id)
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
        # Read after the change, with its record.
        item = selectors.review_item(review=self.review, item_id=item_id)
        return Response({
            "item": selectors.item_view(user=request.user, membership=self.membership,
                                        item=item),
            **_state(self, item.stage)})


class ResolveApi(ReviewScopedAPIView):
    review_access = {"POST": "adjudicate"}

    @extend_schema(request=ResolveInput, responses=StatusOutput)
    def post(self, request, review_id, item_id):
        data = valid_for_item(ResolveInput(data=request.data), self.review, item_id)
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
