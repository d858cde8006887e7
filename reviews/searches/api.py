"""REST API of the import stage: upload (preview), import, progress, list."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ..api_access import ReviewScopedAPIView, TextField
from ..api_errors import refusal, refusal_body
from ..models import Search
from . import selectors, services
from .importers import FORMATS, ParseError


class SearchOutput(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Search
        fields = ["id", "source", "source_detail", "date_searched", "query", "notes", "file_name",
                  "file_sha256", "file_size", "format", "encoding", "record_count",
                  "problem_count", "status", "error", "created_at", "imported_at", "preview",
                  "progress"]

    def get_progress(self, search) -> dict:
        return selectors.search_progress(search)


class SearchUploadInput(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.ChoiceField(choices=Search.Source.choices)
    source_detail = TextField(required=False, allow_blank=True, max_length=200)
    date_searched = serializers.DateField(required=False, allow_null=True)
    query = TextField(required=False, allow_blank=True)
    notes = TextField(required=False, allow_blank=True)
    format = serializers.ChoiceField(choices=FORMATS, required=False)
    mapping = serializers.DictField(child=TextField(), required=False)


class AlreadyImportedOutput(serializers.Serializer):
    detail = TextField()
    search = serializers.IntegerField(help_text="the search that imported this file")


@refusal_body(services.AlreadyImported)
def _already_imported(exc):
    return {"search": exc.search.id}


@refusal(ParseError, status.HTTP_400_BAD_REQUEST)
def _not_parsed(exc):
    return {"detail": str(exc), "file": exc.filename, "line": exc.line, "reason": exc.reason}


class SearchListApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "manage"}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=SearchOutput(many=True))
    def get(self, request, review_id):
        rows = Search.objects.filter(review=self.review)
        return Response(SearchOutput(rows, many=True).data)

    @extend_schema(
        request=SearchUploadInput,
        responses={201: SearchOutput, 409: AlreadyImportedOutput},
        description="Stores the file as a search and reads it for its preview. With workers "
        "the reading runs on one of them: the search answers with status `reading` and "
        "`progress` (bytes read of `file_size`); poll it until `preview` (records counted, "
        "first records and problem records in `preview`) or `failed` (the file could not be "
        "read: `error` says why; nothing to import). Without workers the reading is done "
        "before the answer, and a file that cannot be read is answered 400.")
    def post(self, request, review_id):
        data = SearchUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        search = services.search_preview(actor=request.user, review_id=review_id,
                                        upload=values.pop("file"), **values)
        return Response(SearchOutput(search).data, status=status.HTTP_201_CREATED)


class SearchDetailApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=SearchOutput)
    def get(self, request, review_id, search_id):
        search = get_object_or_404(Search, pk=search_id, review=self.review)
        return Response(SearchOutput(search).data)


class SearchImportApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=None, responses={202: SearchOutput})
    def post(self, request, review_id, search_id):
        get_object_or_404(Search, pk=search_id, review=self.review)
        search = services.search_import_start(actor=request.user, review_id=review_id,
                                             search_id=search_id)
        search.refresh_from_db()
        return Response(SearchOutput(search).data, status=status.HTTP_202_ACCEPTED)


class DetailOutput(serializers.Serializer):
    detail = TextField()


class SearchRequeueApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(
        request=None, responses={202: SearchOutput, 409: DetailOutput},
        description="Sends a search waiting for a worker (status `reading` or `queued`) to "
        "the workers again, when its task was lost: allowed once `progress.stuck` is true "
        "(nothing moved for PRISMFLOW_SEARCH_STUCK_SECONDS); 409 before that or when the "
        "search no longer waits.")
    def post(self, request, review_id, search_id):
        get_object_or_404(Search, pk=search_id, review=self.review)
        search = services.search_requeue(actor=request.user, review_id=review_id,
                                        search_id=search_id)
        return Response(SearchOutput(search).data, status=status.HTTP_202_ACCEPTED)
