"""A leading underscore means "this module only": a helper another module needs gets a public
name in its one home, so renaming a private helper can never break a distant caller."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("reviews", "screening", "extraction", "synthesis", "config")
# Django's own documented attributes that happen to start with an underscore.
FRAMEWORK = {"_meta", "_default_manager", "_base_manager"}


def _private(name):
    return name.startswith("_") and not name.startswith("__") and name not in FRAMEWORK


def private_uses(source):
    """(line, name) for each private name this source takes from another module: imported
    from it, or read as an attribute of a module it imported."""
    tree = ast.parse(source)
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, a.name) for a in node.names if _private(a.name)]
            modules |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and _private(node.attr)):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def test_no_module_takes_another_modules_private_name():
    offenders = [f"{path.relative_to(ROOT)}:{line}: {name}"
                 for app in APPS for path in sorted((ROOT / app).rglob("*.py"))
                 if "migrations" not in path.parts
                 for line, name in private_uses(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_walk_sees_an_imported_and_an_attribute_private_name():
    source = ("from .rma import _pz, fit_model\nfrom . import services\n"
              "x = services._clean(1)\ny = Model._meta\nz = self._cache\n")
    assert private_uses(source) == [(1, "_pz"), (3, "services._clean")]
