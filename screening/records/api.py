"""REST API of the records workbench: the list (same filters as the page), a record, its
labels and comments, the label list, and the owner's actions."""
from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from reviews.api_access import FlagField, ReviewScopedAPIView, TextField, id_field

from ..models import Stage
from . import selectors, services
from .forms import RecordFilterForm
from .tasks import index_soon


class RecordRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = TextField()
    title_translated = TextField(allow_null=True)
    authors = serializers.ListField(child=TextField())
    year = serializers.IntegerField(allow_null=True)
    journal = TextField(allow_null=True)
    doi = TextField(allow_null=True)
    pmid = TextField(allow_null=True)
    sources = serializers.ListField(child=TextField())
    stage = TextField(allow_null=True)
    item = serializers.IntegerField(allow_null=True)
    status = TextField(allow_null=True,
                                   help_text="'hidden' where the votes are blinded to you")
    decision = TextField(allow_null=True, help_text="null while blinded")
    reason = TextField(allow_null=True, help_text="null while blinded")
    conflict = serializers.BooleanField(allow_null=True, help_text="null while blinded")
    my_vote = TextField(allow_null=True)
    labels = serializers.ListField(child=TextField())
    has_full_text = serializers.BooleanField()


class RecordListOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    indexing = serializers.IntegerField(help_text="records not yet searchable")
    results = RecordRowOutput(many=True)


def _filter_serializer_field(field):
    """The filter form's field as a serializer field with the same rules (the choices, the
    range), so the schema (list parameters and bulk-label body) allows what the list accepts."""
    if isinstance(field, forms.TypedChoiceField):  # a label or reason of this review: an id
        return id_field(required=False)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(
            choices=[str(v) for v, _label in field.choices if v != ""], required=False)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value,
                                        required=False)
    return TextField(max_length=field.max_length, required=False, allow_blank=True)


RecordFiltersInput = type("RecordFiltersInput", (serializers.Serializer,), {
    name: _filter_serializer_field(field)
    for name, field in RecordFilterForm.base_fields.items()})


class RecordLabelSetOutput(serializers.Serializer):
    changed = serializers.BooleanField()


class RecordBulkLabelOutput(serializers.Serializer):
    labelled = serializers.IntegerField(help_text="records that did not have the label yet")


class RecordListApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=RecordListOutput, parameters=[RecordFiltersInput],
                   operation_id="records_list")
    def get(self, request, review_id):
        indexing = index_soon(self.review)
        if request.query_params:
            # The schema's rules first (no blank choice or number: leave a filter out
            # instead), so the API accepts exactly what it documents; the page's form takes
            # blanks. A plain dict, since DRF reads a blank in a query dict as "left out".
            RecordFiltersInput(data=request.query_params.dict()).is_valid(raise_exception=True)
        form = RecordFilterForm(request.query_params or None, review=self.review)
        if request.query_params and not form.is_valid():
            _refuse(form)
        page = selectors.records_page(membership=self.membership, review=self.review,
                                      filters=form.filters() if request.query_params else {})
        return Response({"count": page.count, "page": page.number, "pages": page.pages,
                         "indexing": indexing, "results": page.rows})


def _refuse(form):
    # A label or reason id that is not this review's names something missing (404), as an
    # unknown id in the address would; any other bad value is a bad request (400).
    errors = form.errors.as_data()
    if set(errors) <= {"label", "reason"} and all(
            e.code == "invalid_choice" for problems in errors.values() for e in problems):
        raise NotFound(_("This review has no such label or exclusion reason."))
    raise ValidationError(form.errors)


def _record(view, record_id):
    record = selectors.record_for_review(review=view.review, record_id=record_id)
    if record is None:
        raise Http404
    return record


class RecordVoteOutput(serializers.Serializer):
    reviewer = TextField(source="reviewer.username")
    decision = TextField()
    reason = TextField(source="reason.label", allow_null=True, default=None)
    reason_text = TextField()
    note = TextField()
    created_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)


class RecordAdjudicationOutput(serializers.Serializer):
    adjudicator = TextField(source="adjudicator.username")
    decision = TextField()
    note = TextField()
    created_at = serializers.DateTimeField()


class RecordStageOutput(serializers.Serializer):
    item = serializers.IntegerField(source="item.id")
    stage = TextField(source="item.stage")
    status = TextField()
    visible = serializers.BooleanField(help_text="false: others' votes are blinded to you")
    votes = RecordVoteOutput(many=True)
    adjudications = RecordAdjudicationOutput(many=True)


class RecordCommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = TextField(source="author.username")
    stage = TextField()
    text = TextField()
    created_at = serializers.DateTimeField()


class RecordEventOutput(serializers.Serializer):
    verb = TextField()
    actor = TextField(source="actor.username", allow_null=True, default=None)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    redacted = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class RecordDetailOutput(serializers.Serializer):
    record = serializers.DictField()
    duplicates = serializers.ListField(child=serializers.DictField())
    sources = serializers.ListField(child=TextField())
    full_texts = serializers.ListField(child=serializers.DictField())
    labels = serializers.ListField(child=TextField())
    stages = RecordStageOutput(many=True)
    comments = RecordCommentOutput(many=True)
    hidden_comments = serializers.IntegerField()
    history = RecordEventOutput(many=True)


