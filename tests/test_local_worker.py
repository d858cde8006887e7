"""`make run`'s embedded default has a real worker: `manage.py runlocal` starts the web server
and one Celery worker on the local broker (a SQLite file, no server), the web side only sends
the task, the worker does it, and a Ctrl-C stops both processes."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WEB_SIDE = r"""
import time, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reviews.models import Search
from reviews.services import review_create

print("eager", settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL.split(":")[0])
owner = get_user_model().objects.create_user(username="owner", password=None)
review = review_create(actor=owner, title="Worker check")
client = Client()
client.force_login(owner)
ris = "".join(f"TY  - JOUR\nTI  - Record {i}\nPY  - 2020\nER  -\n\n" for i in range(3000))
response = client.post(f"/reviews/{review.id}/searches/", {
    "file": SimpleUploadedFile("big.ris", ris.encode()), "source": "pubmed"})
search = Search.objects.get()
print("answered", response.status_code, search.status, search.record_count)
deadline = time.monotonic() + 90
while search.status == "reading" and time.monotonic() < deadline:
    time.sleep(0.2)
    search.refresh_from_db()
print("after", search.status, search.record_count)
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent's wait is missing.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def test_runlocal_serves_runs_tasks_on_its_worker_and_stops_both_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "PRISMFLOW_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
               DJANGO_STATIC_ROOT=str(tmp_path / "static"),
               PRISMFLOW_CACHE_DIR=str(tmp_path / "cache"), PRISMFLOW_LOCAL_BROKER="1",
               PRISMFLOW_LOCAL_BROKER_FILE=str(tmp_path / "broker.sqlite3"),
               DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1", CELERY_WORKER_NICE="0",
               DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    port = _free_port()
    runlocal = subprocess.Popen([sys.executable, "manage.py", "runlocal", f"127.0.0.1:{port}"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    try:
        first = runlocal.stdout.readline()
        assert "web server pid" in first, first
        web_pid, worker_pid = (int(w.strip(",;")) for w in first.split() if w.strip(",;").isdigit())
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
                    assert r.status == 200
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the web server did not answer")
        out = subprocess.run([sys.executable, "-c", WEB_SIDE], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=180)
        lines = out.stdout.splitlines()
        # The local settings: no task runs inside a request.
        assert lines[0] == "eager False sqla+sqlite", out.stdout + out.stderr
        # The request stored the file and answered; nothing was read in it.
        assert lines[1] == "answered 302 reading 0", out.stdout + out.stderr
        # The worker read it.
        assert lines[2] == "after preview 3000", out.stdout + out.stderr
        assert _alive(web_pid) and _alive(worker_pid)
        runlocal.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert runlocal.wait(60) == 0
        assert not _alive(web_pid) and not _alive(worker_pid)
    finally:
        if runlocal.poll() is None:
            runlocal.kill()
        rest = runlocal.stdout.read()
        runlocal.stdout.close()
    assert "stopped the web server and the worker" in rest
