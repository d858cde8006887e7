"""Throttling of sign-in: the login page and the API token endpoint, per account and per address.

Failed attempts are counted in the cache in a fixed window (both channels count, through
Django's user_login_failed signal). Once an account or an address reaches its limit, further
attempts are refused without checking the password until the window ends, and the refusal
says when to try again. A success clears the account's count (not the address's).
"""
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


class Locked(Exception):
    def __init__(self, retry_at):
        super().__init__(retry_at)
        self.retry_at = retry_at  # epoch seconds

    @property
    def seconds(self):
        return max(1, int(self.retry_at - time.time()) + 1)


def _limits():
    return {"user": getattr(settings, "LOGIN_FAILURES_PER_USER", 5),
            "addr": getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 20)}


def _window():
    return getattr(settings, "LOGIN_LOCK_SECONDS", 900)


def _keys(request, username):
    # Hashed: a username or an address never appears in the cache in clear.
    def key(kind, value):
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
        return f"prismflow:login:{kind}:{digest}"

    keys = {"addr": key("addr", address_of(request))}
    if username:
        keys["user"] = key("user", username.strip().lower())
    return keys


def address_of(request):
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (settings.TRUSTED_PROXIES)
    the nearest untrusted address in X-Forwarded-For; "unknown" without one."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or "unknown"
    # Settings hold networks (checked at start); ip_network also takes a test's plain strings.
    trusted = [ipaddress.ip_network(n) for n in getattr(settings, "TRUSTED_PROXIES", ())]
    remote_ip = _ip(remote)
    if remote_ip is None or not _within(remote_ip, trusted):
        # Gunicorn leaves REMOTE_ADDR as the peer whatever --forwarded-allow-ips says, and the
        # header of a peer that is no proxy of ours is the client's own to invent.
        return str(remote_ip) if remote_ip else remote
    # Each trusted proxy appends the address it saw: read from the right, past our own
    # proxies. Anything unreadable was not written by them, so stop there.
    for entry in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        ip = _ip(entry.strip())
        if ip is None:
            break
        if not _within(ip, trusted):
            return str(ip)
    return str(remote_ip)


def _ip(text):
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack listener reports an IPv4 peer as ::ffff:a.b.c.d.
    return getattr(ip, "ipv4_mapped", None) or ip


def _within(ip, networks):
    return any(ip in network for network in networks)


def check(request, username):
    """Raise Locked when the account or the address may not try now."""
    limits, now = _limits(), time.time()
    found = cache.get_many(list(_keys(request, username).values()))
    for kind, key in _keys(request, username).items():
        entry = found.get(key)
        if entry and entry["count"] >= limits[kind] and entry["until"] > now:
            raise Locked(entry["until"])


def failed(request, username):
    now, window = time.time(), _window()
    for key in _keys(request, username).values():
        entry = cache.get(key)
        if not entry or entry["until"] <= now:
            entry = {"count": 0, "until": now + window}
        entry["count"] += 1
        cache.set(key, entry, int(entry["until"] - now) + 1)


def succeeded(request, username):
    key = _keys(request, username).get("user")
    if key:
        cache.delete(key)


def spend(request, what, *, limit, window):
    """Count one use of `what` (e.g. a reset mail) from this address; raise Locked once the
    address has used it `limit` times in the window."""
    now = time.time()
    key = f"prismflow:spend:{what}:" + hashlib.sha256(
        address_of(request).encode("utf-8")).hexdigest()[:32]
    entry = cache.get(key)
    if not entry or entry["until"] <= now:
        entry = {"count": 0, "until": now + window}
    if entry["count"] >= limit:
        raise Locked(entry["until"])
    entry["count"] += 1
    cache.set(key, entry, int(entry["until"] - now) + 1)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Receiver of django.contrib.auth.signals.user_login_failed."""
    if request is not None:
        failed(request, credentials.get("username") or "")


def locked_message(locked, *, what="sign-in"):
    """"Too many ... Try again in N minutes (at HH:MM)", in the user's language; `what` is
    "sign-in" (failed sign-ins) or "request" (requests from this address)."""
    from django.utils import timezone
    from django.utils.formats import time_format
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    minutes = max(1, -(-locked.seconds // 60))
    at = timezone.localtime(timezone.datetime.fromtimestamp(locked.retry_at,
                                                            tz=timezone.get_current_timezone()))
    text = (_("Too many failed sign-ins. Try again in %(wait)s (at %(time)s).")
            if what == "sign-in" else
            _("Too many requests from your address. Try again in %(wait)s (at %(time)s)."))
    return text % {
        "wait": ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
        "time": time_format(at, "H:i"),
    }
