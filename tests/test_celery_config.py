"""The Celery worker yields the CPU to people's requests."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import os
from celery.signals import worker_init
import config.celery
before = os.nice(0)
worker_init.send(sender=None)
print(before, os.nice(0))
"""


def run_probe(nice=None):
    env = {k: v for k, v in os.environ.items() if k != "CELERY_WORKER_NICE"}
    if nice is not None:
        env["CELERY_WORKER_NICE"] = nice
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def test_a_starting_worker_lowers_its_cpu_priority():
    before, after = run_probe()
    assert after == min(19, before + 10)


def test_the_priority_drop_can_be_turned_off_or_set():
    before, after = run_probe("0")
    assert after == before
    before, after = run_probe("3")
    assert after == min(19, before + 3)
