"""REST API of extraction: studies and their status, my extraction (values and outcome grid),
submission, comparison and consensus, setup (form, outcomes, time points, arms), lock,
unlock and snapshots."""
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from reviews.access import can
from reviews.api_access import FlagField, ReviewScopedAPIView, TextField, id_field

from . import selectors, services
from .models import ArmRole, Direction, Extraction, Mode, Outcome, OutcomeType, Snapshot, TimePoint


def extraction_payload(extraction, *, user, settings):
    """An extraction as the API and the study page show it. Another person's individual
    extraction is blinded until the study's extractions are all submitted."""
    if extraction.kind == Extraction.Kind.INDIVIDUAL and extraction.extractor_id != user.id \
            and not selectors.may_see_others(user=user, study=extraction.study, settings=settings):
        raise Http404("Blinded until every extraction of this study is submitted.")
    return {
        "id": extraction.id, "study": extraction.study_id, "kind": extraction.kind,
        "extractor": extraction.extractor.username, "status": extraction.status,
        "form_version": extraction.form.version, "revision": extraction.revision,
        "values": extraction.values,
        "cells": [{"outcome": o, "timepoint": t, "arm": a, **v}
                  for (o, t, a), v in selectors.grid_of(extraction).items()],
    }


class CellIO(serializers.Serializer):
    outcome = id_field()
    timepoint = id_field()
    arm = id_field()
    values = serializers.DictField(required=False, help_text="statistic -> number, as reported")
    reported = serializers.DictField(read_only=True)
    converted = serializers.DictField(read_only=True, allow_null=True)


class ExtractionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    study = serializers.IntegerField()
    kind = TextField()
    extractor = TextField()
    status = TextField()
    form_version = serializers.IntegerField()
    revision = serializers.IntegerField()
    values = serializers.DictField()
    cells = CellIO(many=True)


class SaveInput(serializers.Serializer):
    values = serializers.DictField(required=False)
    cells = CellIO(many=True, required=False)


class StudyOutput(serializers.Serializer):
    study = serializers.IntegerField(allow_null=True)
    record = serializers.IntegerField(allow_null=True)
    label = TextField()
    status = TextField()
    excluded_later = serializers.BooleanField()
    extractors = serializers.ListField(child=TextField())
    my_extraction = serializers.IntegerField(allow_null=True)


class StartInput(serializers.Serializer):
    study = id_field(required=False)
    record = id_field(required=False)


class DecideInput(serializers.Serializer):
    key = TextField(max_length=200)
    source = serializers.ChoiceField(choices=["a", "b", "typed"])
    value = serializers.JSONField(required=False, allow_null=True)


class DifferenceOutput(serializers.Serializer):
    key = TextField()
    label = TextField()
    a = serializers.JSONField(allow_null=True)
    b = serializers.JSONField(allow_null=True)
    consensus = serializers.JSONField(allow_null=True)
    decided = serializers.BooleanField()


class OutcomeIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = TextField(max_length=200)
    type = serializers.ChoiceField(choices=OutcomeType.choices, default="continuous")
    unit = TextField(max_length=50, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(choices=Direction.choices, default="lower")
    mid = serializers.FloatField(required=False, allow_null=True, default=None)


class TimePointIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = TextField(max_length=100)
    months = serializers.FloatField(required=False, allow_null=True, default=None)
    is_baseline = FlagField(default=False)


class ArmIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    study = id_field()
    label = TextField(max_length=100)
    role = serializers.ChoiceField(choices=ArmRole.choices, default="single")


class SettingsIO(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices)
    unblinded = FlagField(default=False)
    locked = serializers.BooleanField(read_only=True)


class FormIO(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    schema = serializers.DictField()


class LockInput(serializers.Serializer):
    allow_incomplete = FlagField(default=False)


class UnlockInput(serializers.Serializer):
    reason = TextField(max_length=2000)


class SnapshotOutput(serializers.Serializer):
    number = serializers.IntegerField()
    hash = TextField(source="content_hash")
    size = serializers.IntegerField()
    created_by = TextField(source="created_by.username")
    created_at = serializers.DateTimeField()


def _extraction(review, extraction_id):
    found = Extraction.objects.select_related("form", "extractor", "study").filter(
        pk=extraction_id, review=review).first()
    if found is None:
        raise Http404
    return found


class StudiesApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=StudyOutput(many=True))
    def get(self, request, review_id):
        rows = selectors.study_rows(review=self.review, user=request.user)
        return Response([{
            "study": r.study.id if r.study else None, "record": r.record.id if r.record else None,
            "label": r.label, "status": r.status, "excluded_later": r.excluded_later,
            "extractors": [e.extractor.username for e in r.extractions],
            "my_extraction": r.mine.id if r.mine else None} for r in rows])


class StartApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=StartInput, responses={201: ExtractionOutput})
    def post(self, request, review_id):
        data = _valid(StartInput, request.data)
        extraction = services.extraction_start(actor=request.user,
                                               review=self.review, study_id=data.get("study"),
                                               record_id=data.get("record"))
        return Response(extraction_payload(extraction, user=request.user,
                                           settings=services.settings_for(self.review)), 201)


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ExtractionApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "screen"}

    @extend_schema(responses=ExtractionOutput)
    def get(self, request, review_id, extraction_id):
        return Response(extraction_payload(_extraction(self.review, extraction_id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))

    @extend_schema(request=SaveInput, responses=ExtractionOutput)
    def put(self, request, review_id, extraction_id):
        _extraction(self.review, extraction_id)  # another review's extraction: 404 first
        data = _valid(SaveInput, request.data)
        extraction = services.extraction_save(actor=request.user,
                                              review=self.review, extraction_id=extraction_id,
                                              values=data.get("values"), cells=data.get("cells"))
        return Response(extraction_payload(_extraction(self.review, extraction.id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))


class SubmitApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=ExtractionOutput)
    def post(self, request, review_id, extraction_id):
        extraction = services.extraction_submit(actor=request.user,
                                                review=self.review, extraction_id=extraction_id)
        return Response(extraction_payload(_extraction(self.review, extraction.id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))


class WithdrawApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=ExtractionOutput)
    def post(self, request, review_id, extraction_id):
        extraction = services.extraction_withdraw(actor=request.user,
                                                  review=self.review, extraction_id=extraction_id)
        return Response(extraction_payload(_extraction(self.review, extraction.id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))


def _study(review, study_id):
    from screening.models import Study

    study = Study.objects.filter(pk=study_id, review=review).first()
    if study is None:
        raise Http404
    return study


def comparison_rows(*, user, membership, review, study):
    """The differences of a study for someone who may settle them; 404 while blinded."""
    settings = services.settings_for(review)
    if not can(membership, "screen") or not selectors.may_see_others(
            user=user, study=study, settings=settings):
        raise Http404("Blinded until every extraction of this study is submitted.")
    return selectors.comparison(study=study)


class ComparisonApi(ReviewScopedAPIView):
    review_access = {"GET": "screen", "POST": "screen"}

    @extend_schema(responses=DifferenceOutput(many=True))
    def get(self, request, review_id, study_id):
        rows = comparison_rows(user=request.user, membership=self.membership,
                               review=self.review, study=_study(self.review, study_id))
        return Response([{"key": r["key"], "label": r["label"], "a": r["a"], "b": r["b"],
                          "consensus": r["consensus"], "decided": r["decision"] is not None}
                         for r in rows])

    @extend_schema(request=DecideInput, responses=ExtractionOutput)
    def post(self, request, review_id, study_id):
        study = _study(self.review, study_id)  # another review's study: 404 before anything
        data = _valid(DecideInput, request.data)
        consensus = services.consensus_decide(
            actor=request.user, review=self.review, study_id=study.id,
            key=data["key"], source=data["source"], value=data.get("value"))
        return Response(extraction_payload(_extraction(self.review, consensus.id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))


class VerifyApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=ExtractionOutput)
    def post(self, request, review_id, study_id):
        consensus = services.consensus_verify(
            actor=request.user, review=self.review, study_id=_study(self.review, study_id).id)
        return Response(extraction_payload(_extraction(self.review, consensus.id),
                                           user=request.user,
                                           settings=services.settings_for(self.review)))


class SettingsApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "manage"}

    @extend_schema(responses=SettingsIO)
    def get(self, request, review_id):
        return Response(SettingsIO(services.settings_for(self.review)).data)

    @extend_schema(request=SettingsIO, responses=SettingsIO)
    def put(self, request, review_id):
        data = _valid(SettingsIO, request.data)
        row = services.extraction_settings_update(actor=request.user,
                                                  review=self.review, **data)
        return Response(SettingsIO(row).data)


class FormApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "manage"}

    @extend_schema(responses=FormIO)
    def get(self, request, review_id):
        form = services.current_form(self.review)
        return Response({"version": form.version if form else 0,
                         "schema": form.schema if form else {"sections": []}})

    @extend_schema(request=FormIO, responses=FormIO)
    def put(self, request, review_id):
        data = _valid(FormIO, request.data)
        form = services.form_save(actor=request.user, review=self.review,
                                  form_schema=data["schema"])
        return Response({"version": form.version, "schema": form.schema})


