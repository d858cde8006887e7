"""Applies a signed-in user's chosen interface language before LocaleMiddleware runs."""

from django.conf import settings

LANGUAGE_SESSION_KEY = "prismflow_language"


class UserLanguageMiddleware:
    """Per-user language: stored on the profile, cached in the session.

    Runs after the session middleware and before LocaleMiddleware. The user is resolved
    lazily, so anonymous requests cost nothing; a signed-in user's profile is read once
    per session.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.session.get(LANGUAGE_SESSION_KEY)
        if lang is None and request.session.get("_auth_user_id"):
            from .models import Profile

            lang = (
                Profile.objects.filter(user_id=request.session["_auth_user_id"])
                .values_list("language", flat=True)
                .first()
            )
            # "" (no choice made) is remembered too, or a user without a profile would cost
            # this query on every request.
            request.session[LANGUAGE_SESSION_KEY] = lang or ""
        if lang in self.known:
            # LocaleMiddleware reads the language cookie and activates it: one code path.
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)
