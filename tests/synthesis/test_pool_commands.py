"""The pool and export_analyses contracts, and the R scripts against the app's results."""
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.synthesis.analysis.test_pooling import locked  # noqa: F401 - a fixture


def test_pool_writes_every_analysis_of_the_latest_snapshot(locked, tmp_path):  # noqa: F811
    out = tmp_path / "pool.json"
    call_command("pool", str(locked.review.id), "--out", str(out))
    data = json.loads(out.read_text())
    assert data["snapshot"] == locked.snapshot.content_hash
    pooled = [a for a in data["analyses"] if "result" in a]
    assert pooled and all({"estimate", "se", "ci_lb", "ci_ub", "pval", "I2", "QE"}
                          <= set(a["result"]) for a in pooled)
    assert all("measure" in a["spec"] and "data" in a["spec"] for a in pooled)


def test_pool_refuses_a_review_without_a_snapshot(team, tmp_path):
    with pytest.raises(CommandError, match="no locked snapshot") as caught:
        call_command("pool", str(team.review.id), "--out", str(tmp_path / "x.json"))
    assert caught.value.returncode == 1


def test_export_analyses_reproduces_the_results_with_metafor(locked, tmp_path):  # noqa: F811
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is not installed (.ci/run installs r-cran-metafor)")
    call_command("export_analyses", str(locked.review.id), "--out", str(tmp_path))
    call_command("pool", str(locked.review.id), "--out", str(tmp_path / "pool.json"))
    pooled = {a["name"]: a for a in json.loads((tmp_path / "pool.json").read_text())
              ["analyses"] if "result" in a}
    from synthesis.analysis.rscript import slugify

    checked = 0
    for name, entry in pooled.items():
        script = tmp_path / f"{slugify(name)}.R"
        assert script.exists() and (tmp_path / f"{slugify(name)}.csv").exists()
        subprocess.run(["Rscript", script.name], cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
        metafor = json.loads((tmp_path / f"{slugify(name)}.metafor.json").read_text())
        for key in ("estimate", "se", "ci_lb", "ci_ub", "pval", "tau2", "I2", "QE"):
            ours = entry["result"].get(key, 0.0)
            assert metafor[key] == pytest.approx(ours, rel=1e-6, abs=1e-9), (name, key)
        checked += 1
    assert checked >= 1
