"""Normalisation of DOIs, authors, years, pages, languages and types."""

import pytest

from reviews.searches.importers.normalise import (
    guess_language,
    normalise_author,
    normalise_doi,
    normalise_pages,
    normalise_type,
    normalise_year,
    split_authors,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1186/S13287-022-02786-3", "10.1186/s13287-022-02786-3"),
        ("http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("doi:10.1000/ABC.", "10.1000/abc"),
        ("10.3969／j.issn.1672－187X.2020.01.017", "10.3969/j.issn.1672-187x.2020.01.017"),
        ("not a doi", None),
    ],
)
def test_doi(raw, doi):
    assert normalise_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Smith, John", "Smith, John"),
        ("Smith JA", "Smith, JA"),
        ("Lewis G. F.", "Lewis, G. F."),
        ("Alaa Alhaj-Ismail", "Alhaj-Ismail, Alaa"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Walsdorf, Neill B. [Inventor, Reprint Author]", "Walsdorf, Neill B."),
        ("[Anonymous]", "Anonymous"),
        ("Zhang, Weijia 1,2,+", "Zhang, Weijia"),
        ("Gazic, Barbara MD, PhD *", "Gazic, Barbara"),
        ("Peterson, James A. Ph.D., FACSM", "Peterson, James A."),
        ("Smith, J.D.", "Smith, J.D."),
        ("欧阳 修", "欧阳 修"),
        ("张三", "张三"),
    ],
)
def test_author(raw, name):
    assert normalise_author(raw) == name


def test_author_lists():
    assert split_authors("Zuna, R E and Wang, S S") == ["Zuna, R E", "Wang, S S"]
    assert split_authors("Liu R., Adler D.G.") == ["Liu R.", " Adler D.G."]
    assert split_authors("Smith, John") == ["Smith, John"]
    assert split_authors("Adeli K.Lewis G. F.") == ["Adeli K.", "Lewis G. F."]
    assert split_authors("张三;;李四;", "cnki") == ["张三", "李四"]
    assert split_authors("张三,李四", "cnki") == ["张三", "李四"]


def test_year_pages_language_type():
    assert normalise_year("2021 Jan 19") == 2021
    assert normalise_year("2014///") == 2014
    assert normalise_year("n.d.") is None
    assert normalise_pages("376 -- 383") == "376-383"
    assert normalise_pages("No Pagination Specified") is None
    assert guess_language("系统性硬化症") == "zh"
    assert guess_language("Systemic sclerosis") == "en"
    assert normalise_type("JOUR") == "article"
    assert normalise_type("Book Section") == "chapter"
    assert normalise_type("学位论文") == "thesis"
    assert normalise_type("Something odd") == "other"
