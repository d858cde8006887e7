"""Trim-and-fill with REML: every trimming step and the final fit at the exact root.

Compared with R's metafor when Rscript and metafor are installed. metafor's own REML stops at
its default threshold (1e-5), which moves the filled model's se by up to 5e-5 relative; the
comparison therefore passes a tight `control` to rma() and, through trimfill's `...`, to every
refit inside trimfill (with half steps: undamped Fisher scoring oscillates on one trimmed
subset here and metafor gives up). The reference suite's trimfill cases are checked in
test_reference_cases.py.
"""

import json
import shutil
import subprocess

import numpy as np
import pytest

from synthesis.stats import bias, rma

R_SCRIPT = r"""
suppressMessages({library(metafor); library(jsonlite)})
text <- paste(readLines(file("stdin"), warn = FALSE), collapse = "")
sets <- fromJSON(text, simplifyVector = FALSE)
ctl <- list(threshold = 1e-10, maxiter = 100000, stepadj = 0.5)
out <- lapply(sets, function(d) {
  fit <- rma(unlist(d$yi), unlist(d$vi), method = "REML", control = ctl)
  tf <- trimfill(fit, control = ctl)
  list(k0 = tf$k0, side = tf$side, estimate = tf$beta[1], se = tf$se, tau2 = tf$tau2,
       filled_yi = tf$yi[tf$fill], filled_vi = tf$vi[tf$fill])
})
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
"""


def _datasets():
    """Random-ish sets; every other one has small-study asymmetry, so k0 > 0 is common."""
    rng = np.random.default_rng(20260611)
    out = []
    for i in range(10):
        k = int(rng.integers(6, 30))
        v = rng.uniform(0.01, 0.6, k)
        y = 0.2 + rng.normal(0.0, np.sqrt(v + rng.uniform(0.0, 0.15))) + (i % 2) * np.sqrt(v)
        out.append((y, v))
    return out


def _metafor(datasets):
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript is not installed")
    probe = subprocess.run(  # noqa: S603 - a fixed command, no user input
        [rscript, "-e", "library(metafor); library(jsonlite)"], capture_output=True, timeout=120
    )
    if probe.returncode != 0:
        pytest.skip("R packages metafor and jsonlite are not installed")
    sets = [{"yi": y.tolist(), "vi": v.tolist()} for y, v in datasets]
    done = subprocess.run(  # noqa: S603
        [rscript, "-e", R_SCRIPT], input=json.dumps(sets), capture_output=True, text=True,
        timeout=300, check=True,
    )
    return json.loads(done.stdout)


def test_reml_trimfill_matches_metafor_at_tight_convergence():
    datasets = _datasets()
    expected = _metafor(datasets)
    assert any(e["k0"] > 0 for e in expected), "the data sets should include some filling"
    for (y, v), want in zip(datasets, expected, strict=True):
        got = bias.trimfill(y, v, "REML")
        assert got["k0"] == want["k0"] and got["side"] == want["side"]
        for key in ("estimate", "se", "tau2"):
            assert got[key] == pytest.approx(want[key], rel=1e-8, abs=1e-10), key
        if want["k0"]:
            filled = np.atleast_1d(want["filled_yi"]), np.atleast_1d(want["filled_vi"])
            assert np.allclose(sorted(got["filled_yi"]), sorted(filled[0]), rtol=1e-8)
            assert np.allclose(sorted(got["filled_vi"]), sorted(filled[1]), rtol=1e-12)


def _reml_score(y, v, tau2):
    w = 1.0 / (v + tau2)
    mu = w @ y / w.sum()
    trace_p = w.sum() - (w @ w) / w.sum()
    return float(np.sum(w * w * (y - mu) ** 2) - trace_p)


@pytest.mark.parametrize("index", range(10))
def test_the_filled_reml_fit_sits_at_the_exact_root(index):
    y, v = _datasets()[index]
    got = bias.trimfill(y, v, "REML")
    all_y = np.concatenate([y, got["filled_yi"]])
    all_v = np.concatenate([v, got["filled_vi"]])
    assert len(all_y) == len(y) + got["k0"]
    if got["tau2"] > 0:
        # The REML score vanishes at an interior root, far below metafor's default 1e-5.
        assert abs(_reml_score(all_y, all_v, got["tau2"])) < 1e-9 * np.sum(1 / all_v)
    refit = rma.rma(all_y, all_v, "REML")
    assert got["se"] == pytest.approx(refit["se"], rel=1e-12)
    # k0 is a fixed point of the trimming iteration: the trimmed fit gives the same k0 again.
    sign = 1.0 if got["side"] == "left" else -1.0
    order = np.argsort(sign * y, kind="stable")
    kept = order[: len(y) - got["k0"]]
    beta = rma.fit_model(y[kept], v[kept], None, "REML").beta[0]
    assert max(0, round(bias._l0(sign * (y - beta)))) == got["k0"]
