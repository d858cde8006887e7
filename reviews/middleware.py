"""Applies a signed-in user's chosen interface language before LocaleMiddleware runs."""
from django.conf import settings
from django.utils import translation

LANGUAGE_SESSION_KEY = "prismflow_language"


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        # The session carries the user's stored preference (set at login and on change),
        # which LocaleMiddleware reads through the language cookie's fallback path.
        lang = request.session.get(LANGUAGE_SESSION_KEY)
        if lang in self.known:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
            translation.activate(lang)
        return self.get_response(request)
