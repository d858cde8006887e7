"""Decision rules: a compared pair is a duplicate, a possible duplicate, or distinct."""

from dataclasses import dataclass

from .scoring import AGREE, CONFLICT, UNKNOWN, compare, title_similarity

DUPLICATE, POSSIBLE, DISTINCT = "duplicate", "possible", "distinct"

# Thresholds the rules share, named once; the rules that merge a pair one field leaves in
# doubt (a missing title, pages or issue, a mistyped page, a translated title) use only these.
# Similarities are RapidFuzz 0-100 scores (scoring.py).
SAME_TITLE = 97  # the same title typed twice: case, punctuation, a letter
SAME_AUTHORS = 90  # the same author list: initials and particles written another way
SAME_ABSTRACT = 97  # the same abstract word for word (its first 500 characters)
# Identical title and authors with no page or issue to compare: a title this long (characters
# after normalising) does not recur by chance in one journal and year.
CITATION_MIN_TITLE = 30
# Two translations of one title ("[Treatment of ...]. [Spanish]" and the author's English
# title) share most of their words; below this they may be two articles.
TRANSLATION_MIN_TITLE = 60
# Reasons of a POSSIBLE outcome that carry no evidence of two different records; clustering
# lets such a pair share a cluster when other pairs join it.
COMPATIBLE = frozenset({"fields agree", "too little evidence"})


@dataclass(slots=True, frozen=True)
class Decision:
    outcome: str
    score: float
    reason: str


def decide(a, b):
    """Decide one pair of normalised records (see normalise.Norm)."""
    titles = title_similarity(a, b)
    if titles[0] < 80 and not titles[1] and not titles[2] and not _may_share_place(a, b):
        # Most candidate pairs end here, before the costlier comparisons.
        return Decision(DISTINCT, round(0.7 * titles[0] / 100, 4), "titles differ")
    c = compare(a, b, titles)
    score = _score(c)
    if (not a.title or not b.title) and _untitled_same_citation(a, b, c):
        return Decision(DUPLICATE, score, "no title; same first author, journal and pages")
    veto = _veto(a, b, c)
    if veto:
        # A living review updated years later keeps its title, authors and article number.
        updated = c.title >= SAME_TITLE and c.pages == AGREE and c.authors >= 80
        outcome = POSSIBLE if veto == "years far apart" and updated else DISTINCT
        return Decision(outcome, score, veto)
    if c.title < 80 and not c.truncated:
        return _different_titles(a, b, c, score)
    conflicts = _conflicts(a, b, c)
    if conflicts:
        if _alike(c) and (_outweighs(c, conflicts) or _pages_shifted(a, b, c, conflicts)):
            conflicts = conflicts - {"volume", "pages"}
        if _same_text(a, b, c):
            conflicts = conflicts - {"doi", "volume", "pages", "years"}
        if _authors_outweighed(a, b, c):
            conflicts = conflicts - {"first authors"}
        if conflicts == {"pages"} and _page_typo(a, b, c):
            return Decision(DUPLICATE, score, "same article, one page digit mistyped")
        if conflicts:
            reason = ", ".join(sorted(conflicts)) + " differ"
            return Decision(POSSIBLE if _possible(a, b, c, conflicts) else DISTINCT, score, reason)
    if _marked_translation(a, b, c):
        return Decision(DUPLICATE, score, "same place and authors, title translated")
    if a.language and b.language and a.language != b.language:
        return Decision(POSSIBLE, score, "different languages")
    if c.cross_language:
        return Decision(POSSIBLE, score, "title matches only in translation")
    if _same_text(a, b, c):
        return Decision(DUPLICATE, score, "same title, authors and abstract")
    if _is_duplicate(a, b, c):
        return Decision(DUPLICATE, score, "fields agree")
    if c.title >= 85 or _same_identifier(c):
        return Decision(POSSIBLE, score, "too little evidence")
    if _same_location(a, b, c):
        return Decision(POSSIBLE, score, "same place, different title")
    return Decision(DISTINCT, score, "too little evidence")


