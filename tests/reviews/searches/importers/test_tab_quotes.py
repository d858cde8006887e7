"""Tab-delimited exports do not quote cells: a double quote there is text, while CSV keeps
its quoting."""

import pytest

from reviews.searches.importers import ParseError, detect_format, iter_records, tabular_columns

WOS_HEADER = "PT\tAU\tAF\tTI\tSO\tLA\tDT\tAB\tPY\tVL\tIS\tBP\tEP\tDI\tUT\n"


def wos_row(title, abstract, ut, pages=("10", "19")):
    cells = [
        "J", "Doe, J; Roe, R", "Doe, Jane; Roe, Rita", title, "ECOLOGY", "English", "Article",
        abstract, "2020", "101", "3", pages[0], pages[1], "10.1002/ecy.3000", ut,
    ]  # fmt: skip
    return "\t".join(cells) + "\n"


def read(text, **kwargs):
    parsed = list(iter_records(text.encode("utf-8"), filename="savedrecs.txt", **kwargs))
    return [p.record for p in parsed], parsed


def test_wos_tab_abstract_opening_with_a_quote_is_read_as_text():
    abstract = '"Species-centered ..." is a procedure that ranks species by range size.'
    text = WOS_HEADER + wos_row("Range maps", abstract, "WOS:1") + wos_row("Next", "Plain", "WOS:2")
    assert detect_format(text.encode(), "savedrecs.txt") == "wos-tab"
    records, parsed = read(text)
    assert [r["source_id"] for r in records] == ["WOS:1", "WOS:2"]
    assert records[0]["abstract"] == abstract
    assert records[0]["pages"] == "10-19"
    assert records[0]["authors"] == ["Doe, Jane", "Roe, Rita"]
    assert parsed[0].problems == []


def test_wos_tab_quotes_inside_a_cell_and_a_title_in_quotes_stay():
    title = '"Rewilding": a review'
    abstract = 'Authors call it "novel" and "wild"; others say "old.'
    records, _ = read(WOS_HEADER + wos_row(title, abstract, "WOS:3"), format="wos-tab")
    assert (records[0]["title"], records[0]["abstract"]) == (title, abstract)


def test_wos_tab_unbalanced_quote_does_not_swallow_the_next_records():
    rows = [
        wos_row("Quote left open", '"Unclosed quote runs on', "WOS:4"),
        wos_row("Closed only", 'ends with a quote"', "WOS:5"),
        wos_row('Title with "one quote', "Abstract", "WOS:6"),
    ]
    records, parsed = read(WOS_HEADER + "".join(rows))
    assert [r["source_id"] for r in records] == ["WOS:4", "WOS:5", "WOS:6"]
    assert records[0]["abstract"] == '"Unclosed quote runs on'
    assert records[1]["abstract"] == 'ends with a quote"'
    assert records[2]["title"] == 'Title with "one quote'
    assert [p.line for p in parsed] == [2, 3, 4]


def test_plain_tsv_reads_quotes_as_text():
    text = 'title\tyear\n"Quoted" start\t2001\nmiddle "x" quote\t2002\n'
    records, _ = read(text, format="tsv")
    assert [r["title"] for r in records] == ['"Quoted" start', 'middle "x" quote']
    columns = tabular_columns(text.encode(), filename="a.tsv", format="tsv")
    assert columns[0] == ("title", "title", ['"Quoted" start', 'middle "x" quote'])


def test_csv_keeps_its_quoting():
    text = 'title,year\n"A, quoted ""title""",2001\n"Multi\nline",2002\n'
    records, parsed = read(text, format="csv")
    assert [r["title"] for r in records] == ['A, quoted "title"', "Multi line"]
    with pytest.raises(ParseError) as exc:
        read('title,year\n"ok",2000\n"Species" is,2001\n', format="csv")
    assert exc.value.line == 3


def test_tab_separated_file_quoted_csv_style_reads_with_format_csv():
    text = 'title\tyear\n"Tab\there"\t2003\n'
    records, _ = read(text, format="csv")
    assert (records[0]["title"], records[0]["year"]) == ("Tab here", 2003)
