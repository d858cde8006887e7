"""REST API of risk-of-bias assessment: the review's tools (published and custom), studies x
tools with status, my assessment (answers, quotes, overrides), live proposals, submission,
comparison and consensus, and the consensus summary the figures draw."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from reviews.access import can
from reviews.api_access import ReviewScopedAPIView, TextField, id_field

from .. import rob
from ..models import RobAssessment, RobTarget
from . import selectors, services


def assessment_payload(assessment, *, user, settings):
    """An assessment as the API and the page show it; another person's is blinded (404)
    until every assessment of its target is submitted."""
    if not selectors.may_see(user=user, assessment=assessment, settings=settings):
        raise Http404("Blinded until every assessment of this study is submitted.")
    target = assessment.target
    return {
        "id": assessment.id, "target": target.id, "study": target.study_id,
        "tool": target.tool_key, "outcome": target.outcome_id, "result_label": target.result,
        "kind": assessment.kind, "assessor": assessment.assessor.username,
        "status": assessment.status, "answers": assessment.answers,
        "support": assessment.support, "overrides": assessment.overrides,
        "result": assessment.result,
    }


class RobOverrideIO(serializers.Serializer):
    judgement = TextField(max_length=40)
    reason = TextField(max_length=2000, required=False, allow_blank=True)


class RobSupportIO(serializers.Serializer):
    quote = TextField(max_length=4000, required=False, allow_blank=True)
    page = TextField(max_length=20, required=False, allow_blank=True)


class RobAssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField()
    study = serializers.IntegerField()
    tool = TextField()
    outcome = serializers.IntegerField(allow_null=True)
    result_label = TextField()
    kind = TextField()
    assessor = TextField()
    status = TextField()
    answers = serializers.DictField(child=TextField())
    support = serializers.DictField(child=RobSupportIO())
    overrides = serializers.DictField(child=RobOverrideIO())
    result = serializers.DictField(allow_null=True, help_text="final_judgements of the core: "
                                   "each domain's proposed and final judgement")


class RobSaveInput(serializers.Serializer):
    answers = serializers.DictField(child=TextField(allow_blank=True,
                                                                allow_null=True),
                                    required=False, help_text="question key -> option value; "
                                    "empty clears")
    support = serializers.DictField(child=RobSupportIO(), required=False)
    overrides = serializers.DictField(child=RobOverrideIO(), required=False,
                                      help_text="domain key or overall -> judgement and "
                                      "reason; replaces the saved overrides")


class RobProposeInput(serializers.Serializer):
    answers = serializers.DictField(child=TextField(), required=False)
    overrides = serializers.DictField(child=RobOverrideIO(), required=False)


class RobToolsIO(serializers.Serializer):
    keys = serializers.ListField(child=TextField(max_length=40))


class RobToolsOutput(serializers.Serializer):
    chosen = serializers.ListField(child=serializers.DictField())
    published = serializers.ListField(child=serializers.DictField())


class RobCustomToolInput(serializers.Serializer):
    definition = serializers.DictField(help_text="a tool dict as docs/risk_of_bias.md "
                                       "describes it")


class RobStartInput(serializers.Serializer):
    tool = TextField(max_length=40)
    study = id_field(required=False)
    record = id_field(required=False)
    outcome = id_field(required=False, allow_null=True)
    result = TextField(max_length=200, required=False, allow_blank=True)


class RobTargetOutput(serializers.Serializer):
    target = serializers.IntegerField(allow_null=True)
    study = serializers.IntegerField(allow_null=True)
    record = serializers.IntegerField(allow_null=True)
    tool = TextField()
    result = TextField()
    status = TextField()
    assessors = serializers.ListField(child=TextField())
    my_assessment = serializers.IntegerField(allow_null=True)


class RobDecideInput(serializers.Serializer):
    key = TextField(max_length=60, help_text="q:<question> or j:<domain>|j:overall")
    # Same values as extraction's DecideInput.source; a plain field keeps the schema free of
    # a second enum of that name (the service refuses anything else).
    source = TextField(max_length=10, help_text="a, b or typed")
    value = TextField(required=False, allow_null=True, allow_blank=True)
    reason = TextField(required=False, allow_blank=True, max_length=2000)


class RobDifferenceOutput(serializers.Serializer):
    key = TextField()
    a = TextField(allow_null=True)
    b = TextField(allow_null=True)
    consensus = TextField(allow_null=True)
    needs_decision = serializers.BooleanField()
    decided = serializers.BooleanField()


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _assessment(review, assessment_id):
    found = RobAssessment.objects.select_related("target", "assessor").filter(
        pk=assessment_id, review=review).first()
    if found is None:
        raise Http404
    return found


def _target(review, target_id):
    found = RobTarget.objects.filter(pk=target_id, review=review).first()
    if found is None:
        raise Http404
    return found


def _payload(request, review, assessment_id):
    return assessment_payload(_assessment(review, assessment_id), user=request.user,
                              settings=selectors.settings_of(review))


def _tool_summary(tool):
    return {"key": tool["key"], "family": tool["family"], "version": tool.get("version"),
            "name": selectors.text(tool["name"]),
            "per_result": tool["family"] in selectors.PER_RESULT_FAMILIES}


class ToolsApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "manage"}

    def _out(self):
        return {"chosen": selectors.review_tools(review=self.review),
                "published": [_tool_summary(t) for t in rob.tools().values()]}

    @extend_schema(responses=RobToolsOutput, summary="The review's tools (whole definitions) "
                   "and the published ones")
    def get(self, request, review_id):
        return Response(self._out())

    @extend_schema(request=RobToolsIO, responses=RobToolsOutput)
    def put(self, request, review_id):
        data = _valid(RobToolsIO, request.data)
        services.rob_tools_update(actor=request.user, review=self.review,
                                  keys=data["keys"])
        return Response(self._out())


class CustomToolApi(ReviewScopedAPIView):
    review_access = {"POST": "manage"}

    @extend_schema(request=RobCustomToolInput, responses={201: dict})
    def post(self, request, review_id):
        data = _valid(RobCustomToolInput, request.data)
        tool = services.rob_custom_tool_save(actor=request.user,
                                             review=self.review, definition=data["definition"])
        return Response(tool.definition, 201)


class TargetsApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(responses=RobTargetOutput(many=True))
    def get(self, request, review_id):
        rows = selectors.target_rows(review=self.review, user=request.user)
        return Response([{
            "target": r.target.id if r.target else None,
            "study": r.study.id if r.study else None,
            "record": r.record.id if r.record else None, "tool": r.tool["key"],
            "result": r.result_label, "status": r.status,
            "assessors": [a.assessor.username for a in r.assessments],
            "my_assessment": r.mine.id if r.mine else None} for r in rows])


class StartApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=RobStartInput, responses={201: RobAssessmentOutput})
    def post(self, request, review_id):
        data = _valid(RobStartInput, request.data)
        mine = services.rob_assessment_start(
            actor=request.user, review=self.review, tool_key=data["tool"],
            study_id=data.get("study"), record_id=data.get("record"),
            outcome_id=data.get("outcome"), result=data.get("result", ""))
        return Response(_payload(request, self.review, mine.id), 201)


class AssessmentApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PUT": "screen"}

    @extend_schema(responses=RobAssessmentOutput)
    def get(self, request, review_id, assessment_id):
        return Response(_payload(request, self.review, assessment_id))

    @extend_schema(request=RobSaveInput, responses=RobAssessmentOutput)
    def put(self, request, review_id, assessment_id):
        data = _valid(RobSaveInput, request.data)
        services.rob_assessment_save(
        actor=request.user, review=self.review, assessment_id=assessment_id,
        answers=data.get("answers"), support=data.get("support"),
        overrides=data.get("overrides"))
        return Response(_payload(request, self.review, assessment_id))


class SubmitApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=RobAssessmentOutput)
    def post(self, request, review_id, assessment_id):
        services.rob_assessment_submit(actor=request.user,
                                       review=self.review, assessment_id=assessment_id)
        return Response(_payload(request, self.review, assessment_id))


class WithdrawApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=RobAssessmentOutput)
    def post(self, request, review_id, assessment_id):
        services.rob_assessment_withdraw(actor=request.user,
                                         review=self.review, assessment_id=assessment_id)
        return Response(_payload(request, self.review, assessment_id))


class ProposeApi(ReviewScopedAPIView):
    """What the tool's algorithm proposes for these answers (nothing is saved): the page
    calls it as the assessor answers."""

    review_access = {"POST": "screen"}

    @extend_schema(request=RobProposeInput, responses={200: dict})
    def post(self, request, review_id, target_id):
        data = _valid(RobProposeInput, request.data)
        tool = selectors.tool_for(self.review, _target(self.review, target_id).tool_key)
        if tool is None:
            raise Http404
        overrides = services.clean_overrides(data.get("overrides"))
        return Response(services.evaluate(tool=tool, answers=data.get("answers") or {},
                                          overrides=overrides))


def comparison_rows(*, user, membership, review, target):
    """The differences of a target for a member who may settle them; 404 while blinded."""
    settings = selectors.settings_of(review)
    if not can(membership, "screen") or not selectors.may_see_others(
            user=user, target=target, settings=settings):
        raise Http404("Blinded until every assessment of this study is submitted.")
    return selectors.comparison(target=target)


class ComparisonApi(ReviewScopedAPIView):
    review_access = {"GET": "screen", "POST": "screen"}

    @extend_schema(responses=RobDifferenceOutput(many=True))
    def get(self, request, review_id, target_id):
        rows = comparison_rows(user=request.user, membership=self.membership,
                               review=self.review, target=_target(self.review, target_id))
        return Response([{"key": r["key"], "a": r["a"], "b": r["b"],
                          "consensus": r["consensus"], "needs_decision": r["needs_decision"],
                          "decided": r["decision"] is not None} for r in rows])

    @extend_schema(request=RobDecideInput, responses=RobAssessmentOutput)
    def post(self, request, review_id, target_id):
        target = _target(self.review, target_id)  # another review's: 404 before the body
        data = _valid(RobDecideInput, request.data)
        consensus = services.rob_consensus_decide(
            actor=request.user, review=self.review, target_id=target.id, key=data["key"],
            source=data["source"], value=data.get("value"), reason=data.get("reason", ""))
        return Response(_payload(request, self.review, consensus.id))


class VerifyApi(ReviewScopedAPIView):
    review_access = {"POST": "screen"}

    @extend_schema(request=None, responses=RobAssessmentOutput)
    def post(self, request, review_id, target_id):
        consensus = services.rob_consensus_verify(actor=request.user,
                                                  review=self.review,
                                                  target_id=_target(self.review, target_id).id)
        return Response(_payload(request, self.review, consensus.id))


class SummaryApi(ReviewScopedAPIView):
    review_access = {"GET": "read"}

    @extend_schema(parameters=[OpenApiParameter("tool", str, description="a tool key; "
                                                "default: the review's first")],
                   responses={200: dict})
    def get(self, request, review_id):
        summary = selectors.summary(review=self.review, tool_key=request.GET.get("tool"))
        if summary is None:  # the review uses no tool yet
            return Response({"tool": None, "studies": [], "rows": []})
        return Response({k: v for k, v in summary.items() if k != "tool"}
                        | {"tool": summary["tool"]["key"]})
