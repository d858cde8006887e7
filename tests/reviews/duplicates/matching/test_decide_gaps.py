"""Pairs one field leaves in doubt (no title, no pages, a mistyped page, a translated title):
merged when the rest is as strong as a full match, kept apart when it is not."""

from reviews.duplicates.matching import DUPLICATE, decide, dedupe, normalise
from reviews.duplicates.matching.normalise import is_translated_title

from .fixtures import record


def decided(a, b):
    found = decide(normalise(a), normalise(b))
    assert found == decide(normalise(b), normalise(a))  # the order never matters
    return found


def outcome(a, b):
    return decided(a, b).outcome


# ---- a record without a title ------------------------------------------------------------

FERRITIN = record(
    title="Serum ferritin and insulin resistance in adolescents: a cohort study",
    authors=["Garcia, Maria", "Lopez, Juan", "Soto, Ana"],
    year=2015,
    journal="Revista Medica de Chile",
    volume="143",
    issue="6",
    pages="712-719",
    source_id="A1",
)
UNTITLED = record(
    title=None,
    authors=["Garcia, M."],
    year=2015,
    journal="Rev Med Chil",
    volume="143",
    issue="6",
    pages="712-9",
    source_id="B1",
)


def test_untitled_record_in_the_same_place_by_the_same_first_author_is_merged():
    found = decided(FERRITIN, UNTITLED)
    assert (found.outcome, found.reason) == (
        DUPLICATE,
        "no title; same first author, journal and pages",
    )
    assert dedupe([FERRITIN, UNTITLED]).clusters == [0, 0]


def test_untitled_record_differing_in_any_place_field_stays_apart():
    for changed in (
        {"issue": "7"},
        {"pages": "720-727"},
        {"volume": "144"},
        {"year": 2016},
        {"authors": ["Garza, M."]},
        {"authors": ["Garcia, P."]},
        {"journal": "Revista Chilena de Pediatria"},
    ):
        assert outcome(FERRITIN, dict(UNTITLED, **changed)) != DUPLICATE, changed
    assert dedupe([FERRITIN, dict(UNTITLED, issue="7")]).clusters == [0, 1]


def test_untitled_meeting_abstract_on_a_shared_page_stays_apart():
    # A supplement page holds many abstracts, several by one prolific author.
    abstract = dict(FERRITIN, volume="143 Suppl 1", issue="1", pages="S12", type="conference")
    assert outcome(abstract, dict(abstract, title=None, source_id="B2")) != DUPLICATE


# ---- identical citation, one copy without pages or issue -----------------------------------

MEETING = record(
    title="Liraglutide reduces adhesion molecule expression in human aortic endothelial cells",
    authors=["Simpson, R. W.", "Liu, H. B.", "Gaspari, T.", "Dear, A. E."],
    year=2010,
    journal="Diabetes. Conference: 70th Scientific Sessions of the American Diabetes "
    "Association. Orlando FL United States",
    type="conference",
    source_id="EM1",
)
LISTED = dict(MEETING, journal="Diabetes", volume="59", type="article", source_id="EM2")


def test_same_title_authors_journal_and_year_without_pages_is_merged():
    assert outcome(MEETING, LISTED) == DUPLICATE
    assert dedupe([MEETING, LISTED]).clusters == [0, 0]
    # An article listed twice, once without its issue and pages.
    article = dict(LISTED, journal="Diabetes Care", volume="33", issue="4", pages="801-806")
    assert outcome(article, dict(article, issue=None, pages=None)) == DUPLICATE


def test_meeting_abstract_and_the_later_paper_with_pages_stay_apart():
    paper = dict(LISTED, issue="8", pages="1234-1242")
    assert outcome(MEETING, paper) != DUPLICATE


def test_same_authors_with_another_title_year_or_notice_stay_apart():
    other_trial = dict(LISTED, title=MEETING["title"].replace("human aortic", "murine venous"))
    erratum = dict(LISTED, title="Erratum: " + MEETING["title"])
    for other in (other_trial, erratum, dict(LISTED, year=2011)):
        assert outcome(MEETING, other) != DUPLICATE
    one_author_more = dict(LISTED, authors=LISTED["authors"] + ["Widdop, R. E."])
    assert outcome(MEETING, one_author_more) != DUPLICATE


