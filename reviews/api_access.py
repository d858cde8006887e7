"""DRF counterpart of access.review_view: one base class for every review-scoped endpoint."""

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
