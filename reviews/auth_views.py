"""Sign-in with throttling (reviews.throttle): the login page and the API token endpoint."""
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from . import throttle, tokens


class _Throttled:
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            throttle.check(self.request, username)
        except throttle.Locked as locked:
            raise ValidationError(throttle.locked_message(locked), code="locked") from None
        cleaned = super().clean()  # a failure is counted through user_login_failed
        throttle.succeeded(self.request, username)
        return cleaned


class ThrottledAuthenticationForm(_Throttled, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(_Throttled, AdminAuthenticationForm):
    """The admin's login form, throttled like the others (config.urls sets it)."""


class PasswordResetRequestView(PasswordResetView):
    """Password reset by mail where mail is set up. Without a mail server nothing is sent:
    the page says to ask the person who runs Prismflow, who makes a link with
    `manage.py password_reset_link USERNAME` and passes it on. (A review's owner cannot:
    an account may belong to other teams too.)"""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs):
        return super().get_context_data(mail=settings.MAIL_CONFIGURED, **kwargs)

    def form_valid(self, form):
        if not settings.MAIL_CONFIGURED:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            # Each request mails someone: a few an hour from one address, no more.
            throttle.spend(self.request, "password-reset", limit=5, window=3600)
        except throttle.Locked as locked:
            response = self.render_to_response(self.get_context_data(
                form=form, locked=throttle.locked_message(locked, what="request")))
            response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
            return response
        return super().form_valid(form)


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        locked = [e for e in form.non_field_errors().as_data() if e.code == "locked"]
        response = self.render_to_response(self.get_context_data(
            form=form, locked=locked[0].messages[0] if locked else None))
        if locked:
            response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
        return response


class LockedOutput(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField()


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password for a new token; refused with 429 and Retry-After while the
    account or the address is locked out. The token expires and is listed, with the user's
    other tokens, on the API tokens page (reviews.tokens)."""

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
