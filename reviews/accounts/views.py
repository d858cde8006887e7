"""Account pages: sign-in with throttling (reviews.accounts.throttle), password change and reset
(each written to the account's event log), the API tokens page, the account's event log and the
language preference."""
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import (
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import status

from ..ids import parse_id
from ..middleware import LANGUAGE_SESSION_KEY
from ..models import ApiToken
from ..pages import refusal_text
from . import events, selectors, services, throttle, tokens
from .forms import ApiTokenForm, LanguageForm


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


class PasswordChangeLoggedView(PasswordChangeView):
    """Django's password change, written to the account's event log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        events.event_record(user=form.user, actor=form.user, verb="password.change",
                            request=self.request)
        return response


class PasswordResetConfirmLoggedView(PasswordResetConfirmView):
    """Django's new password from a reset link, written to the account's event log; nobody
    signed in acted (whoever held the link)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        events.event_record(user=form.user, actor=None, verb="password.reset",
                            request=self.request)
        return response


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        locked = [e for e in form.non_field_errors().as_data() if e.code == "locked"]
        response = self.render_to_response(self.get_context_data(
            form=form, locked=locked[0].messages[0] if locked else None))
        if locked:
            response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
        return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: make one with a name and a lifetime (its secret shown once),
    see them all, revoke any."""
    form, secret = ApiTokenForm(), None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token_id = parse_id(request.POST.get("token"))
        if token_id is None:
            raise Http404("No such token.")
        tokens.token_revoke(actor=request.user, token_id=token_id)
        messages.success(request, _("Token revoked: it no longer works."))
        return redirect("api_tokens")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                created, secret = tokens.token_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, refusal_text(exc))
            else:
                form = ApiTokenForm()
                messages.success(request, _("Token “%(name)s” created.")
                                 % {"name": created.name})
    return render(request, "reviews/tokens.html", {
        "tokens": tokens.tokens_for(user=request.user), "form": form, "secret": secret,
        "sign_in_days": settings.API_TOKEN_DAYS})


ACCOUNT_EVENTS_PAGE_SIZE = 50


def _event_row(event):
    """One account event as the page lists it: what happened (to which token, and why), and
    the address and browser it came from where the event kept them."""
    detail = event.detail or {}
    expires = detail.get("expires_at")
    return {
        "created_at": event.created_at, "verb": event.verb, "actor": event.actor,
        "label": events.EVENT_LABELS.get(event.verb, event.verb),
        "token": detail.get("name", ""), "prefix": detail.get("prefix", ""),
        "expires": datetime.fromisoformat(expires) if expires else None,
        "via": ApiToken.Issuer(detail["issued_by"]).label
        if detail.get("issued_by") in ApiToken.Issuer.values else "",
        "reason": tokens.END_REASONS.get(detail.get("reason"), detail.get("reason", "")),
        "ip": event.ip or "", "user_agent": event.user_agent or "",
    }


@login_required
@require_GET
def account_events(request):
    """The signed-in user's own account events (sign-ins, sign-outs, failed sign-ins, password
    changes, API tokens made, revoked and ended), newest first, a page at a time."""
    page = Paginator(selectors.account_events_for(user=request.user),
                     ACCOUNT_EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/account_events.html", {
        "page": page, "events": [_event_row(e) for e in page.object_list]})


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["language"]
        request.session[LANGUAGE_SESSION_KEY] = language
        if request.user.is_authenticated:
            services.profile_set_language(actor=request.user, language=language)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
