"""Prints the median time to draw a forest plot of 50 studies (SVG and PNG); target ≤ 0.3 s.

Run from the repository root: `.venv/bin/python benchmarks/bench_forest.py [--repeats N]`.
The pooling runs once, outside the timing: only drawing and encoding are measured. Figures
are medians of several runs; the machine may be shared, so expect noise.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthesis.figures.forest import forest_plot  # noqa: E402
from synthesis.stats.engine import pool_case  # noqa: E402


def case_of(k=50, seed=7):
    """Two-arm continuous outcome, k studies, three subgroups."""
    rng = np.random.default_rng(seed)
    n1, n2 = rng.integers(10, 200, k), rng.integers(10, 200, k)
    sd1, sd2 = rng.uniform(4, 12, k).round(1), rng.uniform(4, 12, k).round(1)
    m2 = rng.uniform(20, 40, k).round(1)
    m1 = (m2 - 3 + rng.normal(0, 3, k)).round(1)
    data = {"study": [f"Study {chr(65 + i % 26)}{i} {1990 + i % 30}" for i in range(k)],
            "m1i": m1.tolist(), "sd1i": sd1.tolist(), "n1i": n1.tolist(),
            "m2i": m2.tolist(), "sd2i": sd2.tolist(), "n2i": n2.tolist()}  # fmt: skip
    return {"measure": "MD", "method": "REML", "data": data,
            "subgroup": [("A", "B", "C")[i % 3] for i in range(k)]}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--studies", type=int, default=50)
    args = parser.parse_args()
    case = case_of(args.studies)
    result = pool_case(case)
    forest_plot(case, result, fmt="png")  # warm the font caches
    for fmt in ("svg", "png"):
        wall, cpu = [], []
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            out = forest_plot(case, result, {"title": "Benchmark"}, fmt=fmt)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        # CPU time is what the drawing costs; wall time also counts waiting for a busy CPU.
        print(f"forest plot, {args.studies} studies, {fmt.upper()}: "
              f"{statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU "
              f"(medians of {args.repeats}; {len(out)} bytes)")  # fmt: skip


if __name__ == "__main__":
    main()
