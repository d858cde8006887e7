"""A worker knows every task the code defines: a task module nothing imports at start-up would
leave its messages refused as unregistered. The worker's own start-up is reproduced in a fresh
interpreter (the test process has imported everything already)."""
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("reviews", "screening", "extraction", "synthesis")

# What `celery -A config worker` does before it prints its [tasks] banner.
WORKER_START = """
import json
from config.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


def _is_task_decorator(node):
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Name) and target.id == "shared_task"
            or isinstance(target, ast.Attribute) and target.attr in ("shared_task", "task"))


def task_names(source, module):
    """The names the tasks defined in this source register under."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in filter(_is_task_decorator, node.decorator_list):
            named = [k.value.value for k in getattr(deco, "keywords", []) if k.arg == "name"]
            names.append(named[0] if named else f"{module}.{node.name}")
    return names


def _defined_tasks():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield from task_names(path.read_text(encoding="utf-8"), module)


def test_a_starting_worker_registers_every_task_the_code_defines():
    defined = set(_defined_tasks())
    out = subprocess.run([sys.executable, "-c", WORKER_START], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    registered = set(json.loads(out.splitlines()[-1]))
    assert "synthesis.pooling_run" in defined
    assert defined - registered == set()


def test_task_names_come_from_the_decorator():
    source = ('@shared_task(name="a.run", acks_late=True)\ndef run():\n    pass\n\n'
              "@shared_task\ndef plain():\n    pass\n\n@other\ndef helper():\n    pass\n")
    assert task_names(source, "pkg.tasks") == ["a.run", "pkg.tasks.plain"]
