"""The pure search-text module: documents and queries in English and Chinese."""
from screening.records import query


def test_a_chinese_run_is_indexed_as_its_character_pairs():
    assert query.tokens("干细胞治疗") == ["干细", "细胞", "胞治", "治疗"]


def test_latin_words_are_lower_cased_and_split_at_punctuation():
    assert query.tokens("Stem-Cell IL-6, ＭＳＣｓ") == ["stem", "cell", "il", "6", "mscs"]


def test_a_document_joins_strings_and_lists_and_skips_missing_fields():
    assert query.document("A b", None, ["张三", "Doe, J"]) == " a b 张三 doe j "
    assert query.document(None, []) == ""


def test_a_chinese_query_must_find_its_pairs_adjacent():
    [term] = query.parse("干细胞")
    assert term.tokens == ("干细", "细胞")
    assert query.to_tsquery([term]) == "('干细' <-> '细胞')"
    # Its fallback substring is found inside the document of a longer sentence only.
    assert term.substring in query.document("间充质干细胞治疗")
    assert term.substring not in query.document("干燥细胞")


def test_words_match_whole_unless_they_end_in_a_star():
    terms = query.parse('fibro* "stem cell" sclerosis')
    assert query.to_tsquery(terms) == "'fibro':* & ('stem' <-> 'cell') & 'sclerosis'"
    doc = query.document("Stem cell therapy for systemic sclerosis and skin fibrosis")
    assert all(t.substring in doc for t in terms)
    assert query.parse("stem")[0].substring not in query.document("systemic")


def test_a_minus_excludes_a_word_or_a_phrase():
    terms = query.parse('sclerosis -mouse* -"case report"')
    assert [t.negated for t in terms] == [False, True, True]
    assert query.to_tsquery(terms) == "'sclerosis' & !'mouse':* & !('case' <-> 'report')"
    assert query.has_positive(terms) and not query.has_positive(terms[1:])


def test_a_lone_chinese_character_matches_the_pairs_it_starts():
    assert query.to_tsquery(query.parse("硬")) == "'硬':*"


def test_nothing_a_user_types_becomes_tsquery_syntax():
    for text in ["a & b", "x:*", "'; drop table", "!(a | b)", "<->", "\\"]:
        out = query.to_tsquery(query.parse(text))
        tokens = [p for p in out.replace("!", " ").replace("(", " ").replace(")", " ")
                  .replace("<->", " ").replace("&", " ").split()]
        # Every token is a quoted word; no operator comes from the input.
        assert all(t.startswith("'") and t.rstrip(":*").endswith("'") for t in tokens), out


def test_punctuation_alone_is_no_search_and_long_input_is_cut():
    assert query.parse("--- ...") == []
    assert len(query.parse(" ".join(f"w{i}" for i in range(100)))) == query.MAX_TERMS
