"""Encodings, byte-order marks and line ends: the same records whatever the bytes."""

import pytest

from reviews.searches.importers import parse
from reviews.searches.importers.encoding import sniff_encoding

from .test_formats import RIS

NOTEEXPRESS = (
    "{Reference Type}: Journal Article\n{Title}: 间充质干细胞治疗系统性硬化症的疗效\n"
    "{Author}: 张三;;李四\n{Year}: 2022\n{Journal}: 中华风湿病学杂志\n"
)
LATIN_RIS = RIS.replace("Smith, John A", "Müller, José").replace("Mesenchymal", "Mésenchymal")


def _titles(data, **kwargs):
    result = parse(data, filename="f", **kwargs)
    return result.encoding, [(p.record["title"], p.record["authors"]) for p in result.records]


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
def test_chinese_noteexpress_reads_the_same_in_every_encoding(codec):
    encoding, got = _titles(NOTEEXPRESS.encode(codec))
    assert got == [("间充质干细胞治疗系统性硬化症的疗效", ["张三", "李四"])]


def test_gbk_is_read_as_gb18030():
    encoding, got = _titles(NOTEEXPRESS.encode("gbk"))
    assert encoding == "gb18030"
    assert got[0][1] == ["张三", "李四"]


@pytest.mark.parametrize("codec", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_latin_ris_reads_the_same_in_every_encoding(codec):
    _, got = _titles(LATIN_RIS.encode(codec))
    assert got[0][0].startswith("Mésenchymal")
    assert got[0][1][0] == "Müller, José"


def test_cp1252_is_not_mistaken_for_gb18030():
    text = 'title,author\nCaf\xe9 au lait in M\xfcnchen,"D\xf6rfler, J"\n' * 5
    assert sniff_encoding(text.encode("cp1252")) == "cp1252"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("trailing", [True, False])
def test_line_ends_and_missing_trailing_newline(newline, trailing):
    text = (RIS + "\n" + RIS.replace("Mesenchymal", "Second")).rstrip("\n")
    if trailing:
        text += "\n"
    data = text.replace("\n", newline).encode()
    got = parse(data, filename="f").records
    assert [p.record["title"][:6] for p in got] == ["Mesenc", "Second"]
    assert got[0].record["keywords"] == ["scleroderma", "cell therapy"]


def test_stray_bytes_in_utf8_are_kept_not_fatal():
    data = RIS.encode().replace(b"First line", b"First \xff line")
    (parsed,) = parse(data, filename="f").records
    assert parsed.record["abstract"].startswith("First ÿ line")


def test_csv_in_cp1252_with_quoted_newlines():
    text = 'title,author,year\n"Caf\xe9\nsecond line","M\xfcller, J",2001\n'
    (parsed,) = parse(text.encode("cp1252"), filename="f.csv").records
    assert parsed.record["title"] == "Café second line"
    assert parsed.record["authors"] == ["Müller, J"]
