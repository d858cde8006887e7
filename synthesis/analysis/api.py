"""REST API of synthesis analyses: list, create, edit, delete, their runs and results, and a
pooling trigger."""
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from reviews.api_access import ReviewScopedAPIView

from ..models import Analysis
from . import services


class AnalysisInput(serializers.Serializer):
    spec = serializers.DictField(help_text="the analysis spec (docs/analysis.md)")


class RunOutput(serializers.Serializer):
    status = serializers.CharField()
    snapshot_hash = serializers.CharField()
    spec_hash = serializers.CharField()
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    output = serializers.DictField(allow_null=True, help_text="spec, result, sensitivity, "
                                   "left_out; result keys as for the metaanalysis command")


class AnalysisOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    spec = serializers.DictField()
    spec_hash = serializers.CharField()
    proposed = serializers.BooleanField()
    run = RunOutput(allow_null=True)


def _payload(analysis):
    run = services.run_for(analysis)
    return {"id": analysis.id, "name": analysis.name, "spec": analysis.spec,
            "spec_hash": analysis.spec_hash, "proposed": analysis.proposed,
            "run": RunOutput(run).data if run else None}


def _analysis(review, analysis_id):
    found = Analysis.objects.filter(pk=analysis_id, review=review).first()
    if found is None:
        raise Http404
    return found


class AnalysesApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "manage"}

    @extend_schema(responses=AnalysisOutput(many=True))
    def get(self, request, review_id):
        return Response([_payload(a) for a in Analysis.objects.filter(review=self.review)])

    @extend_schema(request=AnalysisInput, responses={201: AnalysisOutput})
    def post(self, request, review_id):
        data = AnalysisInput(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = services.analysis_save(actor=request.user, review=self.review,
                                          spec=data.validated_data["spec"])
        services.pooling_enqueue(review=self.review)
        return Response(_payload(analysis), 201)


class AnalysisApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "manage", "DELETE": "manage"}

    @extend_schema(responses=AnalysisOutput)
    def get(self, request, review_id, analysis_id):
        return Response(_payload(_analysis(self.review, analysis_id)))

    @extend_schema(request=AnalysisInput, responses=AnalysisOutput)
    def put(self, request, review_id, analysis_id):
        found = _analysis(self.review, analysis_id)  # another review's: 404 before the body
        data = AnalysisInput(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = services.analysis_save(actor=request.user, review=self.review,
                                          analysis_id=found.id,
                                          spec=data.validated_data["spec"])
        services.pooling_enqueue(review=self.review)
        return Response(_payload(analysis))

    @extend_schema(responses={204: None})
    def delete(self, request, review_id, analysis_id):
        services.analysis_delete(actor=request.user, review=self.review,
                                 analysis_id=_analysis(self.review, analysis_id).id)
        return Response(status=204)


class PoolApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=None, responses={202: AnalysisOutput(many=True)})
    def post(self, request, review_id):
        services.pooling_enqueue(review=self.review, force=True)
        return Response([_payload(a) for a in Analysis.objects.filter(review=self.review)],
                        202)
