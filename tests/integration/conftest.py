"""Integration fixtures: PostgreSQL, Redis and a live Celery worker started per session.

These tests run only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis
(`.ci/run` sets both); anywhere else they skip with that reason.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def pytest_collection_modifyitems(config, items):
    db_ok = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    broker_ok = os.environ.get("CELERY_BROKER_URL", "").startswith("redis://")
    if db_ok and broker_ok:
        return
    skip = pytest.mark.skip(
        reason="integration tests need DATABASE_URL=postgres://... and CELERY_BROKER_URL="
        "redis://... (run .ci/run, which starts PostgreSQL, Redis and a worker)")
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(skip)


def _database_url_for(settings_dict):
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, shared_media):
    # Overrides the suite's per-test folder: the worker must read the files the tests store.
    settings.MEDIA_ROOT = shared_media


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Overrides the suite's in-memory cache: here web and worker share Redis."""


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory, shared_media):
    """A real worker process on the test database, reached through Redis."""
    from django.db import connection

    from config.celery import app

    mail_dir = tmp_path_factory.mktemp("mail")
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": _database_url_for(connection.settings_dict),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_MEDIA_ROOT": str(shared_media),
    })
    app.control.purge()
    log = open(tmp_path_factory.mktemp("worker") / "worker.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--concurrency=1", "--without-gossip", "--without-mingle", "-n", "it@%h",
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"the Celery worker exited early:\n{log.read()}")
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        pytest.fail("the Celery worker did not answer a ping within 60 s")
    yield {"process": proc, "mail_dir": mail_dir, "log": log}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def live_team(transactional_db, request):
    from tests.conftest import Team

    yield Team()
    if "celery_worker" in request.fixturenames:
        # A test may end while the worker still runs what its last step queued (the items of
        # a de-duplication, their scores): flushing the tables under it deadlocked teardown.
        assert wait_for(_worker_idle, timeout=90), "the worker was still busy after 90 s"


def _worker_idle():
    """No task queued in the broker, none running or reserved by the worker. The solo pool
    answers no inspection while it runs a task: no answer means busy."""
    from amqp.exceptions import ChannelError

    from config.celery import app

    with app.connection_for_read() as conn:
        try:
            if conn.default_channel.queue_declare(queue=app.conf.task_default_queue,
                                                  passive=True).message_count:
                return False
        except ChannelError:  # Redis keeps no empty queue: nothing queued
            pass
    inspect = app.control.inspect(timeout=1.0)
    active, reserved = inspect.active(), inspect.reserved()
    return bool(active) and bool(reserved) and not any(active.values()) \
        and not any(reserved.values())


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