def test_short_identical_titles_without_pages_are_not_merged_by_this_rule():
    short = dict(MEETING, title="Liraglutide and atherosclerosis")
    assert outcome(short, dict(LISTED, title=short["title"])) != DUPLICATE


# ---- a mistyped first page --------------------------------------------------------------

AD_P53 = record(
    title="Clinical research on recombinant human Ad-p53 injection combined with cisplatin "
    "in malignant pleural effusion",
    authors=["Zhao, Wei-Zhu", "Wang, Ji-Kun", "Li, Wei", "Zhang, Xiu-Li"],
    year=2009,
    journal="Chinese Journal of Cancer",
    volume="28",
    issue="12",
    pages="1324-1327",
    source_id="C1",
)


def test_first_page_one_digit_off_with_the_same_end_page_is_merged():
    initials = ["Zhao, W. Z.", "Wang, J. K.", "Li, W.", "Zhang, X. L."]
    for typo in ("1314-1327", "1824-1327", "124-1327"):
        copy = dict(AD_P53, pages=typo, authors=initials)
        found = decided(AD_P53, copy)
        assert (found.outcome, found.reason) == (
            DUPLICATE,
            "same article, one page digit mistyped",
        ), typo


def test_page_typo_without_the_same_end_page_issue_or_authors_stays_apart():
    for changed in (
        {"pages": "1314-1320"},  # another end page: another article
        {"pages": "1214-1327"},  # two digits
        {"pages": "1314-1327", "issue": "11"},
        {"pages": "1314-1327", "issue": None},
        {"pages": "1314-1327", "volume": "29"},
        {"pages": "1314-1327", "authors": ["Chen, Hong", "Wu, Lei"]},
    ):
        assert outcome(AD_P53, dict(AD_P53, **changed)) != DUPLICATE, changed


# ---- a title marked as a translation -------------------------------------------------

PNEUMONIA = record(
    title="Community-acquired pneumonia in older adults: treatment and outcome in a "
    "multicentre study",
    authors=["Perez, Ana", "Ruiz, Luis", "Gomez, Pilar"],
    year=2012,
    journal="Medicina Clinica",
    volume="139",
    issue="5",
    pages="201-207",
    language="en",
    source_id="E1",
)
BRACKETED = dict(
    PNEUMONIA,
    title="[Treatment and outcome of community acquired pneumonia in elderly patients: a "
    "multicenter study]. [Spanish]",
    authors=["Perez, A", "Ruiz, L", "Gomez, P"],
    journal="Med Clin (Barc)",
    language="es",
    source_id="M1",
)


def test_translation_marks_are_recognised():
    assert is_translated_title(BRACKETED["title"])
    assert is_translated_title("[Neoadjuvant chemotherapy in stage IIIA] <ORIGINAL> NEOADJUVANTE")
    assert not is_translated_title("[Corrected] Neoadjuvant chemotherapy in stage IIIA")
    assert not is_translated_title(PNEUMONIA["title"])


def test_translated_title_in_the_same_place_is_merged():
    found = decided(PNEUMONIA, BRACKETED)
    assert (found.outcome, found.reason) == (
        DUPLICATE,
        "same place and authors, title translated",
    )
    # One author alone suffices when the title says it is a translation.
    single = [dict(r, authors=r["authors"][:1]) for r in (PNEUMONIA, BRACKETED)]
    assert outcome(*single) == DUPLICATE
    # The same translation in the same place, languages told apart by the databases.
    same_words = dict(BRACKETED, title="[" + PNEUMONIA["title"] + "]. [Spanish]")
    assert outcome(PNEUMONIA, same_words) == DUPLICATE


def test_translated_title_elsewhere_or_by_others_stays_apart():
    for changed in (
        {"pages": "208-214"},
        {"issue": "6"},
        {"year": 2013},
        {"authors": ["Martin, J", "Ruiz, L", "Gomez, P"]},
        {"title": "[Erratum: treatment and outcome of pneumonia in elderly patients]. [Spanish]"},
        {"title": "[Vaccination against influenza in nursing homes: a survey]. [Spanish]"},
    ):
        assert outcome(PNEUMONIA, dict(BRACKETED, **changed)) != DUPLICATE, changed
