"""Every sample export in ../shared/data/imports gives its SOURCES.md record count and fields."""

import re

import pytest

from reviews.searches.importers import RECORD_KEYS, parse
from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data

# file -> (format, records) as listed in ../shared/data/imports/SOURCES.md
SAMPLES = {
    "bibtex/Scopus_bib_example.bib": ("bibtex", 3),
    "bibtex/zotero_export.bib": ("bibtex", 1000),
    "cnki_endnote_tagged/zotero_CNKI_Refer_testcases.txt": ("endnote-refer", 8),
    "cnki_estudy/demo_cnki_202101.txt": ("cnki-estudy", 20),
    "cnki_noteexpress/ChineseColon.net": ("noteexpress", 1),
    "cnki_noteexpress/Classic5Test.net": ("noteexpress", 5),
    "cnki_noteexpress/CoverAllTest15Entries.net": ("noteexpress", 15),
    "cnki_noteexpress/withLineBreakInAddress.net": ("noteexpress", 1),
    "cnki_refworks/zotero_CNKI_RefWorks_testcases.txt": ("refworks", 11),
    "embase_csv/embase.csv": ("embase-csv", 6),
    "embase_csv/embase_newpage.csv": ("embase-csv", 6),
    "endnote_xml/tafenoquine.xml": ("endnote-xml", 179),
    "ovid_tagged/zotero_OVID_Tagged_testcases.txt": ("ovid", 23),
    "pubmed_csv/pubmed.csv": ("pubmed-csv", 10),
    "pubmed_medline_nbib/PubMed_example.txt": ("medline", 3),
    "pubmed_medline_nbib/demo_pubmed_202101.nbib": ("medline", 10),
    "pubmed_medline_nbib/res_synth_methods.txt": ("medline", 2),
    "ris_embase/embase.ris": ("ris", 6),
    "ris_other/ASP_ris_example.ris": ("ris", 4),
    "ris_other/benchmark.ris": ("ris", 13),
    "ris_other/proquest.ris": ("ris", 6),
    "ris_other/psycinfo_64.ris": ("ris", 64),
    "ris_other/pubmed_zotero.ris": ("ris", 6),
    "ris_other/ris_issue_992.txt": ("ris", 19),
    "ris_other/zotero_export.ris": ("ris", 1000),
    "ris_ovid/Ovid_ris_example.ris": ("ris", 4),
    "ris_ovid/ovid_psycinfo.ris": ("ris", 6),
    "ris_pubmed/pubmed_46.ris": ("ris", 46),
    "ris_pubmed/pubmed_endnote.txt": ("ris", 6),
    "ris_scopus/Scopus_ris_example.ris": ("ris", 3),
    "ris_scopus/asreview__scopus.ris": ("ris", 6),
    "ris_scopus/scopus.ris": ("ris", 10),
    "ris_wos/web_of_science.txt": ("ris", 10),
    "ris_wos/wos_test.ris": ("ris", 50),
    "scopus_csv/scopus.csv": ("scopus-csv", 137),
    "wanfang_noteexpress/demo_wanfang_202101.NET": ("noteexpress", 20),
    "wos_plaintext/WoS_ciw_example.ciw": ("wos", 5),
    "wos_plaintext/WoS_txt_example.txt": ("wos", 4),
    "wos_plaintext/demo_wos_202101.txt": ("wos", 10),
    "wos_plaintext/example_wos.ris": ("wos", 2),
    "wos_tabdelimited/WoS_medline.txt": ("wos-tab", 10),
}

_CACHE: dict = {}


def _parsed(name):
    if name not in _CACHE:
        path = shared_path("imports", *name.split("/"))
        _CACHE[name] = parse(path, filename=name)
    return _CACHE[name]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_gives_its_record_count_in_its_detected_format(name):
    result = _parsed(name)
    expected_format, count = SAMPLES[name]
    assert result.format == expected_format
    assert len(result.records) == count
    for parsed in result.records:
        assert tuple(parsed.record) == RECORD_KEYS
        assert parsed.record["title"], (name, parsed.line)
        assert "no title" not in parsed.problems


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_fills_authors_and_year_and_normalises_dois(name):
    records = [p.record for p in _parsed(name).records]
    assert any(r["authors"] for r in records)
    assert any(r["year"] for r in records)
    assert all(r["doi"] is None or r["doi"] == r["doi"].lower() for r in records)
    assert all(r["doi"] is None or r["doi"].startswith("10.") for r in records)
    assert all(r["year"] is None or 1500 < r["year"] < 2100 for r in records)


