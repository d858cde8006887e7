"""The simulate_screening command: output files, printed figures and exit codes."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from screening.metrics import wss
from tests.conftest import shared_path
from tests.screening.synthetic import synthetic_set

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["record_id", "title", "abstract", "label_included"]


def _write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _synthetic_rows(with_ids=True):
    texts, labels = synthetic_set()
    rows = []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        title, _, abstract = text.partition(". ")
        rows.append(([f"R{i:03d}"] if with_ids else []) + [title, abstract, label])
    return rows, labels


def _run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "simulate_screening", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read_order(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["record_id"]
    return [row[0] for row in rows[1:]]


def test_it_writes_every_record_id_once_and_prints_the_figures(tmp_path):
    rows, labels = _synthetic_rows()
    data = _write_csv(
        tmp_path / "set.csv", ["record_id", "title", "abstract", "label_included"], rows
    )
    result = _run(data, "--out", tmp_path / "order.csv", "--seed", "4")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    order = _read_order(tmp_path / "order.csv")
    ids = [row[0] for row in rows]
    assert sorted(order) == sorted(ids)
    assert figures["n"] == 40 and figures["n_relevant"] == 6
    # The original keys first, in their order; the stopping criterion's after them.
    assert list(figures)[:6] == ["n", "n_relevant", "wss95", "wss100", "rrf10", "seconds"]
    assert list(figures)[6:] == ["stop_recall_target", "stop_confidence", "stop_read",
                                 "stop_recall"]
    # The printed figures are those of the written order.
    by_id = {row[0]: row[3] for row in rows}
    assert figures["wss95"] == pytest.approx(wss(order, by_id, 95))
    assert figures["wss95"] > 0.4


def test_without_record_ids_it_writes_row_numbers_and_the_seed_fixes_the_order(tmp_path):
    rows, _ = _synthetic_rows(with_ids=False)
    data = _write_csv(tmp_path / "set.tsv", ["Title", "Abstract", "label_included"], rows, "\t")
    outputs = []
    for name in ("a.csv", "b.csv"):
        out = io.StringIO()
        call_command("simulate_screening", str(data), out=str(tmp_path / name), seed=9, stdout=out)
        outputs.append(_read_order(tmp_path / name))
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0], key=int) == [str(i) for i in range(1, 41)]


def test_the_written_order_is_the_replay_on_the_live_schedule(tmp_path):
    from screening.prioritisation.labelled_sets import read_labelled_set
    from screening.prioritisation.ranking import simulate

    rows, _ = _synthetic_rows()
    data = _write_csv(tmp_path / "set.csv", HEADER, rows)
    call_command("simulate_screening", str(data), out=str(tmp_path / "o.csv"), seed=5,
                 stdout=io.StringIO())
    dataset = read_labelled_set(data)
    expected = [dataset.ids[i] for i in simulate(dataset.texts, dataset.labels, seed=5)]
    assert _read_order(tmp_path / "o.csv") == expected


def test_it_reads_xlsx_and_another_label_column(tmp_path):
    rows, labels = _synthetic_rows()
    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "title", "abstract", "final"])
    for record_id, title, abstract, label in rows:
        sheet.append([record_id, title, abstract, float(label)])
    book.save(tmp_path / "set.xlsx")
    out = io.StringIO()
    call_command(
        "simulate_screening",
        str(tmp_path / "set.xlsx"),
        out=str(tmp_path / "o.csv"),
        label_column="final",
        stdout=out,
    )
    assert json.loads(out.getvalue())["n_relevant"] == sum(labels)
    assert len(_read_order(tmp_path / "o.csv")) == 40


def test_a_missing_label_column_exits_1_naming_the_file(tmp_path):
    data = _write_csv(tmp_path / "nolabel.csv", ["title", "abstract"], [["a", "b"]])
    result = _run(data, "--out", tmp_path / "o.csv")
    assert result.returncode == 1
    assert "nolabel.csv" in result.stderr and "label_included" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_a_label_that_is_not_0_or_1_exits_1_with_its_line(tmp_path):
    rows = [["t1", "a1", "1"], ["t2", "a2", "0"], ["t3", "a3", "yes"]]
    data = _write_csv(tmp_path / "bad.csv", ["title", "abstract", "label_included"], rows)
    result = _run(data, "--out", tmp_path / "o.csv")
    assert result.returncode == 1
    assert "bad.csv:4" in result.stderr and "'yes'" in result.stderr


def test_a_repeated_record_id_exits_1(tmp_path):
    rows = [["7", "t1", "a1", "1"], ["7", "t2", "a2", "0"]]
    data = _write_csv(
        tmp_path / "dup.csv", ["record_id", "title", "abstract", "label_included"], rows
    )
    result = _run(data, "--out", tmp_path / "o.csv")
    assert result.returncode == 1 and "dup.csv:3" in result.stderr


def test_a_missing_file_exits_1_and_usage_errors_exit_2(tmp_path):
    missing = _run(tmp_path / "absent.csv", "--out", tmp_path / "o.csv")
    assert missing.returncode == 1 and "absent.csv" in missing.stderr
    assert _run("--out", tmp_path / "o.csv").returncode == 2
    assert _run(tmp_path / "x.csv").returncode == 2
    assert _run(tmp_path / "x.csv", "--out", tmp_path / "o.csv", "--seed", "one").returncode == 2


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["ADHD.csv", "Kitchenham_2010.csv", "Nagtegaal_2019.csv"])
def test_shared_dataset_wss95_is_well_above_chance(name, tmp_path):
    data = shared_path("screening", name)
    out = io.StringIO()
    call_command("simulate_screening", str(data), out=str(tmp_path / "o.csv"), stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["n"] == len(_read_order(tmp_path / "o.csv"))
    # Medians 0.54-0.73 measured (benchmarks/bench_screening.py); the floor catches a broken
    # model without being flaky.
    assert figures["wss95"] > 0.3


def test_it_prints_where_the_stopping_criterion_would_have_stopped(tmp_path):
    rows, _ = _synthetic_rows()
    data = _write_csv(tmp_path / "set.csv", HEADER, rows)
    figures = {}
    for confidence in ("0.95", "0.6"):
        out = io.StringIO()
        call_command("simulate_screening", str(data), out=str(tmp_path / "o.csv"), seed=4,
                     confidence=float(confidence), stdout=out)
        figures[confidence] = json.loads(out.getvalue())
    order = _read_order(tmp_path / "o.csv")
    by_id = {row[0]: row[3] for row in rows}
    strict, loose = figures["0.95"], figures["0.6"]
    assert strict["stop_recall_target"] == 0.95 and strict["stop_confidence"] == 0.95
    assert loose["stop_confidence"] == 0.6
    assert 0 < loose["stop_read"] <= strict["stop_read"] <= 40
    # The recall printed is that of the order written, read up to the stop.
    found = sum(by_id[i] for i in order[:loose["stop_read"]])
    assert loose["stop_recall"] == pytest.approx(found / 6)
    # Everything else is the same whatever the criterion's settings.
    assert {k: v for k, v in strict.items() if not k.startswith("stop") and k != "seconds"} == {
        k: v for k, v in loose.items() if not k.startswith("stop") and k != "seconds"}


def test_a_recall_target_outside_0_and_1_is_a_usage_error(tmp_path):
    rows, _ = _synthetic_rows()
    data = _write_csv(tmp_path / "set.csv", HEADER, rows)
    bad = _run(data, "--out", tmp_path / "o.csv", "--recall-target", "95")
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr
    assert _run(data, "--out", tmp_path / "o.csv", "--confidence", "x").returncode == 2