RECORD_FIELDS = ("id", "title", "title_translated", "abstract", "authors", "year", "journal",
                 "volume", "issue", "pages", "doi", "pmid", "language", "keywords",
                 "source_id", "type")


def _record_dict(record):
    return {**{f: getattr(record, f) for f in RECORD_FIELDS},
            "source": record.search.get_source_display()}


class RecordDetailApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=RecordDetailOutput, operation_id="record_retrieve")
    def get(self, request, review_id, record_id):
        d = selectors.record_detail(membership=self.membership, review=self.review,
                                    record=_record(self, record_id))
        return Response(RecordDetailOutput({
            "record": _record_dict(d["record"]),
            "duplicates": [_record_dict(r) for r in d["duplicates"]],
            "sources": [str(s) for s in d["group"]["sources"]],
            "full_texts": [{"record": f.record_id, "name": f.file_name, "size": f.size}
                           for f in d["full_texts"]],
            "labels": [link.label.name for link in d["labels"]],
            "stages": d["stages"], "comments": d["comments"],
            "hidden_comments": d["hidden_comments"], "history": d["history"],
        }).data)


class RecordLabelSetInput(serializers.Serializer):
    label = id_field()
    on = FlagField()


class RecordLabelApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=RecordLabelSetInput, responses=RecordLabelSetOutput,
                   operation_id="record_label_set")
    def post(self, request, review_id, record_id):
        record = _record(self, record_id)
        data = RecordLabelSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.record_label_set(actor=request.user,
                                            review_id=self.review.id, record_id=record.id,
                                            label_id=data.validated_data["label"],
                                            on=data.validated_data["on"])
        return Response({"changed": changed})


class RecordCommentInput(serializers.Serializer):
    text = TextField(max_length=services.MAX_COMMENT)


class RecordCommentsApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "screen"}

    @extend_schema(responses=RecordCommentOutput(many=True))
    def get(self, request, review_id, record_id):
        kept = _record(self, record_id)
        shown, _hidden = selectors.comments_for_record(
            membership=self.membership, record=kept.duplicate_of or kept)
        return Response(RecordCommentOutput(shown, many=True).data)

    @extend_schema(request=RecordCommentInput, responses={201: RecordCommentOutput})
    def post(self, request, review_id, record_id):
        record = _record(self, record_id)
        data = RecordCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_add(actor=request.user,
                                       review_id=self.review.id, record_id=record.id,
                                       text=data.validated_data["text"])
        return Response(RecordCommentOutput(comment).data, status=201)


class RecordMoveInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)


class RecordStatusOutput(serializers.Serializer):
    item = serializers.IntegerField(source="id")
    stage = TextField()
    status = TextField()


class RecordMoveApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=RecordMoveInput, responses=RecordStatusOutput)
    def post(self, request, review_id, record_id):
        record = _record(self, record_id)
        data = RecordMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.record_move(actor=request.user, review_id=self.review.id,
                                    record_id=record.id, stage=data.validated_data["stage"])
        return Response(RecordStatusOutput(item).data)


class RecordReopenApi(ReviewScopedAPIView):
    review_access = {"POST": "adjudicate"}

    @extend_schema(request=None, responses=RecordStatusOutput)
    def post(self, request, review_id, record_id):
        record = _record(self, record_id)
        item = services.record_reopen(actor=request.user,
                                      review_id=self.review.id, record_id=record.id)
        return Response(RecordStatusOutput(item).data)


class RecordLabelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = TextField()


class RecordLabelInput(serializers.Serializer):
    name = TextField(max_length=80)


class LabelListApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "manage"}

    @extend_schema(responses=RecordLabelOutput(many=True), operation_id="record_labels_list")
    def get(self, request, review_id):
        return Response(RecordLabelOutput(selectors.labels_for_review(review=self.review),
                                    many=True).data)

    @extend_schema(request=RecordLabelInput, responses={201: RecordLabelOutput},
                   operation_id="record_labels_create")
    def post(self, request, review_id):
        data = RecordLabelInput(data=request.data)
        data.is_valid(raise_exception=True)
        label = services.label_create(actor=request.user,
                                      review_id=self.review.id, name=data.validated_data["name"])
        return Response(RecordLabelOutput(label).data, status=201)


class RecordBulkLabelInput(serializers.Serializer):
    label = id_field()
    records = serializers.ListField(child=id_field(), required=False, max_length=100_000,
                                    help_text="the records to label; none labels none")
    filters = RecordFiltersInput(required=False, help_text="the list's filters instead")


class RecordBulkLabelApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=RecordBulkLabelInput, responses=RecordBulkLabelOutput)
    def post(self, request, review_id):
        data = RecordBulkLabelInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if "filters" in v:
            form = RecordFilterForm(
                {k: str(value) for k, value in v["filters"].items()}, review=self.review)
            if not form.is_valid():
                _refuse(form)
            ids = selectors.records_found(membership=self.membership, review=self.review,
                                          filters=form.filters())
        else:
            ids = v.get("records", [])
            if not ids:  # nothing asked, nothing done (the page asks for a tick instead)
                return Response({"labelled": 0})
        n = services.labels_apply_bulk(actor=request.user, review_id=self.review.id,
                                       label_id=v["label"], record_ids=ids)
        return Response({"labelled": n})
