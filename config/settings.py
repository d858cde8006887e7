"""Prismflow settings: one module, driven by environment variables.

With no environment at all it runs the embedded default: SQLite, Celery eager, DEBUG on.
Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL,
CELERY_BROKER_URL.
"""
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_networks(name):
    """Comma-separated IP addresses or CIDR networks; a bad entry stops the start, named."""
    networks = []
    for entry in (e.strip() for e in os.environ.get(name, "").split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or network ({error}).") from None
    return tuple(networks)


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY and env("DJANGO_SECRET_KEY_FILE"):
    # `make run` generates one under var/ (readable by its owner only) on the first run.
    SECRET_KEY = Path(env("DJANGO_SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off.")
    # Development only: a key that is useless outside this machine's embedded setup.
    SECRET_KEY = "dev-only-insecure-key-change-me-prismflow-embedded-default"  # noqa: S105

ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies whose X-Forwarded-For is believed (reviews.accounts.throttle.address_of):
# behind nginx, REMOTE_ADDR is the proxy's, the same for every client.
TRUSTED_PROXIES = env_networks("PRISMFLOW_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reviews",
    "screening",
    "extraction",
    "synthesis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reviews.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reviews.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'prismflow.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Busy timeout so a local worker and the web process do not fail on a locked file, and
    # transactions that take the write lock when they begin: a deferred one that read first
    # and then wrote after another process's commit failed at once ("database is locked")
    # instead of waiting out the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20,
                                                          transaction_mode="IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if DEBUG:
    # whitenoise warns on every request when the folder is missing; collectstatic fills it.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Mail: with no server configured, invitations show their link to the owner instead.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend",
)
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# Invitations and password resets are mailed only where mail can leave the machine (or a
# test backend is named); otherwise links are passed on by hand.
MAIL_CONFIGURED = bool(EMAIL_HOST or env("DJANGO_EMAIL_BACKEND"))
INVITATION_EMAILS = MAIL_CONFIGURED
INVITATION_DAYS = env_int("PRISMFLOW_INVITATION_DAYS", 14)  # an invitation link works this long
API_TOKEN_DAYS = env_int("PRISMFLOW_API_TOKEN_DAYS", 30)  # a token from /api/auth/token/
SITE_URL = env("PRISMFLOW_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "prismflow@localhost")

# Uploads: imports over this size are refused before reading.
IMPORT_MAX_BYTES = env_int("PRISMFLOW_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
FULLTEXT_MAX_BYTES = env_int("PRISMFLOW_FULLTEXT_MAX_BYTES", 50 * 1000 * 1000)
# Review archives (synthesis/archive): the largest upload, and the most its members may
# unpack to (so a small zip cannot unpack to fill the disk or the memory).
ARCHIVE_MAX_BYTES = env_int("PRISMFLOW_ARCHIVE_MAX_BYTES", 2 * 1024 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous API call gets 401 with a WWW-Authenticate header.
        "reviews.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "reviews.api_schema.PrismflowAutoSchema",
    # A service's refusal (Django's ValidationError, PermissionDenied, ...) becomes 400, 403,
    # 404 or 409 here, for every API view.
    "EXCEPTION_HANDLER": "reviews.api_errors.exception_handler",
    # Bodies are JSON, which says what is a number, a boolean or null; a form cannot ("0" for
    # false, "null" for null), so the schema could not tell the truth about form bodies.
    # Uploads (searches, extraction import) and the token sign-in take forms of their own.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prismflow API",
    "DESCRIPTION": "Systematic-review workflow: import, de-duplication, screening, "
    "extraction, meta-analysis and PRISMA 2020.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request and response components apart: an upload's file is documented as a binary
    # part of a multipart body, not as the URI string the response holds.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reviews.api_schema.strings_without_nul",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "reviews.models.Review.Status",
        "SearchStatusEnum": "reviews.models.Search.Status",
        "ArmRoleEnum": "extraction.models.ArmRole",
        "RoleEnum": "reviews.models.Role",
        "SearchSourceEnum": "reviews.models.Search.Source",
        "ConsensusSourceEnum": ["a", "b", "typed"],
        "YesNoEnum": ["yes", "no"],  # the records list's has-full-text and conflict filters
        "RecordsDecisionFilterEnum": ["include", "exclude"],
    },
}

# The cache carries import progress between the worker and the web process, so it must be
# shared: Redis when there is one, else files on this machine.
REDIS_CACHE_URL = env("REDIS_CACHE_URL") or (
    env("CELERY_BROKER_URL", "") if env("CELERY_BROKER_URL", "").startswith("redis") else ""
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("PRISMFLOW_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    )
}

# Celery: eager in-process unless a broker is named. PRISMFLOW_LOCAL_BROKER=1 (what `make run`
# sets) names one that needs no server: kombu's SQLAlchemy transport on a SQLite file under
# var/, served by the one local worker `manage.py runlocal` starts. Chosen over kombu's
# filesystem transport: both delivered every message once in our trials (400 tasks from 4
# processes) and both hand a running task back on a cold shutdown, but the filesystem one
# worked a backlog off 4x slower and moves a message file without the lock its writer holds,
# so it can read a half-written message; SQLite stores a message in a transaction or not at
# all. Sending costs ~30 ms here (write-ahead log), ~2 ms there.
LOCAL_BROKER_FILE = Path(env("PRISMFLOW_LOCAL_BROKER_FILE", BASE_DIR / "var" / "broker.sqlite3"))
LOCAL_BROKER = env_bool("PRISMFLOW_LOCAL_BROKER", False) and not env("CELERY_BROKER_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "") or (
    f"sqla+sqlite:///{LOCAL_BROKER_FILE}" if LOCAL_BROKER else "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# Above the hard time limit, so a long task is not redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 10 * 60),
    # How often a worker looks for messages a dead worker left unacknowledged (Redis): every
    # `interval` seconds, but only every `throttle`-th look scans (kombu's defaults: 10 and 10).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    "unacked_mutex_expire": env_int("CELERY_UNACKED_MUTEX_EXPIRE", 300),
}
if CELERY_BROKER_URL.startswith(("sqla+", "sqlalchemy+")):
    # This transport hands its options to SQLAlchemy's create_engine: the Redis ones above
    # mean nothing to it. A busy timeout instead, as for the app's own SQLite file.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 20}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A search queued (to read or to import) this long with no sign of a worker at work lost its
# task message (a worker killed, a broker emptied): its owner may queue it again or discard it.
SEARCH_STUCK_SECONDS = env_int("PRISMFLOW_SEARCH_STUCK_SECONDS", 60)
# A pooling run left "running" this long by a worker that died is claimed again when its task
# is delivered again (late acknowledgement); keep it below the visibility timeout.
POOLING_STALE_SECONDS = env_int("PRISMFLOW_POOLING_STALE_SECONDS", 60)
# Fault injection for the integration test that kills a worker mid-run: a pause after the
# claim. Always 0 outside that test.
POOLING_PAUSE_SECONDS = env_int("PRISMFLOW_POOLING_PAUSE_SECONDS", 0)

# DJANGO_HTTPS=0 only for serving on this machine over plain http (`make run`): with debug
# off, secure cookies and the https redirect would otherwise make logging in impossible.
HTTPS = env_bool("DJANGO_HTTPS", True)
if not DEBUG and HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "reviews.logs.NoTracebackForClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Django's default gives "django" a console handler of its own (with DEBUG on) and
        # lets records reach the root's as well: every line came out twice. Root only.
        "django": {"handlers": [], "level": "INFO"},
        # One line per refused request (403/404), no traceback: see reviews.logs.
        "django.request": {"filters": ["client_errors"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
