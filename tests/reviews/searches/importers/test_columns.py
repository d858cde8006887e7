"""tabular_columns: each spreadsheet column with the field its header is recognised as."""

import io

import openpyxl
import pytest

from reviews.searches.importers import ParseError, tabular_columns

CSV = 'Titel,Autoren,Year,DOI,Notes\nA trial,"Li, X; Wu, Y",2020,10.1/a,\nB trial,,2021,,kept\n'


def test_it_pairs_each_column_with_its_recognised_field_and_first_values():
    columns = tabular_columns(CSV.encode(), filename="export.csv")
    assert columns == [
        ("Titel", None, ["A trial", "B trial"]),
        ("Autoren", None, ["Li, X; Wu, Y"]),
        ("Year", "year", ["2020", "2021"]),
        ("DOI", "doi", ["10.1/a"]),
        ("Notes", None, ["kept"]),
    ]


def test_it_keeps_only_the_first_values_asked_for():
    rows = "".join(f"T{i},{2000 + i}\n" for i in range(50))
    [title, year] = tabular_columns(("Title,Year\n" + rows).encode(), filename="a.csv", samples=2)
    assert title == ("Title", "title", ["T0", "T1"]) and year[2] == ["2000", "2001"]


def test_it_reads_tsv_and_xlsx_headers():
    tsv = tabular_columns("标题\tJahr\n干细胞\t2019\n".encode(), filename="a.tsv", format="tsv")
    assert tsv == [("标题", "title", ["干细胞"]), ("Jahr", None, ["2019"])]
    book = openpyxl.Workbook()
    book.active.append([None, None])
    book.active.append(["Abstract", "Quelle"])
    book.active.append(["Some text", "Lancet"])
    data = io.BytesIO()
    book.save(data)
    columns = tabular_columns(data.getvalue(), filename="a.xlsx")
    assert columns == [("Abstract", "abstract", ["Some text"]), ("Quelle", None, ["Lancet"])]


def test_it_refuses_formats_without_columns_and_reports_broken_files():
    with pytest.raises(ValueError, match="CSV, TSV and XLSX"):
        tabular_columns(b"TY  - JOUR\nTI  - x\nER  - \n", filename="a.ris")
    with pytest.raises(ParseError):
        tabular_columns(b"PK\x03\x04 not a workbook", filename="a.xlsx", format="xlsx")
