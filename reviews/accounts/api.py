"""The API's sign-in: a token for a username and password, throttled like the login page."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from ..api_access import TextField
from . import throttle, tokens


class LockedOutput(serializers.Serializer):
    detail = TextField()
    retry_after = serializers.IntegerField()


class TokenOutput(serializers.Serializer):
    token = TextField()
    expires_at = serializers.DateTimeField()


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password for a new token; refused with 429 and Retry-After while the
    account or the address is locked out. The token expires and is listed, with the user's
    other tokens, on the API tokens page (reviews.accounts.tokens)."""

    @extend_schema(request=AuthTokenSerializer, responses={
        200: TokenOutput,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="Wrong username or password."),
        429: OpenApiResponse(LockedOutput, description="Too many failed sign-ins: retry "
                                                       "after `retry_after` seconds.")})
    def post(self, request, *args, **kwargs):
        # A body that is not an object (a JSON list) has no username: the serializer refuses it.
        fields = request.data if hasattr(request.data, "get") else {}
        username = str(fields.get("username") or "")
        try:
            throttle.check(request, username)
        except throttle.Locked as locked:
            return Response({"detail": throttle.locked_message(locked),
                             "retry_after": locked.seconds},
                            status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(locked.seconds)})
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # a failure is counted (user_login_failed)
        user = serializer.validated_data["user"]
        throttle.succeeded(request, username)
        token, secret = tokens.token_sign_in(user=user)
        return Response({"token": secret, "expires_at": token.expires_at})
