"""`python manage.py runlocal [ADDRPORT]`: the web server and one local Celery worker, stopped
together by Ctrl-C (what `make run` starts).

The worker takes its messages from the local broker (settings.LOCAL_BROKER: a SQLite file
under var/, no server to install), so imports, previews, de-duplication, ranking and pooling
run beside the web server, never inside a request, and progress bars move.
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _die_with_parent():
    """In each child: get SIGTERM if runlocal itself is killed (Linux), so that no orphan
    worker is left holding the queue; each child also has a session of its own, so that a
    Ctrl-C reaches runlocal alone and it stops them in order."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Command(BaseCommand):
    help = "Serve the app with one local Celery worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1,
                            help="worker processes (default 1)")
        parser.add_argument("--grace", type=float, default=10,
                            help="seconds a running task may take to finish on Ctrl-C before "
                                 "it is handed back to the queue (default 10)")

    def handle(self, *args, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
            raise CommandError(
                "runlocal needs a broker: set PRISMFLOW_LOCAL_BROKER=1 (a SQLite file under "
                "var/, as `make run` does) or CELERY_BROKER_URL.", returncode=2)
        if settings.LOCAL_BROKER:
            _write_ahead_log(settings.LOCAL_BROKER_FILE)
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
            # With a worker beside the web server, an import writes 100,000 records in one
            # transaction: in SQLite's default journal mode every page read then waited for
            # it and failed ("database is locked") after the 20 s busy timeout; with the
            # write-ahead log readers carry on while it writes.
            _write_ahead_log(Path(database["NAME"]))
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        worker_cmd = [sys.executable, "-m", "celery", "-A", "config", "worker",
                      "--concurrency", str(options["concurrency"]), "--loglevel", "INFO",
                      "--hostname", f"local-{os.getpid()}@%h", "--without-gossip",
                      "--without-mingle"]
        web_cmd = [*manage, "runserver", options["addrport"], "--noreload"]
        children = {}
        stopping = []

        def stop(signum, _frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for name, cmd in (("worker", worker_cmd), ("web", web_cmd)):
                children[name] = subprocess.Popen(  # noqa: S603 (our own interpreter)
                    cmd, cwd=settings.BASE_DIR, start_new_session=True,
                    preexec_fn=_die_with_parent)
            self.stdout.write(f"web server pid {children['web'].pid}, worker pid "
                              f"{children['worker'].pid}; Ctrl-C stops both")
            while not stopping and all(c.poll() is None for c in children.values()):
                time.sleep(0.2)
        finally:
            code = self._stop(children, options["grace"])
        if not stopping and code:
            raise CommandError("a process of runlocal ended on its own (see above)",
                               returncode=1)

    def _stop(self, children, grace):
        """The web server first (no new work), then the worker: a warm shutdown lets a running
        task finish; past the grace period a cold one hands it back to the queue (late
        acknowledgement), so it runs again on the next start."""
        codes = []
        for name, first, wait in (("web", signal.SIGTERM, 5), ("worker", signal.SIGTERM, grace)):
            child = children.get(name)
            if child is None:
                continue
            for sig, seconds in ((first, wait), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
                if child.poll() is not None:
                    break
                try:
                    # The main process only: the worker's pool processes must go on with
                    # their task while it shuts down warm. The last resort takes them all.
                    if sig == signal.SIGKILL:
                        os.killpg(child.pid, sig)
                    else:
                        os.kill(child.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    child.wait(seconds)
                except subprocess.TimeoutExpired:
                    continue
            codes.append(child.wait())
        self.stdout.write("stopped the web server and the worker")
        return next((c for c in codes if c not in (0, -signal.SIGTERM)), 0)


def _write_ahead_log(path):
    """Write-ahead logging on a SQLite file (it stays set in the file). On the broker's file a
    message is sent in about 30 ms instead of about 50, and the worker's polling never blocks
    a send."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=20)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