def _different_titles(a, b, c, score):
    """Titles that differ: a translation when place and authors agree, else a person looks
    only where the records share a place or an identifier."""
    if _translated(a, b, c) or _marked_translation(a, b, c):
        return Decision(DUPLICATE, score, "same place and authors, title translated")
    if (
        (_same_identifier(c) and c.pages != CONFLICT)
        or (_same_place(c) and c.first_author == AGREE)
        or (_same_location(a, b, c) and c.first_author != CONFLICT)
    ):
        return Decision(POSSIBLE, score, "same place, different title")
    return Decision(DISTINCT, score, "titles differ")


def _may_share_place(a, b):
    if (a.doi and a.doi == b.doi) or (a.pmid and a.pmid == b.pmid):
        return True
    return bool(a.first_page) and a.first_page == b.first_page


def _same_identifier(c):
    return c.doi == AGREE or c.pmid == AGREE


def _same_place(c):
    # Journal names are left out: databases translate, transliterate and abbreviate them.
    return c.pages == AGREE and c.volume == AGREE


def _same_abstract_in_volume(c):
    """The same abstract word for word in the same volume: one record typed two ways."""
    return (c.abstract or 0) >= SAME_ABSTRACT and c.volume == AGREE and c.year_gap == 0


def _same_text(a, b, c):
    """Title, authors, journal and a long abstract all the same: one record, even when the
    two copies carry different DOIs, volumes or pages (online-first and print, a DOI
    registered twice). Notices and numbered parts were vetoed before."""
    if _supplement(a) or _supplement(b):
        # A meeting abstract printed in a supplement may be the later paper's abstract.
        return False
    return (
        (c.abstract or 0) >= SAME_ABSTRACT
        and min(len(a.abstract), len(b.abstract)) >= 200
        and c.title >= SAME_TITLE
        and c.authors >= SAME_AUTHORS
        and c.journal == AGREE
        and c.year_gap is not None
        and c.year_gap <= 1
    )


def _supplement(norm):
    """A meeting abstract or supplement: a conference record, a supplement volume, or pages
    such as "S33" and "A512" (an "e" before a number is an article number instead)."""
    prefix = norm.first_page[:1]
    return norm.conference or "suppl" in norm.volume or (prefix.isalpha() and prefix != "e")


def _same_pages(a, b, c):
    """The same page range (first and last page), not a single page shared by chance."""
    return (
        c.pages == AGREE
        and c.last_page == AGREE
        and a.first_page != a.last_page
        and b.first_page != b.last_page
    )


def _same_location(a, b, c):
    """The same page range in the same volume (or the same journal when a volume is missing)
    and year: only one article sits there."""
    if not _same_pages(a, b, c) or c.year_gap != 0 or CONFLICT in (c.journal, c.issue):
        return False
    return c.volume == AGREE or (c.volume == UNKNOWN and c.journal == AGREE)


# Words of a group's name standing in an author list ("Group, ALTS Study").
CORPORATE = (
    "group", "study", "studies", "trialists", "consortium", "committee", "collaborat",
    "investigators", "network", "society", "association", "council", "organi", "taskforce",
)  # fmt: skip


def _authors_outweighed(a, b, c):
    """The same title under one DOI, or in one place with a corporate or garbled author list
    ("Group, ALTS" for "Solomon, D"; given and family names swapped): the authors cannot
    tell these apart. Letters in one correspondence block share the title and pages but
    not the writers, so differing personal names still count there."""
    if c.title < SAME_TITLE:
        return False
    if _same_identifier(c) and c.pages != CONFLICT:
        return True
    return _same_location(a, b, c) and _authors_garbled(a, b)


def _authors_garbled(a, b):
    for norm in (a, b):
        if any(word in name for name in norm.families + norm.given for word in CORPORATE):
            return True
    swapped = set(a.families) & set(b.given) or set(b.families) & set(a.given)
    return bool(swapped)


