"""Settings: production passes Django's deployment checks; the embedded default is complete."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                     DJANGO_ALLOWED_HOSTS="reviews.example.org")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_embedded_default_is_sqlite_with_eager_celery(settings):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: this run is not on the embedded default")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_celery_is_configured_for_safe_redelivery(settings):
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT


def test_time_limits_come_from_the_environment():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "from django.conf import settings as s;"
            "print(s.CELERY_TASK_TIME_LIMIT, s.CELERY_BROKER_TRANSPORT_OPTIONS)")
    env = dict(os.environ, CELERY_TASK_TIME_LIMIT="7", CELERY_VISIBILITY_TIMEOUT="9")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60).stdout
    assert out.split()[0] == "7" and "'visibility_timeout': 9" in out


def test_no_page_asset_comes_from_another_host():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path


SERVE_CHECK = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'
django.setup()
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST='localhost')
missing = c.get('/no/such/page/')
css = c.get('/static/prismflow/css/app.css')
login = c.get('/accounts/login/')
print(settings.DEBUG, missing.status_code, 'URLconf' in missing.content.decode(),
      'error-404' in missing.content.decode(), css.status_code, login.status_code,
      login.cookies['csrftoken']['secure'] == '')
"""


def _make_variables():
    text = (ROOT / "Makefile").read_text()
    serve = text.split("SERVE_ENV :=", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    return dict(pair.split("=", 1) for pair in serve.split())


def test_make_run_serves_with_debug_off_static_files_and_a_styled_404(tmp_path):
    """The environment `make run` serves with (read from the Makefile): no debug page, static
    files from whitenoise, a login page whose cookies work over plain http on this machine."""
    variables = _make_variables()
    assert variables["DJANGO_DEBUG"] == "0"
    key = tmp_path / "secret_key"
    key.write_text(secrets.token_urlsafe(50))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(variables, DJANGO_SECRET_KEY_FILE=str(key),
               DJANGO_ALLOWED_HOSTS="localhost", DJANGO_STATIC_ROOT=str(tmp_path / "static"))
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr
    out = subprocess.run([sys.executable, "-c", SERVE_CHECK], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "404", "False", "True", "200", "200", "True"], \
        out.stdout + out.stderr


def test_a_secret_key_file_is_read_when_no_key_is_given(tmp_path):
    key = tmp_path / "k"
    key.write_text("k" * 60 + "\n")
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "from django.conf import settings as s; print(s.SECRET_KEY == 'k' * 60, s.DEBUG)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(key))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_no_template_has_inline_script_or_style_so_the_policy_can_stay_strict():
    import re

    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        inline_scripts = [m for m in re.findall(r"<script\b[^>]*>", text)
                          if "src=" not in m and "application/json" not in m]
        assert inline_scripts == [], path
        assert "<style" not in text, path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


def test_every_page_carries_a_strict_content_security_policy(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]


def test_the_api_docs_start_from_a_script_file_under_the_policy(team):
    import re

    docs = team.client("owner").get("/api/docs/")
    assert docs.status_code == 200 and "Content-Security-Policy" in docs
    tags = re.findall(r"<script\b[^>]*>", docs.content.decode())
    assert tags and all("src=" in t for t in tags)
    start = team.client("owner").get("/api/docs/?script=")
    assert start.status_code == 200 and "SwaggerUIBundle" in start.content.decode()


def test_trusted_proxies_are_read_from_the_environment():
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "from django.conf import settings as s; print(*s.TRUSTED_PROXIES)")
    env = dict(os.environ, PRISMFLOW_TRUSTED_PROXIES=" 127.0.0.1, 10.0.0.0/8,,::1 ")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"], out.stderr


@pytest.mark.parametrize("bad", ["localhost", "10.0.0.5/24"])
def test_a_bad_trusted_proxy_stops_the_start_naming_the_variable_and_entry(bad):
    result = _manage("check", PRISMFLOW_TRUSTED_PROXIES=f"127.0.0.1,{bad}")
    assert result.returncode != 0
    assert "ImproperlyConfigured: PRISMFLOW_TRUSTED_PROXIES: " + repr(bad) in result.stderr
