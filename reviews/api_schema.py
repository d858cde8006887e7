"""What the OpenAPI schema says beyond each view's own decorator, so that it tells the truth:
the error answers every endpoint can give, and the shape of paged lists.

PrismflowAutoSchema (settings: DEFAULT_SCHEMA_CLASS) adds to every operation the errors it can
answer, unless the view documents that code itself: 400 (a body or query parameter was not
valid: {field: [messages]} or {detail}), 401 (not signed in), 403 (role too low), 404 (a path
id that is not found, or not in one of your reviews), 409 on writes (the state of things
refuses it: extraction locked, a pair already decided; reviews.errors.Conflict).
"""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    "400": OpenApiResponse(OpenApiTypes.OBJECT, description=(
        "Not valid: an object naming each field with its messages, or `detail`.")),
    "401": OpenApiResponse(ErrorOutput, description="Not signed in, or the token is not valid "
                                                    "or has expired."),
    "403": OpenApiResponse(ErrorOutput, description="Your role in this review does not allow "
                                                    "this."),
    "404": OpenApiResponse(ErrorOutput, description="Not found, or not in a review of yours."),
    "409": OpenApiResponse(ErrorOutput, description="The state of things refuses it (e.g. "
                                                    "extraction is locked); `detail` says why."),
}


class PrismflowAutoSchema(AutoSchema):
    def _error_codes(self):
        codes = []
        queried = any(p.get("in") == "query" for p in self._get_parameters())
        if self.method.upper() not in ("GET", "HEAD") or queried:
            codes.append("400")
        if any(isinstance(p, IsAuthenticated) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method.upper() in ("POST", "PUT", "PATCH", "DELETE") and "401" in codes:
            codes.append("409")
        return codes

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if getattr(self.get_response_serializers(), "paged", False):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code)
        return responses


WHOLE = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}  # see api_access.Pages
PAGE_PARAMETERS = [
    OpenApiParameter("limit", WHOLE, description="How many to answer (default 100)."),
    OpenApiParameter("offset", WHOLE, description="How many to pass over first."),
]
NO_NUL = "^[^\\x00]*$"
# DRF trims a text before it checks that it is not blank: "  " is blank. So a text that may not
# be blank holds a character other than white space.
NOT_BLANK = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"


def _free_texts(prop):
    if prop.get("type") == "string" and not ({"format", "enum", "pattern"} & set(prop)):
        prop["pattern"] = NOT_BLANK if prop.get("minLength", 0) >= 1 else NO_NUL
    for key in ("additionalProperties", "items"):
        if isinstance(prop.get(key), dict):
            _free_texts(prop[key])


def strings_without_nul(result, generator, request, public):
    """Postprocessing hook: every free-text string a client sends says it may not hold a NUL
    character, which DRF refuses (and PostgreSQL cannot store), nor be only white space where
    it may not be blank; also in maps and lists."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            _free_texts(prop)
    return result


def paginated(output, *parameters, description=""):
    """extend_schema for an APIView list paged with LimitOffsetPagination by hand."""
    name = output.__name__.removesuffix("Output")
    page = inline_serializer(f"Paginated{name}List", fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": output(many=True),
    })
    page.paged = True  # named like a list: PrismflowAutoSchema.get_operation_id
    return extend_schema(responses=page, parameters=[*PAGE_PARAMETERS, *parameters],
                         description=description or None)