def _translated(a, b, c):
    """A title given in two languages: the same page range, volume, year, journal and
    authors, so the differing titles are one article's translations."""
    if a.generic or b.generic or c.doi == CONFLICT or c.pmid == CONFLICT:
        return False
    if not (_same_location(a, b, c) and c.volume == AGREE and c.journal == AGREE):
        return False
    # One author's name on the same pages of two issues is too little; several names, or
    # the same issue, make it one article.
    several = min(len(a.families), len(b.families)) >= 2 or c.issue == AGREE
    return several and c.authors >= SAME_AUTHORS and c.first_author == AGREE


def _untitled_same_citation(a, b, c):
    """A record without a title whose first author, journal, year, volume, issue and page
    range are the other's: only one article sits there. A single page may hold several
    meeting abstracts by one author, so it counts only in a numbered issue outside a
    supplement."""
    if not (a.families and b.families) or a.families[0] != b.families[0]:
        return False
    if a.initials[0] and b.initials[0] and a.initials[0] != b.initials[0]:
        return False
    if CONFLICT in (c.doi, c.pmid) or c.journal != AGREE or c.year_gap != 0:
        return False
    if c.volume != AGREE or a.issue != b.issue:
        return False
    if not a.first_page or (a.first_page, a.last_page) != (b.first_page, b.last_page):
        return False
    if a.first_page != a.last_page:
        return True
    return bool(a.issue) and not (_supplement(a) or _supplement(b))


def _same_citation(a, b, c):
    """The same long title by the same authors in the same journal and year, where one copy
    lacks its pages or issue: a meeting abstract listed twice, once under the meeting's name
    and once under the journal's. It lifts the conference veto; the ordinary rules then
    merge the pair. A meeting abstract and the paper that followed it may share title and
    authors: a copy that is a meeting abstract never joins one with ordinary journal pages
    this way."""
    if c.title < 100 or len(a.title) < CITATION_MIN_TITLE or a.generic or b.generic:
        return False
    if a.notice != b.notice or c.cross_language:
        return False
    if not a.families or a.families != b.families or a.initials != b.initials:
        return False
    if c.journal != AGREE or c.year_gap != 0:
        return False
    if CONFLICT in (c.doi, c.pmid, c.volume, c.pages, c.last_page, c.issue):
        return False
    if a.first_page and b.first_page and a.issue and b.issue:
        return False  # nothing is missing: the ordinary rules decide
    for x, y in ((a, b), (b, a)):
        if (x.conference or _supplement(x)) and y.first_page and not _supplement(y):
            return False
    return True


def _page_typo(a, b, c):
    """First pages one digit apart ("1324-1327" and "1334-1327") with the same last page,
    title, authors, volume, issue and year: one article with a mistyped page."""
    if a.generic or b.generic or c.cross_language or c.last_page != AGREE:
        return False
    if a.language and b.language and a.language != b.language:
        return False
    if c.title < SAME_TITLE or c.authors < SAME_AUTHORS or c.first_author != AGREE:
        return False
    if c.volume != AGREE or c.issue != AGREE or c.year_gap != 0 or c.journal == CONFLICT:
        return False
    return _one_digit_apart(a.first_page, b.first_page)


def _one_digit_apart(x, y):
    """One digit replaced, dropped or added ("1324"/"1334", "1324"/"124")."""
    if not (x.isdigit() and y.isdigit()) or x == y:
        return False
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y, strict=True)) == 1
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    if len(long_) != len(short) + 1:
        return False
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def _marked_translation(a, b, c):
    """One title marked as a translation ("[Treatment of ...]. [Spanish]") beside the other
    record's title, with the same page range, volume, year and journal or issue, and the same
    first author among authors that agree: the two titles translate one article. The
    journal's name may be translated or abbreviated with its city ("Med Clin (Barc)") too,
    so the same issue number stands in for it."""
    if not (a.translated or b.translated) or a.generic or b.generic:
        return False
    if CONFLICT in (c.doi, c.pmid, c.issue) or a.notice != b.notice:
        return False
    if c.title < TRANSLATION_MIN_TITLE or c.first_author != AGREE or c.authors < SAME_AUTHORS:
        return False
    if not _same_pages(a, b, c) or c.volume != AGREE or c.year_gap != 0:
        return False
    return c.journal == AGREE or c.issue == AGREE


