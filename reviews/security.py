"""A strict Content Security Policy on every page: scripts and styles from this server only.

The app serves all its own assets (no CDN) and no page has an inline script (configuration
travels as json_script, which is data, not code), so script-src is 'self' alone: an injected
<script> or onclick= does not run. Inline style attributes remain in the templates, hence
style-src-attr. Only HTML gets the header: a PDF shown in the screening page's frame is left
to the browser's viewer.
"""
from django.conf import settings

DEFAULT_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", self.policy)
        return response
