"""The hard cases, decided pair by pair."""

from reviews.duplicates.matching import DISTINCT, DUPLICATE, POSSIBLE, decide, normalise
from reviews.duplicates.matching.scoring import CONFLICT, journal_agreement

from .fixtures import TRIAL, record


def outcome(a, b):
    return decide(normalise(a), normalise(b)).outcome


def test_same_record_from_two_databases_with_one_field_missing_is_a_duplicate():
    embase = dict(TRIAL, doi=None, pmid=None, source_id="EM1", journal="Stem Cell Res Ther")
    assert outcome(TRIAL, embase) == DUPLICATE


def test_typos_and_case_changes_still_match():
    typo = dict(TRIAL, title=TRIAL["title"].upper().replace("TRANSPLANTATION", "TRANSPLANTAITON"))
    assert outcome(TRIAL, dict(typo, doi=None)) == DUPLICATE


def test_erratum_sharing_the_title_is_distinct():
    erratum = dict(TRIAL, title="Erratum: " + TRIAL["title"], pages="200", doi=None)
    assert outcome(TRIAL, erratum) == DISTINCT


def test_reply_and_comment_are_distinct():
    reply = dict(TRIAL, title="Reply to: " + TRIAL["title"], pages="300-301", doi=None)
    comment = dict(TRIAL, title="Comment on: " + TRIAL["title"], pages="298-299", doi=None)
    assert outcome(TRIAL, reply) == DISTINCT
    assert outcome(TRIAL, comment) == DISTINCT
    assert outcome(reply, comment) == DISTINCT


def test_parts_one_and_two_are_distinct():
    part1 = dict(TRIAL, title="Stem cells in systemic sclerosis. Part I: rationale", doi=None)
    part2 = dict(part1, title="Stem cells in systemic sclerosis. Part II: rationale")
    assert outcome(part1, part2) == DISTINCT


def test_conference_abstract_and_later_paper_are_distinct():
    abstract = record(
        title=TRIAL["title"],
        authors=TRIAL["authors"],
        year=2018,
        journal="Annals of the Rheumatic Diseases (Congress abstracts)",
        volume="77",
        pages="A512",
        type="conference",
    )
    assert outcome(TRIAL, abstract) == DISTINCT


def test_reports_of_one_trial_at_different_follow_up_are_distinct():
    later = dict(
        TRIAL,
        title=TRIAL["title"] + ": 24-month follow-up",
        year=2021,
        volume="12",
        pages="40-48",
        doi=None,
        pmid=None,
    )
    assert outcome(TRIAL, later) == DISTINCT


def test_chinese_record_and_its_english_version_go_to_the_queue():
    english = record(
        title="Efficacy of umbilical cord mesenchymal stem cells in systemic sclerosis",
        authors=["Wang, Li", "Zhao, Min"],
        year=2020,
        journal="Chinese Journal of Rheumatology",
        volume="24",
        pages="301-305",
        language="en",
    )
    chinese = record(
        title="脐带间充质干细胞治疗系统性硬化症的疗效",
        title_translated="Efficacy of umbilical cord mesenchymal stem cells in systemic sclerosis",
        authors=["王丽", "赵敏"],
        year=2020,
        journal="中华风湿病学杂志",
        volume="24",
        pages="301-305",
        language="zh",
    )
    assert outcome(english, chinese) == POSSIBLE


def test_different_dois_are_never_merged():
    other = dict(TRIAL, doi="10.1186/s13287-019-9999-9", pmid=None)
    assert outcome(TRIAL, other) != DUPLICATE


def test_recurring_editorial_titles_need_the_same_pages():
    first = record(title="Editorial", authors=["Lee, A"], year=2000, journal="MIS Q", volume="24")
    assert outcome(first, dict(first, issue="2")) != DUPLICATE
    assert outcome(dict(first, pages="1-2"), dict(first, pages="1-2")) == DUPLICATE