def _veto(a, b, c):
    """Reasons two records that look alike are nevertheless different records."""
    if a.notice != b.notice:
        return "notice and original"
    if not c.cross_language and a.numbers != b.numbers and not _numbers_truncated(a, b, c):
        # Parts and phases never share a page range; a dropped digit ("p6INK4a") may.
        typo = _number_typo(a, b) and c.title >= 90 and c.authors >= 80
        footnote = _footnote_mark(a, b) and (c.abstract or 0) >= SAME_ABSTRACT and c.authors >= 80
        if not (typo and _same_location(a, b, c)) and not footnote:
            return "different part or report number"
    if a.conference != b.conference and not (
        _same_identifier(c)
        or _same_place(c)
        or _same_abstract_in_volume(c)
        or _same_citation(a, b, c)
    ):
        return "conference abstract and article"
    if c.year_gap is not None and c.year_gap > 3 and not _same_identifier(c):
        return "years far apart"
    return ""


def _footnote_mark(a, b):
    """One title is the other with a footnote mark after it ("... representation 1")."""
    short, long_ = (a.title, b.title) if len(a.title) <= len(b.title) else (b.title, a.title)
    mark = long_[len(short) :]
    return long_.startswith(short) and mark[:1] == " " and mark[1:].isdigit() and len(mark) <= 3


def _number_typo(a, b):
    """One number differs by a dropped or added digit ("p6INK4a" and "p16INK4a")."""
    only_a = list(a.numbers)
    only_b = []
    for number in b.numbers:
        if number in only_a:
            only_a.remove(number)
        else:
            only_b.append(number)
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    x, y = only_a[0], only_b[0]
    return x != y and (x in y or y in x)


def _numbers_truncated(a, b, c):
    if not c.truncated:
        return False
    short, long_ = (a, b) if len(a.title) <= len(b.title) else (b, a)
    return set(short.numbers) <= set(long_.numbers)


def _conflicts(a, b, c):
    found = {name for name in ("doi", "pmid", "pages", "volume") if getattr(c, name) == CONFLICT}
    # Names written in Chinese characters and in pinyin cannot be compared.
    if c.first_author == CONFLICT and c.authors < 70 and not c.cross_language:
        found.add("first authors")
    if c.year_gap is not None and c.year_gap > 1:
        found.add("years")
    return found


def _alike(c):
    return (
        c.title >= SAME_TITLE
        and c.authors >= SAME_AUTHORS
        and c.year_gap == 0
        and c.journal == AGREE
    )


def _outweighs(c, conflicts):
    """A volume or page typo cannot outweigh a matching identifier, or a matching abstract
    together with matching pages."""
    if conflicts - {"volume", "pages"}:
        return False
    if _same_identifier(c):
        return True
    return conflicts == {"volume"} and c.pages == AGREE and (c.abstract or 0) >= 95


def _pages_shifted(a, b, c, conflicts):
    """The same long title by the same several authors in the same volume, on a page range
    of the same length moved by a few pages: the print and online page numbers of one
    article. Parts, notices and letters were vetoed or differ in their authors."""
    if conflicts != {"pages"} or c.volume != AGREE or a.generic or b.generic:
        return False
    if len(a.title) < 40 or min(len(a.families), len(b.families)) < 3 or c.authors < 95:
        return False
    spans = [_page_span(n) for n in (a, b)]
    if None in spans or spans[0][1] != spans[1][1]:
        return False
    return 0 < abs(spans[0][0] - spans[1][0]) <= 10


