"""DRF counterpart of access.review_view: one base class for every review-scoped endpoint."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.views import APIView

from .access import ABILITIES, review_for


class ReviewScopedAPIView(APIView):
    """Subclasses set `review_access = {"GET": "read", "POST": "manage", ...}`.

    The check runs in `initial`, after authentication and before the handler, so no handler
    can forget it. Outsiders get 404, members with too low a role 403.
    """

    review_access: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.upper()
        ability = self.review_access.get(method)
        if ability is None and method in ("HEAD", "OPTIONS"):
            ability = "read"
        if ability is None:
            review_for(request.user, kwargs["review_id"], "read")
            self.http_method_not_allowed(request)
        self.review, self.membership = review_for(request.user, kwargs["review_id"], ability)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for ability in cls.review_access.values():
            if ability not in ABILITIES:
                raise ValueError(f"{cls.__name__}: unknown ability {ability!r}")


class Pages(LimitOffsetPagination):
    """LimitOffsetPagination that refuses a limit or offset that is not a whole number (400),
    instead of quietly using the default: the schema says integer, and a client that sent
    `offset=ten` should learn it, not get the first page again."""

    def _whole(self, request, name):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise ValidationError({name: ["Give a whole number of 0 or more."]})
        return int(raw)

    def get_limit(self, request):
        limit = self._whole(request, self.limit_query_param)
        if limit is None or limit == 0:
            return self.default_limit
        return min(limit, self.max_limit) if self.max_limit else limit

    def get_offset(self, request):
        return self._whole(request, self.offset_query_param) or 0


class TextField(serializers.CharField):
    """A text that is a JSON string: DRF's CharField would take the number 0 as "0", where
    the schema (type: string) says a number is refused."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FlagField(serializers.BooleanField):
    """A JSON true or false; DRF's BooleanField would also take "0", 1 or "yes"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def id_field(**kwargs):
    """An object id in a request body: a positive integer the database can hold, so an id
    out of range is a 400, never an overflow in the lookup."""
    from .ids import MAX_ID

    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)
