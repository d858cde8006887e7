"""Field-by-field comparison of two normalised records with RapidFuzz similarities."""

from dataclasses import dataclass

from rapidfuzz import fuzz

from .blocking import STOP
from .normalise import LOST

AGREE, UNKNOWN, CONFLICT = 1, 0, -1


@dataclass(slots=True)
class Comparison:
    """Similarities (0-100) and agree/unknown/conflict flags for one pair of records."""

    title: float
    cross_language: bool
    truncated: bool
    authors: float
    first_author: int
    year_gap: int | None
    journal: int
    volume: int
    pages: int
    last_page: int
    doi: int
    pmid: int
    abstract: float | None
    issue: int = UNKNOWN


def compare(a, b, titles=None):
    """Compare every field; `titles` passes a title_similarity result already computed."""
    title, cross, truncated = titles or title_similarity(a, b)
    return Comparison(
        title=title,
        cross_language=cross,
        truncated=truncated,
        authors=max(
            author_similarity(a.families, b.families),
            author_similarity(a.name_words, b.name_words) - 10,
        ),
        first_author=first_author_agreement(a, b),
        year_gap=abs(a.year - b.year) if a.year and b.year else None,
        journal=journal_agreement(a.journal, b.journal),
        volume=_volume_agreement(a.volume, b.volume),
        pages=_first_page_agreement(a, b),
        last_page=_page_agreement(a.last_page, b.last_page),
        doi=_exact(a.doi, b.doi),
        pmid=_exact(a.pmid, b.pmid),
        abstract=_abstract_similarity(a.abstract, b.abstract),
        issue=_exact(a.issue, b.issue),
    )


def _exact(x, y):
    if not x or not y:
        return UNKNOWN
    return AGREE if x == y else CONFLICT


def _digits(value):
    return "".join(ch for ch in value if ch.isdigit())


def _volume_agreement(x, y):
    if not x or not y:
        return UNKNOWN
    if x == y or _leading_number(x) == _leading_number(y) != "":
        return AGREE
    return CONFLICT


def _leading_number(value):
    """'35pt1' -> '35', '30a' -> '30': the volume number without part or letter suffix."""
    digits = ""
    for ch in value:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return digits


def _page_agreement(x, y):
    if not x or not y:
        return UNKNOWN
    if x == y:
        return AGREE
    dx, dy = _digits(x), _digits(y)
    if dx == dy:
        return AGREE
    # An article number (e1234) and a page range are two numbering schemes, not a conflict.
    if x.isdigit() != y.isdigit():
        return UNKNOWN
    return CONFLICT


def _first_page_agreement(a, b):
    found = _page_agreement(a.first_page, b.first_page)
    if found == CONFLICT and (_within(a, b) or _within(b, a)):
        # "488" and "487-488": one database gave a single page of the range.
        return UNKNOWN
    return found


def _within(single, ranged):
    if single.first_page != single.last_page or ranged.first_page == ranged.last_page:
        return False
    page, low, high = (_digits(v) for v in (single.first_page, ranged.first_page, ranged.last_page))
    return bool(page and low and high) and int(low) <= int(page) <= int(high)


def title_similarity(a, b):
    """(similarity, via the other-language title, one title a truncation of the other)."""
    best = _pair_similarity(a.title, b.title)
    cross = False
    truncated = best < 100 and _is_truncation(a.title, b.title, best)
    for x, y in ((a.title_alt, b.title), (a.title, b.title_alt), (a.title_alt, b.title_alt)):
        if x and y:
            score = _pair_similarity(x, y)
            if score > best + 5:
                best, cross = score, True
    return best, cross, truncated


def _pair_similarity(x, y):
    if not x or not y:
        return 0.0
    if x == y:
        return 100.0
    plain = fuzz.ratio(x, y)
    if plain >= 95:
        return plain
    return max(plain, fuzz.token_sort_ratio(x, y, score_cutoff=plain) - 2)