def _page_span(norm):
    if not (norm.first_page.isdigit() and norm.last_page.isdigit()):
        return None
    first, last = int(norm.first_page), int(norm.last_page)
    return (first, last - first) if last > first else None


def _possible(a, b, c, conflicts):
    """Shown to a person: the records agree on nearly everything but one field."""
    if c.title < 90 and not c.truncated:
        return False
    if a.generic or b.generic:
        # An editorial per issue: a differing DOI, volume or page says it is another issue's.
        return False
    if "doi" in conflicts or "pmid" in conflicts:
        return c.title >= SAME_TITLE and c.pages == AGREE and c.authors >= 80
    return len(conflicts) == 1 and c.authors >= 70


def _support(c):
    points = 2 * (c.doi == AGREE) + 2 * (c.pmid == AGREE)
    points += (c.pages == AGREE) + (c.volume == AGREE) + (c.journal == AGREE)
    points += (c.abstract is not None and c.abstract >= 90) + (c.authors >= SAME_AUTHORS)
    points += c.year_gap == 0
    return points


def _is_duplicate(a, b, c):
    identifier = _same_identifier(c)
    located = _same_location(a, b, c)
    place = identifier or _same_place(c) or located or _same_proceedings_pages(a, b, c)
    if a.generic or b.generic:
        # "Editorial" recurs in every issue: only an identifier or the same pages tell.
        same_pages = c.pages == AGREE and c.last_page != CONFLICT and c.journal != CONFLICT
        if not (identifier or same_pages):
            return False
    if _next_year(a, b, c):
        return True
    if c.year_gap is None or c.year_gap == 1:
        if not place:
            return False
    if c.journal == CONFLICT and not place and (c.abstract or 0) < SAME_ABSTRACT:
        return False
    if c.journal == CONFLICT and (a.generic or b.generic) and not identifier:
        return False
    if c.authors < 0 and not place:
        return False
    settled = _authors_outweighed(a, b, c)
    if 0 <= c.authors < 60 and not (identifier and c.first_author == AGREE) and not settled:
        return False
    if c.truncated and c.title < 95:
        title_ok = identifier or ((_same_place(c) or located) and c.first_author == AGREE)
    else:
        evidence = identifier or (c.abstract or 0) >= 95 or place
        title_ok = c.title >= 95 or (c.title >= 88 and evidence) or _translated(a, b, c)
    if title_ok and c.title >= 95 and (c.abstract or 0) >= SAME_ABSTRACT and c.authors >= 80:
        return True  # the same title, authors and abstract word for word
    return title_ok and _support(c) >= 3


def _same_proceedings_pages(a, b, c):
    """Two conference records with one title on the same page range in the same year:
    proceedings are named so many ways that their names cannot tell them apart."""
    return (
        a.conference
        and b.conference
        and c.title >= SAME_TITLE
        and _same_pages(a, b, c)
        and c.year_gap == 0
        and CONFLICT not in (c.volume, c.issue)
    )


def _next_year(a, b, c):
    """One year apart with no place to compare: online first and print, or a conference paper
    dated by its meeting and by its proceedings. The same long title, the same several
    authors and the same journal or meeting make it one record."""
    return (
        c.year_gap == 1
        and c.title >= SAME_TITLE
        and len(a.title) >= 40
        and not (a.generic or b.generic)
        and min(len(a.families), len(b.families)) >= 2
        and c.authors >= SAME_AUTHORS
        and c.journal == AGREE
        and (c.pages == AGREE or not (a.first_page and b.first_page))
        and (c.volume == AGREE or not (a.volume and b.volume))
        # Two proceedings of one meeting, or two copies of an article; not a meeting
        # abstract in a supplement and the paper that followed it.
        and ((a.conference and b.conference) or not (_supplement(a) or _supplement(b)))
    )


def _score(c):
    """A 0-1 ordering score: higher merges first and ranks the review queue."""
    support = min(_support(c), 6) / 6
    return round(0.7 * c.title / 100 + 0.3 * support, 4)
