"""The hard cases, decided pair by pair."""

from reviews.dedup import DISTINCT, DUPLICATE, POSSIBLE, decide, normalise

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