def _is_truncation(x, y, plain):
    """One title is the other cut short, or the other with a subtitle or translation added.

    `plain` is their fuzz.ratio: a short title that is nearly all in the long one scores at
    least about 0.9 of 200 * len(short) / (len(short) + len(long)), so lower ratios skip the
    costly partial comparison.
    """
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < 20 or len(long_) < len(short) + 4 or len(short.split()) < 3:
        return False
    if long_.startswith(short[:-3] if len(short) > 40 else short + " ") or short in long_:
        return True
    if len(short) < 40 or plain < 180 * len(short) / (len(short) + len(long_)):
        return False
    return fuzz.partial_ratio(short, long_, score_cutoff=95) >= 95


def author_similarity(x, y):
    """Similarity of the author lists by family names; -1 when either list is empty."""
    if not x or not y:
        return -1.0
    sx, sy = " ".join(x), " ".join(y)
    full = max(fuzz.ratio(sx, sy), fuzz.token_sort_ratio(sx, sy))
    # One database may list only the first few authors or drop a name particle.
    shorter = min(len(x), len(y))
    head = fuzz.ratio(" ".join(x[:shorter]), " ".join(y[:shorter]))
    return max(full, head - 5 if shorter < max(len(x), len(y)) else head)


def first_author_agreement(a, b):
    if not a.families or not b.families:
        return UNKNOWN
    x, y = a.families[0], b.families[0]
    if x == y or fuzz.ratio(x, y) >= 80:
        return AGREE
    # Particles ("de Botton" / "Botton"), given names run into the family name.
    if len(x) >= 4 and len(y) >= 4 and (x.endswith(y) or y.endswith(x) or x[:4] == y[:4]):
        return AGREE
    # Reordered author lists, and family and given names swapped by one database.
    if x in b.families[:3] or y in a.families[:3] or x in b.given or y in a.given:
        return AGREE
    return CONFLICT


def _journal_words(journal):
    return [w for w in journal.split() if w not in STOP]


def journal_agreement(x, y):
    """AGREE for the same journal (abbreviated or not), CONFLICT for a clearly different one."""
    if not x or not y:
        return UNKNOWN
    if x == y:
        return AGREE
    wx, wy = _journal_words(x), _journal_words(y)
    if _abbreviates(wx, wy) or _abbreviates(wy, wx):
        return AGREE
    if _acronym(wx, wy) or _acronym(wy, wx):
        return AGREE
    if fuzz.token_set_ratio(x, y) >= 90 or fuzz.ratio("".join(wx), "".join(wy)) >= 88:
        return AGREE
    return CONFLICT


def _acronym(short, long_):
    """'amcis' for 'Americas Conference on Information Systems': the initials of the long
    name's words appear in order within one word of the short name."""
    if len(long_) < 3:
        return False
    initials = "".join(w[0] for w in long_)
    for word in short:
        # A short word only: "anesthesie" holds the letters of "Ann Thorac Surg" by chance.
        if 3 <= len(word) <= len(initials) + 2 and word[0] == initials[0]:
            rest = iter(word)
            if all(ch in rest for ch in initials):
                return True
    return False


def _abbreviates(short, long_):
    """Every word of `short` starts a later word of `long_`, in order (ISO 4 abbreviations)."""
    if not short or len(short) > len(long_):
        return False
    k = 0
    for word in short:
        while k < len(long_) and not _abbreviates_word(word, long_[k]):
            k += 1
        if k == len(long_):
            return False
        k += 1
    return True


def _abstract_similarity(x, y):
    if len(x) < 100 or len(y) < 100:
        return None
    return fuzz.ratio(x[:500], y[:500])


def _abbreviates_word(short, word):
    """'surg' for 'surgery', and 'dtsch' for 'deutsches': same first letter, letters in order."""
    if word.startswith(short):
        return True
    if LOST in word:
        return _starts_with_lost(word, short)
    if len(short) < 3 or short[0] != word[0] or len(short) >= len(word):
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


def _starts_with_lost(word, short):
    """'reanim' for 'r?animation': a lost letter matches any letter of the abbreviation."""
    if len(short) > len(word):
        return False
    return all(w == s or w == LOST for s, w in zip(short, word, strict=False))
