"""Small hand-written exports of every format: detection, fields, and rejection of bad files."""

import io

import openpyxl
import pytest

from reviews.searches.importers import FORMATS, ParseError, detect_format, iter_records, parse

RIS = (
    "TY  - JOUR\n"
    "TI  - Mesenchymal stem cells in systemic sclerosis\n"
    "AU  - Smith, John A\n"
    "AU  - van der Berg, Jan\n"
    "PY  - 2021///\n"
    "T2  - Stem Cell Res Ther\n"
    "VL  - 13\nIS  - 1\nSP  - 118\nEP  - 125\n"
    "DO  - https://doi.org/10.1186/S13287-022-02786-3\n"
    "KW  - scleroderma\ncell therapy\n"
    "AB  - First line of the abstract\n"
    "ER  - \n"
)


def records(text, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [p.record for p in iter_records(data, filename="f", **kwargs)]


def test_ris_record_is_normalised():
    (record,) = records(RIS)
    assert record["title"] == "Mesenchymal stem cells in systemic sclerosis"
    assert record["authors"] == ["Smith, John A", "van der Berg, Jan"]
    assert record["year"] == 2021
    assert record["pages"] == "118-125"
    assert record["doi"] == "10.1186/s13287-022-02786-3"
    assert record["keywords"] == ["scleroderma", "cell therapy"]
    assert (record["type"], record["language"]) == ("article", "en")


def test_ris_cochrane_preamble_is_skipped():
    text = (
        "Record #1 of 2\nProvider: John Wiley & Sons, Ltd\nContent: text/plain\n\n"
        + RIS
        + "\nRecord #2 of 2\n"
        + RIS.replace("Mesenchymal", "Second")
    )
    assert [r["title"][:6] for r in records(text)] == ["Mesenc", "Second"]
    assert detect_format(text.encode()) == "ris"


def test_ris_single_space_tags_and_missing_er_still_split_records():
    text = "TY - JOUR\nTI - One\nTY - JOUR\nTI - Two\n"
    assert [r["title"] for r in records(text, format="ris")] == ["One", "Two"]


def test_ris_untagged_line_continues_the_abstract():
    text = RIS.replace("AB  - First line of the abstract\n", "AB  - First line\nand second line\n")
    assert records(text)[0]["abstract"] == "First line and second line"


def test_record_without_title_is_kept_and_flagged():
    parsed = list(iter_records(b"TY  - JOUR\nPY  - n.d.\nER  - \n", filename="f"))
    assert len(parsed) == 1
    assert parsed[0].record["title"] is None
    assert "no title" in parsed[0].problems
    assert "year 'n.d.' could not be read" in parsed[0].problems


def test_record_lines_point_at_the_first_line_of_each_record():
    text = "\n\n" + RIS + "\n" + RIS
    assert [p.line for p in iter_records(text.encode(), filename="f")] == [3, 19]


MEDLINE = (
    "PMID- 32336025\nTI  - Risk-Of-Bias VISualization (robvis): an R package and Shiny web\n"
    "      app for visualizing risk-of-bias assessments.\nDP  - 2020 Apr 26\n"
    "FAU - McGuinness, Luke A\nAU  - McGuinness LA\nJT  - Research synthesis methods\n"
    "LID - 10.1002/jrsm.1411 [doi]\nLA  - eng\n\n"
    "PMID- 1\nTI  - Second\n"
)


def test_medline_continuation_and_last_record_without_newline():
    first, second = records(MEDLINE)
    assert first["title"].endswith("Shiny web app for visualizing risk-of-bias assessments.")
    assert first["authors"] == ["McGuinness, Luke A"]
    assert (first["pmid"], first["doi"], first["year"]) == ("32336025", "10.1002/jrsm.1411", 2020)
    assert second["title"] == "Second"


def test_wos_plain_text():
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Husinka, L\n   Koerner, PH\n"
        "TI Review of cyclin-dependent kinase\n   inhibitors\nPY 2020\nDI 10.1000/ABC\nER\n\nEF\n"
    )
    (record,) = records(text)
    assert record["authors"] == ["Husinka, L", "Koerner, PH"]
    assert record["title"] == "Review of cyclin-dependent kinase inhibitors"
    assert record["doi"] == "10.1000/abc"


