"""De-duplication benchmark: accuracy on every labelled set, and speed and memory at scale.

    .venv/bin/python benchmarks/bench_dedup.py                 # accuracy, then 10k/50k/100k
    .venv/bin/python benchmarks/bench_dedup.py --accuracy      # accuracy only
    .venv/bin/python benchmarks/bench_dedup.py --speed 10000 100000 --repeat 3
    .venv/bin/python benchmarks/bench_dedup.py --accuracy --no-peer   # Prismflow alone
    .venv/bin/python benchmarks/bench_dedup.py --misses respiratory   # missed pairs, side by side

Accuracy is counted by record as bib-dedupe's evaluation does (recall = removed true
duplicates / removable; precision = removed true duplicates / all removed records), plus the
false merges counted as pairs, the share of removable duplicates that merges and the review
queue hold together, and the queue's length (pairs of clusters a person is asked to look at).
The labelled files are read through reviews.searches.importers, as a user's file would be.

bib-dedupe 0.11 is measured in the same run on the same sets, in its own venv
(/work/venvs/bibdedupe, created here with python -m venv and pip when it is missing), through
benchmarks/bibdedupe_runner.py: it reads the sets' records_pre_merged.csv, its native input;
the ASySD set, which has none, is passed as the records Prismflow read from it. Its queue is
its "maybe" pairs, one per pair of its clusters.

Speed sets are built from the real records of the labelled sets: distinct records are made
by rewriting half the words of real titles and changing their numbers; a quarter of them get one or
two perturbed copies (typos, dropped DOIs, changed case, abbreviated journals, reordered
authors). Each size runs in a fresh process so its peak memory is its own.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviews.duplicates.matching import decide, dedupe, normalise  # noqa: E402
from reviews.duplicates.matching.evaluate import count, true_labels  # noqa: E402
from reviews.searches.importers import parse  # noqa: E402

SETS_DIR = ROOT.parent / "shared" / "data" / "dedup" / "sets"
SETS = ["cytology_screening", "respiratory", "digital_work", "special_cases", "diabetes"]


def set_file(folder):
    data = folder / "records_pre_merged.csv"
    return data if data.exists() else folder / "asysd_labelled_test_set.csv"


def read_clusters(folder):
    with open(folder / "merged_record_ids.csv", encoding="utf-8", newline="") as handle:
        return [row["merged_ids"].split(";") for row in csv.DictReader(handle)]


def label_id(source_id):
    """ASySD's record_id N is id_000000N in its cluster file."""
    text = str(source_id)
    return f"id_{int(text):07d}" if text.isdigit() else text


def load_set(name):
    """(records, true labels) of one labelled set, read through the importer."""
    folder = SETS_DIR / name
    path = set_file(folder)
    records = [parsed.record for parsed in parse(path, filename=str(path)).records]
    ids = [label_id(record["source_id"]) for record in records]
    return records, true_labels(ids, read_clusters(folder))


PEER_VENV = Path(os.environ.get("BIBDEDUPE_VENV", ROOT.parent / "venvs" / "bibdedupe"))
PEER_REQUIREMENT = "bib-dedupe==0.11.*"
PEER_RUNNER = ROOT / "benchmarks" / "bibdedupe_runner.py"


def peer_python():
    """bib-dedupe's venv interpreter, creating the venv on first use."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PEER_VENV} with {PEER_REQUIREMENT} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", PEER_REQUIREMENT], check=True
        )  # fmt: skip
    return python


def peer_version(python):
    out = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('bib-dedupe'), "
         "m.version('pandas'))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.split()


PEER_COLUMNS = ["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number",
                "pages", "doi", "abstract"]  # fmt: skip


def _peer_input(name, records, ids, native):
    """bib-dedupe's input for a set: its native CSV, or the records Prismflow read."""
    if native is not None and native.exists():
        return native, None
    handle = tempfile.NamedTemporaryFile(
        "w", suffix=f"-{name}.csv", delete=False, encoding="utf-8", newline=""
    )
    with handle:
        writer = csv.writer(handle)
        writer.writerow(PEER_COLUMNS)
        for record_id, record in zip(ids, records, strict=True):
            kind = "inproceedings" if record.get("type") == "conference" else "article"
            writer.writerow([
                record_id, kind, record.get("title") or "",
                " and ".join(record.get("authors") or []), record.get("year") or "",
                record.get("journal") or "", record.get("volume") or "",
                record.get("issue") or "", record.get("pages") or "", record.get("doi") or "",
                record.get("abstract") or "",
            ])  # fmt: skip
    return Path(handle.name), Path(handle.name)


