"""Prints RIS parsing speed (records/s) of reviews.searches.importers and of rispy on the same file.

The file has 100,000 records built by repeating the RIS samples in ../shared/data/imports with
each copy perturbed (title, year, pages and DOI changed), written with CRLF line ends.
Usage: python benchmarks/bench_parse.py [--records N] [--runs R]
"""

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviews.searches.importers import iter_records  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "data" / "imports"


def sample_records() -> list[str]:
    records = []
    for path in sorted(SAMPLES.glob("ris_*/*")):
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        for chunk in re.split(r"\n(?=TY  - )", text):
            start = chunk.find("TY  - ")
            end = chunk.find("\nER  -")
            if start >= 0 and end > start:
                records.append(chunk[start:end] + "\nER  - \n")
    return records


def perturb(record: str, index: int, rng: random.Random) -> str:
    record = re.sub(r"^(TI|T1)  - (.*)$", rf"\1  - \2 (copy {index})", record, count=1, flags=re.M)
    record = re.sub(r"^(PY|Y1)  - \d{4}", rf"\1  - {rng.randint(1950, 2024)}", record, flags=re.M)
    record = re.sub(r"^SP  - .*$", f"SP  - {rng.randint(1, 999)}", record, flags=re.M)
    return re.sub(r"^DO  - (.*)$", rf"DO  - \1.{index}", record, flags=re.M)


def build_file(count: int, path: Path) -> None:
    rng = random.Random(1)
    base = sample_records()
    with open(path, "w", encoding="utf-8", newline="\r\n") as handle:
        for index in range(count):
            handle.write(perturb(base[index % len(base)], index, rng))
            handle.write("\n")


def time_ours(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = sum(1 for _ in iter_records(path, filename=str(path), format="ris"))
    return time.perf_counter() - start, count


def time_rispy(path: Path) -> tuple[float, int] | None:
    try:
        import rispy
    except ImportError:
        return None
    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        count = len(rispy.load(handle))
    return time.perf_counter() - start, count


def peak_memory(path: Path) -> float:
    tracemalloc.start()
    for _ in iter_records(path, filename=str(path), format="ris"):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.ris"
        build_file(args.records, path)
        size = path.stat().st_size / 1e6
        print(f"file: {args.records} records, {size:.1f} MB")
        ours = [time_ours(path) for _ in range(args.runs)]
        assert all(count == args.records for _, count in ours), ours
        seconds = statistics.median(t for t, _ in ours)
        print(f"prismflow ris: {args.records / seconds:,.0f} records/s (median of {args.runs})")
        theirs = [time_rispy(path) for _ in range(args.runs)]
        if theirs[0] is None:
            print("rispy: not installed")
        else:
            seconds = statistics.median(t for t, _ in theirs)
            print(
                f"rispy {__import__('rispy').__version__}: {theirs[0][1] / seconds:,.0f} records/s"
                f" (median of {args.runs}, {theirs[0][1]} records)"
            )
        half = Path(folder) / "half.ris"
        build_file(args.records // 2, half)
        print(
            f"peak traced memory: {peak_memory(half):.1f} MB at {args.records // 2} records, "
            f"{peak_memory(path):.1f} MB at {args.records} records"
        )


if __name__ == "__main__":
    main()
