"""REST API of the PRISMA 2020 flow: its counts, box by box."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from reviews.api_access import ReviewScopedAPIView

from .selectors import previous_from, prisma_flow


class SourceOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["database", "register", "other_method"])
    source = serializers.CharField(help_text="the search's source key, e.g. pubmed")
    detail = serializers.CharField(help_text="the search's detail (e.g. the register's name)")
    name = serializers.CharField()
    n = serializers.IntegerField(help_text="records identified")


class ReasonOutput(serializers.Serializer):
    reason = serializers.CharField()
    reason_zh = serializers.CharField()
    n = serializers.IntegerField()


class ColumnOutput(serializers.Serializer):
    sources = SourceOutput(many=True)
    identified = serializers.IntegerField()
    duplicates_removed = serializers.IntegerField()
    removed_by_automation = serializers.IntegerField()
    removed_other = serializers.IntegerField()
    screened = serializers.IntegerField()
    excluded = serializers.IntegerField()
    awaiting_screening = serializers.IntegerField(
        help_text="records without a title/abstract decision yet")
    sought = serializers.IntegerField()
    not_retrieved = serializers.IntegerField()
    awaiting_assessment = serializers.IntegerField(
        help_text="retrieved reports without a full-text decision yet")
    assessed = serializers.IntegerField()
    reports_excluded = ReasonOutput(many=True)
    reports_included = serializers.IntegerField()


class StudiesOutput(serializers.Serializer):
    studies = serializers.IntegerField()
    reports = serializers.IntegerField()


class PrismaFlowOutput(serializers.Serializer):
    review_id = serializers.IntegerField()
    template = serializers.ChoiceField(choices=["new", "updated"])
    databases_and_registers = ColumnOutput()
    other_methods = ColumnOutput()
    duplicate_pairs_waiting = serializers.IntegerField()
    included = StudiesOutput(help_text="new studies included, and their reports")
    previous = StudiesOutput(allow_null=True)
    total = StudiesOutput(allow_null=True)


class PrismaQuery(serializers.Serializer):
    """The query is checked: a count that is not a whole number is refused (400), not
    silently read as "no previous version"."""

    previous_studies = serializers.IntegerField(min_value=0, required=False)
    previous_reports = serializers.IntegerField(min_value=0, required=False)


class PrismaFlowApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(
        summary="PRISMA 2020 flow counts",
        description="Every box of the PRISMA 2020 flow diagram, derived from the review's "
                    "searches, de-duplication and screening. In each column: identified - "
                    "duplicates - automation - other removed = screened; screened - excluded "
                    "- awaiting_screening = sought; sought - not_retrieved - "
                    "awaiting_assessment = assessed; assessed - reports excluded = "
                    "reports_included.",
        parameters=[OpenApiParameter("previous_studies", {"type": "integer", "minimum": 0},
                                     description=("updated review: studies included in the "
                                                  "previous version (with previous_reports)")),
                    OpenApiParameter("previous_reports", {"type": "integer", "minimum": 0})],
        responses=PrismaFlowOutput)
    def get(self, request, review_id):
        query = PrismaQuery(data=request.query_params.dict())  # a blank is not "left out"
        query.is_valid(raise_exception=True)
        previous = previous_from(query.validated_data)
        return Response(prisma_flow(review=self.review, previous=previous))