def test_ovid_tagged_with_numbered_headers():
    text = "<1. >\nVN  - Ovid\nTI  - One\nAU  - Doe, J.\nYR  - 2004\n\n<2. >\nTI - Two\n"
    assert [r["title"] for r in records(text)] == ["One", "Two"]


def test_noteexpress_with_wrapped_abstract_and_translated_title():
    text = (
        "{Reference Type}: Journal Article\n{Title}: 间充质干细胞治疗系统性硬化症\n"
        "{Translated Title}: Mesenchymal stem cells for systemic sclerosis\n"
        "{Author}: 张三;;李四\n{Year}: 2022\n{Abstract}: 目的 探讨\n疗效\n"
    )
    (record,) = records(text)
    assert record["authors"] == ["张三", "李四"]
    assert record["abstract"] == "目的 探讨疗效"
    assert record["title_translated"] == "Mesenchymal stem cells for systemic sclerosis"
    assert record["language"] == "zh"


def test_refworks_and_refer_and_estudy():
    refworks = "RT Journal Article\nA1林行众;王五\nT1 标题\nYR 2020\nvo 7\n"
    assert records(refworks)[0]["authors"] == ["林行众", "王五"]
    assert records(refworks)[0]["volume"] == "7"
    refer = "%0 Thesis\n%A 胡某\n%T 论文题目\n%D 2019\n\n%0 Journal Article\n%T 第二\n"
    assert [r["type"] for r in records(refer)] == ["thesis", "article"]
    estudy = "DataType: 1\nTitle-题名: 题目\nAuthor-作者: 甲;乙;\nYear-年: 2021\n"
    assert records(estudy)[0]["authors"] == ["甲", "乙"]


def test_bibtex_accents_macros_and_authors():
    text = (
        '@string{jr = "Journal of Reviews"}\n'
        '@article{key1,\n  title = {The {M{\\"u}ller} effect},\n'
        "  author = {M{\\\"u}ller, Hans and Jos\\'e Garc\\'ia},\n  journal = jr,\n"
        "  year = 2020, pages = {1--9},\n}\n"
    )
    (record,) = records(text)
    assert record["title"] == "The Müller effect"
    assert record["authors"] == ["Müller, Hans", "García, José"]
    assert record["journal"] == "Journal of Reviews"
    assert record["pages"] == "1-9"


def test_bibtex_unclosed_entry_is_rejected_with_its_line():
    with pytest.raises(ParseError) as exc:
        records("\n@article{key,\n title = {Open\n", format="bibtex")
    assert exc.value.line == 2


ENDNOTE_XML = (
    '<?xml version="1.0" encoding="UTF-8" ?><xml><records><record>'
    '<ref-type name="Journal Article">17</ref-type><contributors><authors><author>'
    "<style>Baird, J. K.</style></author></authors></contributors><titles><title><style>"
    "Therapy</style></title></titles><dates><year>2019</year></dates>"
    "<electronic-resource-num>10.1128/CMR.00011-19</electronic-resource-num>"
    "</record></records></xml>"
)


def test_endnote_xml():
    (record,) = records(ENDNOTE_XML)
    assert (record["title"], record["authors"], record["year"]) == (
        "Therapy",
        ["Baird, J. K."],
        2019,
    )
    assert record["doi"] == "10.1128/cmr.00011-19"


def test_endnote_xml_entities_are_refused():
    text = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        "<xml><records><record><titles><title>&a;</title></titles></record></records></xml>"
    )
    with pytest.raises(ParseError):
        records(text, format="endnote-xml")


