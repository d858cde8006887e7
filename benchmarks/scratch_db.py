"""A throw-away, migrated PostgreSQL database for a benchmark run, and the environment that
points Django at it (debug off, as in production: with it on Django keeps every query)."""
import contextlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _admin(url):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def django_env(url, **extra):
    return {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "CELERY_BROKER_URL": "",
            "DJANGO_SETTINGS_MODULE": "config.settings", **extra}


@contextlib.contextmanager
def scratch_database(url, env, keep=False):
    """Create the database named by `url`, migrate it, and drop it on the way out (unless
    `keep`: then it stays, to be read with EXPLAIN ANALYZE after the run)."""
    name = url.rsplit("/", 1)[1]
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        yield
    finally:
        if not keep:
            with _admin(url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