ARTICLE = record(
    title="Incentive spirometry with expiratory positive airway pressure after revascularization",
    authors=["Ferreira, G M", "Haeffner, M P", "Barreto, S S", "Dall'Ago, P"],
    year=2010,
    journal="Arquivos Brasileiros de Cardiologia",
    volume="94",
    issue="2",
    pages="230-235",
)
LONG_ABSTRACT = (
    "Project sponsorship is assumed to be critical to the success of information systems "
    "development. However, little is known about how sponsors manage vendors. We draw on "
    "agency theory and report a survey of 120 projects in which sponsors and vendor managers "
    "rated their governance practices, and we find that sponsor control predicts success."
)


def test_a_title_in_two_languages_at_the_same_pages_is_a_duplicate():
    translated = dict(ARTICLE, title="Espirometria de incentivo com pressao positiva expiratoria")
    assert outcome(ARTICLE, translated) == DUPLICATE


def test_one_author_at_the_same_pages_of_two_issues_is_not_merged():
    single = dict(ARTICLE, authors=["Durlauf, Maria"])
    other = dict(single, title="Big data analytics in human resource management", issue="1")
    assert outcome(single, other) != DUPLICATE


def test_different_titles_at_the_same_pages_with_another_doi_are_not_merged():
    translated = dict(ARTICLE, title="Espirometria de incentivo com pressao positiva expiratoria")
    first, second = dict(ARTICLE, doi="10.1590/s0066-1"), dict(translated, doi="10.1590/s0066-2")
    assert outcome(first, second) != DUPLICATE


def test_pages_listed_in_another_order_match():
    scrambled = dict(ARTICLE, pages="233-238+230-235+246-251")
    listed = dict(ARTICLE, pages="230-5, 246-51, 233-8", journal="Arq Bras Cardiol")
    assert outcome(scrambled, listed) == DUPLICATE


def test_a_corporate_author_cannot_split_the_same_title_in_one_place():
    group = dict(ARTICLE, authors=["Group, ASCUS-LSIL Triage Study (ALTS)"])
    person = dict(ARTICLE, authors=["Solomon, D"])
    assert outcome(group, person) == DUPLICATE
    assert outcome(group, dict(person, pages="240-251")) != DUPLICATE


def test_the_same_doi_and_title_outweigh_swapped_author_names():
    swapped = dict(TRIAL, authors=["Wei, Zhang C", "Na, Li F", "Hong, Chen T"], pmid=None)
    assert outcome(TRIAL, swapped) == DUPLICATE


def test_one_page_of_the_range_is_not_a_conflict():
    assert outcome(ARTICLE, dict(ARTICLE, pages="235")) == DUPLICATE
    assert outcome(ARTICLE, dict(ARTICLE, pages="236")) != DUPLICATE


def test_a_dropped_digit_in_a_title_number_at_the_same_pages_is_a_typo():
    marker = dict(ARTICLE, title="Value of p16INK4a as a marker of progression in CIN grade 1")
    typo = dict(marker, title="Value of p6INK4a as a marker of progression in CIN grade 1")
    assert outcome(marker, typo) == DUPLICATE
    assert outcome(marker, dict(typo, pages="240-245")) == DISTINCT


def test_recurring_editorials_with_different_dois_stay_out_of_the_queue():
    first = record(
        title="Editorial Introduction",
        authors=["Zwass, Vladimir"],
        year=2002,
        journal="Journal of Management Information Systems",
        volume="19",
        pages="5-10",
        doi="10.1080/07421222.2002.11045714",
    )
    second = dict(first, pages="5-6", doi="10.1080/07421222.2002.11045720")
    assert outcome(first, second) == DISTINCT


def test_the_same_long_abstract_outweighs_a_second_doi():
    online = record(
        title="Sponsorship and IT vendor management of projects",
        authors=["Liu, Li", "Yetton, Philip"],
        year=2009,
        journal="Journal of Information Technology",
        volume="24",
        pages="46-54",
        doi="10.1057/jit.2008.23",
        abstract=LONG_ABSTRACT,
    )
    printed = dict(online, year=2010, volume="25", pages="56-64", doi="10.1057/jit.2009.2")
    assert outcome(online, printed) == DUPLICATE
    # Errata and numbered parts may copy the abstract; they stay apart.
    erratum = dict(printed, title="Erratum: " + online["title"])
    part = dict(printed, title=online["title"] + ", part 2")
    assert outcome(online, erratum) == DISTINCT
    assert outcome(online, part) == DISTINCT
    assert outcome(online, dict(printed, journal="European Journal of Information Systems")) != (
        DUPLICATE
    )