@pytest.mark.parametrize("name", sorted(n for n, (f, _) in SAMPLES.items() if f == "ris"))
def test_ris_fields_are_filled_in_every_record_that_has_their_tag(name):
    text = shared_path("imports", *name.split("/")).read_bytes().decode("utf-8-sig")
    blocks = re.split(r"^TY  - ", text.replace("\r\n", "\n").replace("\r", "\n"), flags=re.M)[1:]
    records = [p.record for p in _parsed(name).records]
    for tags, key in (("AU|A1", "authors"), ("TI|T1", "title"), ("DO", "doi"), ("KW", "keywords")):
        tagged = sum(1 for b in blocks if re.search(rf"^(?:{tags})  - \S", b, re.M))
        assert sum(1 for r in records if r[key]) >= tagged, (key, tagged)


def _record(name, index):
    return _parsed(name).records[index].record


def test_embase_ris_with_byte_order_mark_keeps_its_first_record():
    first = _record("ris_embase/embase.ris", 0)
    assert first["title"].startswith("Duplication cysts")
    assert first["authors"][0] == "Liu, R."
    assert first["year"] == 2014
    assert first["doi"] == "10.4103/2303-9027.138783"
    assert first["source_id"] == "L373791783"


def test_wos_ris_with_cr_only_line_ends_reads_fields_apart():
    records = [p.record for p in _parsed("ris_wos/wos_test.ris").records]
    assert records[0]["title"] == (
        "Microangiography of the humeral condyle in Cocker Spaniel and non-Cocker Spaniel dogs"
    )
    assert records[0]["authors"][0] == "Larsen, LJ"
    assert records[0]["year"] == 1999
    assert all("\n" not in r["title"] for r in records)


def test_rayyan_keywords_continued_on_untagged_lines_are_separate_keywords():
    first = _record("ris_other/ris_issue_992.txt", 0)
    assert first["keywords"][:3] == [
        "Health Facility Administration",
        "Joint Commission",
        "Standards",
    ]
    assert "Patient Education" in first["keywords"]
    assert first["source_id"] == "rayyan-264552525"


def test_ovid_numbered_headers_do_not_leak_into_records():
    records = _parsed("ris_ovid/ovid_psycinfo.ris").records
    assert records[0].line == 2
    assert records[0].record["doi"] == "10.1002/cpp.2398"
    assert records[0].record["authors"][0] == "Trindade, Ines A"


def test_pubmed_medline_without_trailing_newline_keeps_the_last_record():
    records = [p.record for p in _parsed("pubmed_medline_nbib/PubMed_example.txt").records]
    assert records[-1]["doi"] == "10.7717/peerj.5082"
    assert all(r["pmid"] for r in records)


def test_medline_keeps_the_translated_title():
    first = _record("pubmed_medline_nbib/demo_pubmed_202101.nbib", 0)
    assert first["title"] == "Switching of Hormone Therapies in Breast Cancer Women."
    assert first["title_translated"].startswith("Avaliação da mudança")
    assert first["doi"] == "10.1055/s-0040-1719149"


def test_wanfang_keeps_chinese_and_english_titles_and_whole_chinese_names():
    first = _record("wanfang_noteexpress/demo_wanfang_202101.NET", 0)
    assert first["title"] == "超声引导下前锯肌平面阻滞对乳腺癌改良根治术术后肿瘤转移、复发的影响"
    assert first["title_translated"].startswith("Influence of ultrasound-guided serratus")
    assert first["authors"] == ["江文杰", "韩超", "顾达民"]
    assert first["language"] == "zh"
    assert first["pages"] == "117-118"


def test_wanfang_full_width_doi_is_read():
    dois = [p.record["doi"] for p in _parsed("wanfang_noteexpress/demo_wanfang_202101.NET").records]
    assert "10.3969/j.issn.1672-187x.2020.01.017" in dois


def test_cnki_noteexpress_splits_double_semicolon_authors():
    first = _record("cnki_noteexpress/Classic5Test.net", 0)
    assert first["authors"] == ["Alhaj-Ismail, Alaa", "Adwan, Sami", "Stittle, John"]
    assert first["year"] == 2019