def run_peer(python, name, records, ids, native=True):
    """(cluster labels, queue pairs, seconds) of bib-dedupe on one set, by record index."""
    csv_file = SETS_DIR / name / "records_pre_merged.csv" if native else None
    path, scratch = _peer_input(name, records, ids, csv_file)
    try:
        out = subprocess.run(
            [str(python), str(PEER_RUNNER), str(path)], capture_output=True, text=True
        )
    finally:
        if scratch:
            scratch.unlink()
    if out.returncode:
        raise RuntimeError(f"bib-dedupe failed on {name}: {out.stderr.strip()[-2000:]}")
    found = json.loads(out.stdout.strip().splitlines()[-1])
    index = {record_id: k for k, record_id in enumerate(ids)}
    labels = list(range(len(ids)))
    for members in found["clusters"]:
        known = sorted(index[m] for m in members if m in index)
        for k in known:
            labels[k] = known[0]
    queue = set()
    for x, y in found["maybe"]:
        if x in index and y in index and labels[index[x]] != labels[index[y]]:
            queue.add(tuple(sorted((labels[index[x]], labels[index[y]]))))
    return labels, sorted(queue), found["seconds"]


def _row(name, tool, counts, seconds):
    removed = counts.tp + counts.fp
    precision = counts.tp / removed if removed else 1.0
    share = counts.queue / counts.records if counts.records else 0.0
    return (
        f"{name:19} {tool:11} {counts.records:7d} {counts.removable:9d}  {precision:.4f}    "
        f"{counts.sensitivity:.4f}  {counts.false_pairs:11d}  {counts.queue:5d} {share:6.2%}  "
        f"{counts.with_queue:.4f}  {seconds:7.2f}"
    )


XML_DIR = SETS_DIR.parent / "endnote_xml"
XML_SETS = ["copper.xml", "respiratory.xml"]


def xml_marks(path):
    """Per record of an EndNote XML file, whether it is captioned "Duplicate" (every member
    of a duplicate set is, the kept record too)."""
    from defusedxml import ElementTree

    marks = []
    for record in ElementTree.parse(path).getroot().iter("record"):
        caption = record.find("caption")
        text = "".join(caption.itertext()).strip().lower() if caption is not None else ""
        marks.append(text == "duplicate")
    return marks


def xml_row(name, tool, labels, marks, queue, seconds):
    """Without cluster ids only this is certain: a merge holding a record not captioned
    Duplicate is false. Recall is the share of captioned records in a merged cluster."""
    groups = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    merged = [members for members in groups.values() if len(members) > 1]
    wrong = sum(1 for members in merged if not all(marks[k] for k in members))
    in_merges = sum(marks[k] for members in merged for k in members)
    removed = sum(len(members) - 1 for members in merged)
    return (
        f"{name:19} {tool:11} {len(labels):7d} {sum(marks):7d}  {removed:7d}  "
        f"{in_merges / max(sum(marks), 1):.4f}  {wrong:17d}  {len(queue):5d} "
        f"{len(queue) / len(labels):6.2%}  {seconds:7.2f}"
    )


def accuracy_xml(python):
    print(
        "\nEndNote XML sets (captions, no cluster ids)\n"
        "set                 tool        records  marked  removed  marked_merged  "
        "merges_w_unmarked  queue  share  seconds"
    )
    for name in XML_SETS:
        path = XML_DIR / name
        if not path.exists():
            print(f"{name:19} absent")
            continue
        records = [parsed.record for parsed in parse(path, filename=str(path)).records]
        marks = xml_marks(path)
        if len(marks) != len(records):
            raise RuntimeError(f"{name}: {len(marks)} captions for {len(records)} records")
        start = time.perf_counter()
        result = dedupe(records)
        seconds = time.perf_counter() - start
        queue = [(p.i, p.j) for p in result.possible]
        print(xml_row(name, "prismflow", result.clusters, marks, queue, seconds))
        if python:
            ids = [f"r{k}" for k in range(len(records))]
            labels, queue, peer_seconds = run_peer(python, name, records, ids, native=False)
            print(xml_row(name, "bib-dedupe", labels, marks, queue, peer_seconds))


def accuracy(peer=True):
    python = peer_python() if peer else None
    if python:
        version, pandas = peer_version(python)
        print(f"peer: bib-dedupe {version} (pandas {pandas}) in {PEER_VENV}")
    print(
        "set                 tool        records removable  precision recall  false_pairs  "
        "queue  share  with_queue  seconds"
    )
    for name in SETS:
        if not (SETS_DIR / name).exists():
            print(f"{name:19} absent")
            continue
        records, truth = load_set(name)
        start = time.perf_counter()
        result = dedupe(records)
        seconds = time.perf_counter() - start
        counts = count(truth, result.clusters, [(p.i, p.j) for p in result.possible])
        print(_row(name, "prismflow", counts, seconds))
        if python:
            ids = [label_id(record["source_id"]) for record in records]
            labels, queue, peer_seconds = run_peer(python, name, records, ids)
            print(_row(name, "bib-dedupe", count(truth, labels, queue), peer_seconds))
    accuracy_xml(python)


SHOWN = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "type"]