def test_a_conference_paper_dated_by_meeting_and_by_proceedings_is_a_duplicate():
    meeting = record(
        title="Good signals, bad signals: performance and trait implications of signaling",
        authors=["Holthaus, Christian", "Stock, Ruth Maria"],
        year=2017,
        journal="International Conference on Information Systems",
        type="conference",
    )
    proceedings = dict(meeting, year=2018, authors=["Holthaus, C.", "Stock, R.M."])
    assert outcome(meeting, proceedings) == DUPLICATE
    assert outcome(meeting, dict(proceedings, year=2019)) != DUPLICATE
    alone = dict(meeting, authors=["Holthaus, Christian"])
    assert outcome(alone, dict(alone, year=2018)) != DUPLICATE


def test_a_supplement_abstract_and_next_years_paper_are_not_merged():
    abstract = dict(TRIAL, year=2018, volume="77 Suppl 2", pages="A512", doi=None, pmid=None)
    paper = dict(TRIAL, doi=None, pmid=None, volume=None, pages=None)
    assert outcome(abstract, paper) != DUPLICATE


def test_meeting_abstracts_sharing_a_supplement_doi_are_distinct():
    first = dict(ARTICLE, title="Liraglutide alters immune populations in atherosclerosis",
                 pages="S528-S529", doi="10.1007/s00125-018-4693-0")  # fmt: skip
    other = dict(first, title="Glucagon-like peptide 1 and reverse cholesterol transport",
                 pages="S557-S558")  # fmt: skip
    assert outcome(first, other) == DISTINCT


def test_letters_by_different_writers_in_one_correspondence_block_stay_apart():
    letter = record(
        title="A trial of intrapleural streptokinase",
        authors=["Rosa, Ute W."],
        year=2005,
        journal="New England Journal of Medicine",
        volume="352",
        pages="2243-5; author reply 2243-5",
    )
    assert outcome(letter, dict(letter, authors=["Bouros, Demosthenes"])) != DUPLICATE


def test_a_page_range_moved_by_a_few_pages_is_one_article():
    print_copy = dict(TRIAL, doi=None, pmid=None)
    online = dict(print_copy, pages="117-125")
    assert outcome(print_copy, online) == DUPLICATE


def test_a_moved_page_range_of_another_length_or_far_away_is_not_merged():
    print_copy = dict(TRIAL, doi=None, pmid=None)
    assert outcome(print_copy, dict(print_copy, pages="117-130")) != DUPLICATE
    assert outcome(print_copy, dict(print_copy, pages="415-423")) != DUPLICATE
    one_author = dict(print_copy, authors=["Zhang, Wei"])
    assert outcome(one_author, dict(one_author, pages="117-125")) != DUPLICATE


def test_letters_lost_to_an_export_encoding_still_match_an_abbreviated_journal():
    french = record(
        title="[Comparison of amoxicillin and cefamandole in the prevention of "
        "bronchopulmonary infections in pulmonary surgery. A randomized double-blind study]",
        authors=["Train, M.", "Soulard, D.", "Bouyer, L."],
        year=1994,
        journal="Annales fran?aises d'anesth?sie et de r?animation",
        volume="13",
        pages="280-284",
    )
    english = dict(
        french,
        title="Antibiotic prophylaxis in pulmonary surgery. A controlled double-blind study of "
        "amoxicillin versus cefamandole",
        journal="Ann Fr Anesth Reanim",
    )
    assert outcome(french, english) == DUPLICATE
    assert outcome(french, dict(english, journal="Ann Thorac Surg")) != DUPLICATE
    assert journal_agreement("annales fran\u0242aises", "ann thorac") == CONFLICT