def test_cnki_noteexpress_keeps_both_titles():
    record = _record("cnki_noteexpress/ChineseColon.net", 0)
    assert record["title"] == "软组织肉瘤诊治中国专家共识(2015年版)"
    assert record["title_translated"].startswith("Chinese expert consensus")


def test_cnki_estudy_reads_chinese_tags():
    first = _record("cnki_estudy/demo_cnki_202101.txt", 0)
    assert first["authors"] == ["柯洪琴", "陈璿英", "王启斌"]
    assert first["journal"] == "中南药学"
    assert (first["year"], first["volume"], first["issue"]) == (2021, "19", "01")


def test_cnki_refworks_reads_glued_and_lowercase_tags():
    records = [
        p.record for p in _parsed("cnki_refworks/zotero_CNKI_RefWorks_testcases.txt").records
    ]
    assert records[0]["authors"][:2] == ["薛婉钰", "刘娜"]
    assert records[0]["doi"] == "10.13207/j.cnki.jnwafu.2024.07.011"
    types = {r["type"] for r in records}
    assert {"article", "thesis", "patent", "standard", "newspaper"} <= types


def test_cnki_refer_reads_types_and_authors():
    records = [
        p.record for p in _parsed("cnki_endnote_tagged/zotero_CNKI_Refer_testcases.txt").records
    ]
    assert records[0]["authors"][0] == "张会佳"
    assert records[0]["doi"] == "10.13386/j.issn1002-0306.2023090315"
    assert records[1]["type"] == "thesis"


def test_scopus_bibtex_keeps_the_entry_with_a_repeated_field():
    records = [p.record for p in _parsed("bibtex/Scopus_bib_example.bib").records]
    assert records[0]["doi"] == "10.1080/20964129.2020.1722034"
    assert records[0]["authors"][0] == "Li, W."
    assert all(not p.problems for p in _parsed("bibtex/Scopus_bib_example.bib").records)


def test_endnote_xml_reads_pmid_and_doi():
    first = _record("endnote_xml/tafenoquine.xml", 0)
    assert first["title"] == "8-Aminoquinoline Therapy for Latent Malaria"
    assert first["authors"] == ["Baird, J. K."]
    assert first["pmid"] == "31366609"


def test_scopus_csv_reads_eid_pages_and_authors():
    first = _record("scopus_csv/scopus.csv", 0)
    assert first["authors"][0] == "Craig, C."
    assert first["pages"] == "134-141"
    assert first["doi"] == "10.1016/j.foreco.2019.02.016"
    assert first["source_id"].startswith("2-s2.0-")


def test_embase_csv_splits_the_source_column():
    first = _record("embase_csv/embase.csv", 0)
    assert first["journal"] == "Endoscopic Ultrasound"
    assert (first["year"], first["volume"], first["issue"], first["pages"]) == (
        2014,
        "3",
        "3",
        "152-160",
    )


def test_pubmed_csv_reads_the_citation_column():
    second = _record("pubmed_csv/pubmed.csv", 1)
    assert second["pmid"] == "35108106"
    assert (second["volume"], second["issue"], second["pages"]) == ("25", "3", "181-188")
    assert second["authors"][-1] == "Hachen, DS"


def test_wos_tab_with_cr_only_line_ends_reads_every_row():
    first = _record("wos_tabdelimited/WoS_medline.txt", 0)
    assert first["title"].startswith("Cross-scale occupancy dynamics")
    assert first["authors"][0] == "Tingley, Morgan W"
    assert first["year"] == 2018


def test_wos_plain_text_joins_continued_title_lines():
    first = _record("wos_plaintext/demo_wos_202101.txt", 0)
    assert first["title"] == (
        "Review of cyclin-dependent kinase 4/6 inhibitors in the treatment of advanced or "
        "metastatic breast cancer"
    )
    assert first["authors"][0] == "Husinka, Lakyn"


def test_ovid_tagged_reads_bracketed_roles_off_author_names():
    first = _record("ovid_tagged/zotero_OVID_Tagged_testcases.txt", 0)
    assert first["authors"][0] == "Walsdorf, Neill B."
    assert first["type"] == "patent"