def misses(name):
    """Print one pair for every two predicted clusters the labels join, fields side by side."""
    records, truth = load_set(name)
    result = dedupe(records)
    labels = result.clusters
    queued = {frozenset((labels[p.i], labels[p.j])) for p in result.possible}
    by_truth = {}
    for index, label in enumerate(truth):
        by_truth.setdefault(label, {}).setdefault(labels[index], []).append(index)
    for parts in by_truth.values():
        heads = [members[0] for members in parts.values()]
        for i, j in zip(heads, heads[1:], strict=False):
            i, j = min(i, j), max(i, j)
            found = decide(normalise(records[i]), normalise(records[j]))
            in_queue = frozenset((labels[i], labels[j])) in queued
            print(f"=== {records[i]['source_id']} / {records[j]['source_id']}  {found.outcome} "
                  f"{found.score} [{found.reason}] queued={in_queue}")  # fmt: skip
            for key in SHOWN:
                x, y = (_shown(records[k].get(key)) for k in (i, j))
                print(f" {'  ' if x == y else '**'}{key:8} {x}\n {'':11}{y}")


def _shown(value):
    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text[:140]


# ---- synthetic sets for speed ------------------------------------------------------------


def _typo(text, rng):
    if not text or len(text) < 8:
        return text
    k = rng.randrange(1, len(text) - 1)
    return text[:k] + text[k + 1] + text[k] + text[k + 2 :]


def _abbreviate(journal):
    if not journal:
        return journal
    return " ".join(w[:4] if len(w) > 5 else w for w in journal.split() if w.lower() != "of")


def _perturb(record, rng):
    copy = dict(record)
    choice = rng.random()
    if choice < 0.3:
        copy["title"] = _typo(copy["title"], rng)
    elif choice < 0.5 and copy.get("title"):
        copy["title"] = copy["title"].upper() if rng.random() < 0.5 else copy["title"].lower()
    if rng.random() < 0.5:
        copy["doi"] = None
    if rng.random() < 0.4:
        copy["journal"] = _abbreviate(copy.get("journal"))
    if rng.random() < 0.2 and copy.get("authors"):
        authors = list(copy["authors"])
        rng.shuffle(authors)
        copy["authors"] = authors
    return copy


def _distinct_variant(record, pool, rng, serial):
    """A record that is a different study: words swapped in from other titles, new numbers."""
    copy = dict(record)
    words = (copy.get("title") or "study").split()
    donor = (rng.choice(pool).get("title") or "other record").split()
    # Half the words from another title: a different study, not a near-copy of the base.
    for _ in range(max(3, len(words) // 2)):
        if words and donor:
            words[rng.randrange(len(words))] = rng.choice(donor)
    copy["title"] = " ".join(words) + f" {rng.choice(['in', 'for', 'among'])} cohort {serial}"
    copy["year"] = rng.randrange(1980, 2024)
    copy["volume"] = str(rng.randrange(1, 300))
    first = rng.randrange(1, 3000)
    copy["pages"] = f"{first}-{first + rng.randrange(1, 20)}"
    copy["doi"] = f"10.9999/synthetic.{serial}" if copy.get("doi") else None
    copy["abstract"] = None
    return copy


def synthetic(n, seed=7):
    rng = random.Random(seed)
    real = []
    for name in SETS:
        if (SETS_DIR / name).exists():
            real.extend(load_set(name)[0])
    records = []
    serial = 0
    while len(records) < n:
        # Every size has the same make-up: real records rewritten into distinct ones.
        base = _distinct_variant(rng.choice(real), real, rng, serial)
        serial += 1
        records.append(base)
        if rng.random() < 0.25:
            for _ in range(rng.choice([1, 1, 2])):
                records.append(_perturb(base, rng))
    return records[:n]


def speed_one(n):
    records = synthetic(n)
    start, cpu = time.perf_counter(), time.process_time()
    result = dedupe(records)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    merged = len(records) - len(set(result.clusters))
    print(
        json.dumps(
            {"n": n, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
             "peak_mb": round(peak_mb),
             "removed": merged, "queue": len(result.possible)}
        )
    )  # fmt: skip


def speed(sizes, repeat):
    # CPU seconds too: on a shared machine the wall time counts other processes' turns.
    print("records  median_s  runs_s                median_cpu_s  peak_MB  removed  queue")
    for n in sizes:
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--speed-one", str(n)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        times = sorted(run["seconds"] for run in runs)
        median = times[len(times) // 2]
        peak = max(run["peak_mb"] for run in runs)
        cpu = sorted(run["cpu_s"] for run in runs)[len(runs) // 2]
        shown = " ".join(f"{t:.1f}" for t in times)
        print(
            f"{n:7d}  {median:8.2f}  {shown:20}  {cpu:12.2f}  {peak:7d}  "
            f"{runs[0]['removed']:7d}  {runs[0]['queue']:5d}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", action="store_true", help="accuracy only")
    parser.add_argument("--no-peer", action="store_true", help="skip bib-dedupe")
    parser.add_argument("--speed", nargs="*", type=int, help="sizes to time (speed only)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--misses", metavar="SET", help="print one labelled set's missed pairs")
    parser.add_argument("--speed-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.misses:
        misses(args.misses)
        return
    if args.speed_one:
        speed_one(args.speed_one)
        return
    if args.speed is None:
        accuracy(peer=not args.no_peer)
    if not args.accuracy:
        speed(args.speed or [10_000, 50_000, 100_000], args.repeat)


if __name__ == "__main__":
    main()
