"""REST API of the audit log."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .. import blinding
from ..api_access import Pages, ReviewScopedAPIView, TextField
from ..api_schema import paginated
from . import selectors


class AuditEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = TextField(source="actor.username", default=None, allow_null=True)
    verb = TextField()
    object_type = TextField()
    object_id = TextField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    redacted = serializers.BooleanField(
        default=False, help_text="true when the event judges a record you may still judge "
                                 "and its judgement is hidden until you vote")


class AuditFilterInput(serializers.Serializer):
    verb = TextField(required=False, allow_blank=True, max_length=64)
    actor = TextField(required=False, allow_blank=True, max_length=150)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class AuditListApi(ReviewScopedAPIView):
    review_access = {"GET": "manage"}

    @paginated(
        AuditEventOutput,
        OpenApiParameter("verb", str, description="Only events of this kind, e.g. `vote.cast`."),
        OpenApiParameter("actor", str, description="Only events by this username."),
        OpenApiParameter("since", OpenApiTypes.DATE,
                         description="Only events on or after this day (YYYY-MM-DD)."),
        OpenApiParameter("until", OpenApiTypes.DATE,
                         description="Only events on or before this day (YYYY-MM-DD)."),
    )
    def get(self, request, review_id):
        # A plain dict: DRF reads a blank in a query dict as "left out", the schema does not.
        filters = AuditFilterInput(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        events = selectors.audit_events_for_review(
            user=request.user, review_id=review_id,
            **{k: v for k, v in filters.validated_data.items() if v})
        page = Pages()
        items = page.paginate_queryset(events, request, view=self)
        items = blinding.redact_events(items, membership=self.membership)
        return page.get_paginated_response(AuditEventOutput(items, many=True).data)
