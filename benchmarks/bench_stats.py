"""Prints REML fits per second (k = 20) and leave-one-out time (k = 200), beside metafor if present.

Run from the repository root: `.venv/bin/python benchmarks/bench_stats.py [--repeats N]`.
Figures are medians of several runs; the machine is shared, so expect noise.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthesis.stats import bias, rma  # noqa: E402

R_SCRIPT = r"""
suppressMessages(library(metafor))
d <- jsonlite::fromJSON(commandArgs(TRUE)[1])
# Step halving: with tau2 near 0 plain Fisher scoring can oscillate at a tight threshold.
ctl <- list(threshold = 1e-8, maxiter = 1000, stepadj = 0.5)
fits <- 0; t0 <- proc.time()[["elapsed"]]
for (i in seq_len(nrow(d$y20))) {
  rma(d$y20[i, ], d$v20[i, ], method = "REML", control = ctl); fits <- fits + 1
}
t1 <- proc.time()[["elapsed"]]
l <- system.time(leave1out(rma(d$y200, d$v200, method = "REML", control = ctl)))[["elapsed"]]
cat(sprintf('{"fits_per_s": %f, "loo_s": %f}\n', fits / (t1 - t0), l))
"""


def _data(seed, n_sets):
    rng = np.random.default_rng(seed)
    v20 = rng.uniform(0.01, 0.5, size=(n_sets, 20))
    y20 = rng.normal(0.3, np.sqrt(v20 + 0.1))
    v200 = rng.uniform(0.01, 0.5, size=200)
    y200 = rng.normal(0.3, np.sqrt(v200 + 0.1))
    return y20, v20, y200, v200


def bench_fits(y20, v20):
    start = time.perf_counter()
    for y, v in zip(y20, v20, strict=True):
        rma.rma(y, v, "REML")
    return len(y20) / (time.perf_counter() - start)


def bench_loo(y200, v200):
    start = time.perf_counter()
    bias.leave1out(y200, v200, "REML")
    return time.perf_counter() - start


def bench_metafor(y20, v20, y200, v200):
    """metafor's figures on the same data, or None with the reason."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, "Rscript is not installed (Debian package r-cran-metafor)"
    check = subprocess.run(
        [rscript, "-e", "library(metafor); library(jsonlite)"], capture_output=True, check=False
    )
    if check.returncode != 0:
        return None, "R is installed but metafor or jsonlite is not (r-cran-metafor)"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp, "data.json")
        script = Path(tmp, "bench.R")
        payload = {"y20": y20.tolist(), "v20": v20.tolist(), "y200": y200.tolist()}
        payload["v200"] = v200.tolist()
        data.write_text(json.dumps(payload))
        script.write_text(R_SCRIPT)
        run = subprocess.run(
            [rscript, str(script), str(data)], capture_output=True, text=True, check=False
        )
    if run.returncode != 0:
        return None, f"metafor run failed: {run.stderr.strip()[:200]}"
    return json.loads(run.stdout.strip().splitlines()[-1]), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--fits", type=int, default=2000, help="REML fits per run")
    args = parser.parse_args()
    y20, v20, y200, v200 = _data(20240601, args.fits)
    rma.rma(y20[0], v20[0], "REML")  # warm-up
    fits = [bench_fits(y20, v20) for _ in range(args.repeats)]
    loo = [bench_loo(y200, v200) for _ in range(args.repeats)]
    print(f"REML fits/s, k=20:         {statistics.median(fits):10.0f}  (median of {args.repeats})")
    print(f"leave-one-out k=200, REML: {statistics.median(loo):10.4f} s (median of {args.repeats})")
    ours = rma.rma(y200, v200, "REML")
    print(f"  (k=200 fit: tau2={ours['tau2']:.10g}, estimate={ours['estimate']:.10g})")
    figures, reason = bench_metafor(y20, v20, y200, v200)
    if figures is None:
        print(f"metafor side by side: not run: {reason}")
    else:
        print(f"metafor REML fits/s, k=20: {figures['fits_per_s']:10.0f}")
        print(f"metafor leave1out k=200:   {figures['loo_s']:10.4f} s")


if __name__ == "__main__":
    main()
