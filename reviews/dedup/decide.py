"""Decision rules: a compared pair is a duplicate, a possible duplicate, or distinct."""

from dataclasses import dataclass

from .scoring import AGREE, CONFLICT, compare, title_similarity

DUPLICATE, POSSIBLE, DISTINCT = "duplicate", "possible", "distinct"
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
    veto = _veto(a, b, c)
    if veto:
        return Decision(DISTINCT, score, veto)
    if c.title < 80 and not c.truncated:
        if _same_identifier(c) or (_same_place(c) and c.first_author == AGREE):
            return Decision(POSSIBLE, score, "same place, different title")
        return Decision(DISTINCT, score, "titles differ")
    conflicts = _conflicts(a, b, c)
    if conflicts:
        if _alike(c) and _outweighs(c, conflicts):
            conflicts = conflicts - {"volume", "pages"}
        if conflicts:
            reason = ", ".join(sorted(conflicts)) + " differ"
            return Decision(POSSIBLE if _possible(c, conflicts) else DISTINCT, score, reason)
    if a.language and b.language and a.language != b.language:
        return Decision(POSSIBLE, score, "different languages")
    if c.cross_language:
        return Decision(POSSIBLE, score, "title matches only in translation")
    if _is_duplicate(a, b, c):
        return Decision(DUPLICATE, score, "fields agree")
    if c.title >= 85 or _same_identifier(c):
        return Decision(POSSIBLE, score, "too little evidence")
    return Decision(DISTINCT, score, "too little evidence")


def _may_share_place(a, b):
    if (a.doi and a.doi == b.doi) or (a.pmid and a.pmid == b.pmid):
        return True
    return bool(a.first_page) and a.first_page == b.first_page


def _same_identifier(c):
    return c.doi == AGREE or c.pmid == AGREE


def _same_place(c):
    # Journal names are left out: databases translate, transliterate and abbreviate them.
    return c.pages == AGREE and c.volume == AGREE


def _same_text(c):
    """The same abstract word for word in the same volume: one record typed two ways."""
    return (c.abstract or 0) >= 97 and c.volume == AGREE and c.year_gap == 0


def _veto(a, b, c):
    """Reasons two records that look alike are nevertheless different records."""
    if a.notice != b.notice:
        return "notice and original"
    if not c.cross_language and a.numbers != b.numbers and not _numbers_truncated(a, b, c):
        return "different part or report number"
    if a.conference != b.conference and not (
        _same_identifier(c) or _same_place(c) or _same_text(c)
    ):
        return "conference abstract and article"
    if c.year_gap is not None and c.year_gap > 3 and not _same_identifier(c):
        return "years far apart"
    return ""


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
    return c.title >= 97 and c.authors >= 90 and c.year_gap == 0 and c.journal == AGREE


def _outweighs(c, conflicts):
    """A volume or page typo cannot outweigh a matching identifier, or a matching abstract
    together with matching pages."""
    if conflicts - {"volume", "pages"}:
        return False
    if _same_identifier(c):
        return True
    return conflicts == {"volume"} and c.pages == AGREE and (c.abstract or 0) >= 95


def _possible(c, conflicts):
    """Shown to a person: the records agree on nearly everything but one field."""
    if c.title < 90 and not c.truncated:
        return False
    if "doi" in conflicts or "pmid" in conflicts:
        return c.title >= 97 and c.pages == AGREE and c.authors >= 80
    return len(conflicts) == 1 and c.authors >= 70


def _support(c):
    points = 2 * (c.doi == AGREE) + 2 * (c.pmid == AGREE)
    points += (c.pages == AGREE) + (c.volume == AGREE) + (c.journal == AGREE)
    points += (c.abstract is not None and c.abstract >= 90) + (c.authors >= 90)
    points += c.year_gap == 0
    return points


def _is_duplicate(a, b, c):
    identifier = _same_identifier(c)
    place = identifier or _same_place(c)
    if a.generic or b.generic:
        # "Editorial" recurs in every issue: only an identifier or the same pages tell.
        if not (identifier or (c.pages == AGREE and c.journal != CONFLICT)):
            return False
    if c.year_gap is None or c.year_gap == 1:
        if not place:
            return False
    if c.journal == CONFLICT and not place and (c.abstract or 0) < 97:
        return False
    if c.journal == CONFLICT and (a.generic or b.generic) and not identifier:
        return False
    if c.authors < 0 and not place:
        return False
    if 0 <= c.authors < 60 and not (identifier and c.first_author == AGREE):
        return False
    if c.truncated and c.title < 95:
        title_ok = identifier or (_same_place(c) and c.first_author == AGREE)
    else:
        evidence = identifier or (c.abstract or 0) >= 95 or place
        title_ok = c.title >= 95 or (c.title >= 88 and evidence)
    if title_ok and c.title >= 95 and (c.abstract or 0) >= 97 and c.authors >= 80:
        return True  # the same title, authors and abstract word for word
    return title_ok and _support(c) >= 3


def _score(c):
    """A 0-1 ordering score: higher merges first and ranks the review queue."""
    support = min(_support(c), 6) / 6
    return round(0.7 * c.title / 100 + 0.3 * support, 4)