def test_endnote_xml_broken_is_rejected_with_line():
    with pytest.raises(ParseError) as exc:
        records(ENDNOTE_XML[:-20], format="endnote-xml")
    assert exc.value.line == 1


def test_generic_csv_recognises_english_and_chinese_columns():
    text = "ID,题名,作者,年份,刊名,DOI\nr1,标题,张三;李四,2020,中华医学杂志,DOI: 10.1000/X\n"
    (record,) = records(text)
    assert record["source_id"] == "r1"
    assert record["authors"] == ["张三", "李四"]
    assert (record["year"], record["journal"], record["doi"]) == (2020, "中华医学杂志", "10.1000/x")


def test_csv_mapping_reads_unknown_columns_and_rejects_missing_ones():
    text = 'Heading,Writers,When\nA title,"Doe, J and Roe, R",1999\n'
    with pytest.raises(ParseError):
        records(text)
    mapping = {"Heading": "title", "Writers": "authors", "When": "year"}
    (record,) = records(text, mapping=mapping)
    assert (record["title"], record["authors"], record["year"]) == (
        "A title",
        ["Doe, J", "Roe, R"],
        1999,
    )
    with pytest.raises(ParseError):
        records(text, mapping={"Nope": "title"})
    with pytest.raises(ValueError):
        records(text, mapping={"Heading": "nonsense"})


def test_csv_with_unclosed_quote_is_rejected_with_line():
    with pytest.raises(ParseError) as exc:
        records('title,year\n"ok",2000\n"broken,2001\n', format="csv")
    assert exc.value.line == 3


def test_tsv_and_semicolon_csv():
    assert records("title\tyear\nA\t2001\n")[0]["year"] == 2001
    assert records("title;year\nA;2002\n", format="csv")[0]["year"] == 2002


def test_xlsx_first_sheet_with_header():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Authors", "Year", "Pages"])
    sheet.append(["Sheet title", "Roe, R", 2003.0, "5-9"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse(buffer.getvalue(), filename="x.xlsx")
    assert result.format == "xlsx"
    (parsed,) = result.records
    assert parsed.line == 2
    assert (parsed.record["title"], parsed.record["year"]) == ("Sheet title", 2003)


def test_xlsx_garbage_is_rejected():
    with pytest.raises(ParseError):
        parse(b"PK\x03\x04not really a zip", filename="x.xlsx")


def test_unknown_content_is_rejected_naming_the_file():
    with pytest.raises(ParseError) as exc:
        parse(b"just some words\nno structure\n", filename="notes.txt")
    assert str(exc.value).startswith("notes.txt: ")


def test_file_that_is_not_the_format_named_is_rejected():
    with pytest.raises(ParseError) as exc:
        parse(RIS.encode(), filename="a.ris", format="noteexpress")
    assert exc.value.line == 1
    with pytest.raises(ParseError):
        parse(b"{Reference Type}: Journal Article\n", filename="a.net", format="ris")


def test_parse_error_string_names_file_line_and_reason():
    assert str(ParseError("a.ris", 7, "bad tag")) == "a.ris: line 7: bad tag"
    assert str(ParseError("a.ris", None, "empty")) == "a.ris: empty"


def test_format_names_match_the_design():
    assert "ris" in FORMATS and "endnote-refer" in FORMATS and len(FORMATS) == 17


def test_binary_file_objects_and_paths_are_accepted(tmp_path):
    path = tmp_path / "a.ris"
    path.write_text(RIS)
    assert parse(path, filename="a.ris").records[0].record["year"] == 2021
    with open(path, "rb") as handle:
        assert len(parse(handle, filename="a.ris").records) == 1


def test_bibtex_entries_in_parentheses_and_on_one_line():
    text = "@article(k,\n title={Paren (entry)},\n year=2001\n)\n@misc{b, title={B}}\n"
    assert [r["title"] for r in records(text)] == ["Paren (entry)", "B"]
