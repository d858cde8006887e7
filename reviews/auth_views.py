"""Sign-in with throttling (reviews.throttle): the login page and the API token endpoint."""
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from . import throttle


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


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        locked = [e for e in form.non_field_errors().as_data() if e.code == "locked"]
        response = self.render_to_response(self.get_context_data(
            form=form, locked=locked[0].messages[0] if locked else None))
        if locked:
            response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
        return response


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password for a token; refused with 429 and Retry-After while the
    account or the address is locked out."""

    def post(self, request, *args, **kwargs):
        username = str(request.data.get("username") or "")
        try:
            throttle.check(request, username)
        except throttle.Locked as locked:
            return Response({"detail": throttle.locked_message(locked),
                             "retry_after": locked.seconds},
                            status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(locked.seconds)})
        response = super().post(request, *args, **kwargs)
        throttle.succeeded(request, username)
        return response
