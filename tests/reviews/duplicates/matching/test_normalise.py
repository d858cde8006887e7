"""Normalisation: the forms records are compared in."""

from reviews.duplicates.matching.normalise import (
    author_names,
    norm_doi,
    norm_issue,
    norm_pages,
    norm_text,
    norm_volume,
    normalise,
    notice_kind,
    numbers_in_title,
)


def test_case_and_punctuation_are_folded():
    assert norm_text("Effect of  IL-6: a (Pilot) study!") == "effect of il 6 a pilot study"


def test_diacritics_are_removed():
    assert (
        norm_text("Évaluation de l’efficacité chez Müller")
        == "evaluation de l efficacite chez muller"
    )


def test_html_entities_and_tags_are_removed():
    assert norm_text("TNF&alpha; in <i>vivo</i> &amp; <sup>18</sup>F") == "tnfalpha in vivo 18 f"


def test_greek_letters_are_spelled_out():
    assert norm_text("TGF-β1 and α-synuclein") == norm_text("TGF-beta1 and alpha-synuclein")


def test_full_width_characters_become_ascii():
    assert norm_text("ＣＯＶＩＤ－１９ study") == "covid 19 study"


def test_other_scripts_are_kept():
    assert norm_text("间充质干细胞治疗") == "间充质干细胞治疗"


def test_doi_loses_prefix_and_case_and_url_encoding():
    assert norm_doi("https://doi.org/10.1016/S0025-7753%2817%2930624-3") == (
        "10.1016/s0025-7753(17)30624-3"
    )
    assert norm_doi("NA") == ""


def test_abbreviated_page_ranges_are_expanded():
    assert norm_pages("221-8") == ("221", "228")
    assert norm_pages("S27") == ("s27", "s27")
    assert norm_pages(None) == ("", "")


def test_author_names_take_family_names_in_both_shapes():
    families, initials, _ = author_names(["Zuna, R E", "Müller-Lüdenscheidt, Hans", "Adeli K."])
    assert families == ["zuna", "mullerludenscheidt", "adeli"]
    assert initials == ["r", "h", "k"]


def test_part_and_report_numbers_are_extracted():
    assert numbers_in_title("outcomes part ii".split()) == ("2",)
    assert numbers_in_title("phase i trial".split()) == ("1",)
    assert numbers_in_title("12 month results".split()) == ("12",)
    # A lone "i" or "v" is a word or a letter, not a number.
    assert numbers_in_title("can i trust vitamin v".split()) == ()


def test_notices_are_recognised():
    assert notice_kind("erratum mesenchymal stem cells") == "erratum"
    assert notice_kind("correction to mesenchymal stem cells") == "erratum"
    assert notice_kind("reply to comments on mesenchymal stem cells") == "reply"
    assert notice_kind("comment on mesenchymal stem cells") == "comment"
    assert notice_kind("mesenchymal stem cells for sclerosis") == ""


def test_database_notes_after_a_title_are_dropped():
    noted = normalise({"title": "Timing of chest tube removal.[Erratum appears in J Card Surg]"})
    assert noted.title == "timing of chest tube removal"
    assert noted.notice == ""


def test_medline_and_crd_title_notes_are_dropped():
    plain = normalise({"title": "Screening for cervical cancer: new alternatives"}).title
    for noted in (
        "Screening for cervical cancer: new alternatives. [Review] [53 refs]",
        "Screening for cervical cancer: new alternatives (Structured abstract)",
        "Screening for cervical cancer: new alternatives. [Japanese]",
    ):
        assert normalise({"title": noted}).title == plain


def test_a_correction_note_inside_a_title_goes_but_the_rest_stays():
    noted = normalise(
        {"title": "Gemcitabine plus carboplatin [corrected], with or without cetuximab"}
    )
    assert noted.title == "gemcitabine plus carboplatin with or without cetuximab"


def test_ranges_listed_in_another_order_give_the_same_pages():
    assert norm_pages("233-238+230-235+246-251") == norm_pages("230-5, 246-51, 233-8")
    assert norm_pages("230-5, 246-51, 233-8") == ("230", "251")


def test_pages_that_lost_their_start_or_became_dates_are_unknown():
    assert norm_pages("t-8") == ("", "")
    assert norm_pages("Suppl-29") == ("", "")
    assert norm_pages("01-Apr") == ("", "")


def test_supplement_number_is_not_a_page():
    assert norm_pages("Suppl 2 S33") == ("s33", "s33")


def test_volume_drops_brackets_and_distrusts_fragments():
    assert norm_volume("10 (11) (no pagination)") == "10"
    assert norm_volume("60 (1 Supplement 1)") == "60"
    assert norm_volume("Volume 14") == "14"
    assert norm_volume("96-98") == "96"
    assert norm_volume("24 Suppl 3") == "24suppl3"
    assert norm_volume("1)") == ""
    assert norm_volume("Korsakova. Part 2. 117") == ""


def test_only_small_plain_issue_numbers_are_trusted():
    assert norm_issue("3") == "3"
    assert norm_issue("No. 12") == "12"
    assert norm_issue("1022") == ""
    assert norm_issue("Supplement 1") == ""


def test_thousands_written_with_a_space_are_one_number():
    assert numbers_in_title("among 10 000 women".split()) == numbers_in_title(
        "among 10000 women".split()
    )


def test_a_cluster_where_no_copy_has_authors_merges_with_no_authors():
    # Seen on the record page: a group of two author-less records crashed the merge.
    from reviews.duplicates.matching import merge_records

    merged = merge_records([{"id": "a", "title": "Stem cells", "authors": []},
                            {"id": "b", "title": "Stem cells"}])
    assert merged["authors"] == []
    assert merged["title"] == "Stem cells"