def _definitions_api(model, io, save, delete, id_name):
    class ListApi(ReviewScopedAPIView):
        review_access = {"GET": "read", "POST": "manage"}

        @extend_schema(responses=io(many=True))
        def get(self, request, review_id):
            return Response(io(model.objects.filter(review=self.review), many=True).data)

        @extend_schema(request=io, responses={201: io})
        def post(self, request, review_id):
            obj = save(actor=request.user, review=self.review,
                       **_valid(io, request.data))
            return Response(io(obj).data, 201)

    class DetailApi(ReviewScopedAPIView):
        review_access = {"PUT": "manage", "DELETE": "manage"}

        @extend_schema(request=io, responses=io)
        def put(self, request, review_id, **kwargs):
            if not model.objects.filter(pk=kwargs[id_name], review=self.review).exists():
                raise Http404  # another review's object: 404 before the body is read
            obj = save(actor=request.user, review=self.review,
                       **{id_name: kwargs[id_name]}, **_valid(io, request.data))
            return Response(io(obj).data)

        @extend_schema(responses={204: None})
        def delete(self, request, review_id, **kwargs):
            delete(actor=request.user, review=self.review,
                   **{id_name: kwargs[id_name]})
            return Response(status=204)

    return ListApi, DetailApi


OutcomesApi, OutcomeApi = _definitions_api(Outcome, OutcomeIO, services.outcome_save,
                                           services.outcome_delete, "outcome_id")
TimePointsApi, TimePointApi = _definitions_api(TimePoint, TimePointIO, services.timepoint_save,
                                               services.timepoint_delete, "timepoint_id")
OutcomesApi.__name__, OutcomeApi.__name__ = "OutcomesApi", "OutcomeApi"
TimePointsApi.__name__, TimePointApi.__name__ = "TimePointsApi", "TimePointApi"


class ArmsApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=ArmIO, responses={201: ArmIO})
    def post(self, request, review_id):
        data = _valid(ArmIO, request.data)
        arm = services.arm_save(actor=request.user, review=self.review,
                                study_id=data["study"], label=data["label"], role=data["role"])
        return Response({"id": arm.id, "study": arm.study_id, "label": arm.label,
                         "role": arm.role}, 201)


class LockApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=LockInput, responses={201: SnapshotOutput})
    def post(self, request, review_id):
        data = _valid(LockInput, request.data)
        snapshot = services.extraction_lock(actor=request.user,
                                            review=self.review, **data)
        return Response(SnapshotOutput(snapshot).data, 201)


class UnlockApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=UnlockInput, responses=SettingsIO)
    def post(self, request, review_id):
        data = _valid(UnlockInput, request.data)
        row = services.extraction_unlock(actor=request.user, review=self.review,
                                         reason=data["reason"])
        return Response(SettingsIO(row).data)


class SnapshotsApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=SnapshotOutput(many=True))
    def get(self, request, review_id):
        return Response(SnapshotOutput(selectors.snapshots_for_review(review=self.review),
                                       many=True).data)


class SnapshotApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses={200: dict})
    def get(self, request, review_id, number):
        snapshot = Snapshot.objects.filter(review=self.review, number=number).first()
        if snapshot is None:
            raise Http404
        return Response(snapshot.data)


class ExportApi(ReviewScopedAPIView):
    """All extracted data the caller may see, in long format (CSV or XLSX)."""

    review_access = {"GET": "read"}

    @extend_schema(parameters=[OpenApiParameter("fmt", str, enum=["csv", "xlsx"],
                                                description="csv (default) or xlsx")],
                   responses={(200, "text/csv"): OpenApiTypes.BINARY,
                              (200, "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet"): OpenApiTypes.BINARY})
    def get(self, request, review_id):
        from django.http import HttpResponse

        from reviews.files import attachment

        from . import exchange

        fmt = request.query_params.get("fmt", "csv")
        if fmt not in ("csv", "xlsx"):
            raise serializers.ValidationError({"fmt": "csv or xlsx"})
        body = getattr(exchange, f"export_{fmt}")(user=request.user, review=self.review)
        kind = "text/csv" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=kind)
        return attachment(response, f"extraction-{review_id}.{fmt}")


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX in the export's long format")


class ImportApi(ReviewScopedAPIView):
    """Import a long-format file: every row or none; refusals name file, row, column, reason."""

    review_access = {"POST": "screen"}
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": ImportInput},
                   responses={200: inline_serializer("ImportResult", {
                       "imported": serializers.IntegerField()})})
    def post(self, request, review_id):
        from . import exchange

        data = _valid(ImportInput, request.data)
        upload = data["file"]
        count = exchange.import_file(actor=request.user, review=self.review,
                                     name=upload.name, content=upload.read())
        return Response({"imported": count})
