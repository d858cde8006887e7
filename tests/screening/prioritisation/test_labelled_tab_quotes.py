"""A tab-delimited labelled set reads a double quote as text, as the importers do (#17)."""
from screening.prioritisation.labelled_sets import read_labelled_set


def _write(tmp_path, text):
    path = tmp_path / "set.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_abstract_opening_with_a_quote_is_text(tmp_path):
    path = _write(tmp_path, "record_id\ttitle\tabstract\tlabel_included\n"
                  'a\tSpecies\t"Species-centered ..." is a procedure\t1\n'
                  'b\tUnbalanced\tHe said "no\t0\n'
                  "c\tPlain\tNothing quoted\t0\n")
    data = read_labelled_set(path)
    assert data.ids == ["a", "b", "c"]
    assert '"Species-centered ..." is a procedure' in data.texts[0]
    assert 'He said "no' in data.texts[1]
    assert data.labels == [1, 0, 0]


def test_a_tsv_that_quotes_a_cell_holding_a_tab_still_reads(tmp_path):
    path = _write(tmp_path, "record_id\ttitle\tabstract\tlabel_included\n"
                  'a\tTitle\t"one\ttwo"\t1\n'
                  "b\tOther\tplain\t0\n")
    data = read_labelled_set(path)
    assert "one\ttwo" in data.texts[0]
    assert data.ids == ["a", "b"] and data.labels == [1, 0]
