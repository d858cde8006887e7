"""Normalisation of bibliographic fields into the comparable forms the matcher uses."""

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "ϕ": "phi", "ϐ": "beta",
    "µ": "mu",
}  # fmt: skip
# Greek capitals share the names; "ß" and a few ligatures are not split by NFKD.
GREEK.update({k.upper(): v for k, v in GREEK.items() if k.upper() != k})
EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th"}
_TRANSLATE = str.maketrans({**GREEK, **EXTRA})

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_NON_WORD = re.compile(r"[\W_]+")
# A "?" inside a word stands for a letter an export could not encode ("r?animation" for
# "réanimation"). It becomes LOST, a letter that matches any other (scoring.py).
LOST = "\u0242"
_LOST_LETTER = re.compile(r"(?<=[a-z])\?(?=[a-z])")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DIGITS = re.compile(r"\d+")
ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
# Words after which a small roman or arabic number names a part, phase or type of something.
NUMBERED = {"part", "phase", "type", "stage", "grade", "class", "study", "trial", "series"}
MISSING = {"", "na", "n/a", "nan", "none", "null", "unknown", "-"}


def clean_markup(text):
    """Unescape HTML entities (twice, for double-escaped exports) and drop tags."""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    return _TAG.sub(" ", text) if "<" in text else text


def fold(text):
    """Lower-case, ASCII-fold Latin letters, spell out Greek ones, keep other scripts."""
    if not text:
        return ""
    text = clean_markup(str(text))
    if text.isascii():
        return text.lower()  # most fields: skip the costly Unicode passes
    # NFKC first turns full-width forms into ASCII; NFKD then splits accents off letters.
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text):
    """The folded text as a list of word tokens (punctuation dropped)."""
    text = fold(text)
    if "?" in text:
        text = _LOST_LETTER.sub(LOST, text)
    return _NON_WORD.sub(" ", text).split()


def norm_text(text):
    """Folded text with punctuation collapsed to single spaces."""
    return " ".join(words(text))


def is_missing(value):
    return value is None or (isinstance(value, str) and value.strip().lower() in MISSING)


def norm_doi(value):
    """Lower-case DOI without URL prefix, or '' when absent."""
    if is_missing(value):
        return ""
    # Some exports URL-encode the DOI ("%28" for "("); decode before comparing.
    text = unquote(unicodedata.normalize("NFKC", html.unescape(str(value))))
    found = _DOI.search(text.lower())
    return found.group(0).rstrip(".,;") if found else ""


def norm_digits(value):
    """The first run of digits in a field such as a volume or PMID, or ''."""
    if is_missing(value):
        return ""
    found = _DIGITS.search(str(value))
    return found.group(0).lstrip("0") or "0" if found else ""


# Words a volume field may hold besides its number ("Volume 14", "24 Suppl 3", "35 Pt 1").
VOLUME_WORDS = {
    "volume",
    "vol",
    "suppl",
    "supplement",
    "part",
    "pt",
    "issue",
    "no",
    "spec",
    "special",
}
_PARENTHESES = re.compile(r"\([^()]*\)")


def norm_volume(value):
    """Volume as folded alphanumerics ('30A' -> '30a'); '' when absent or not a volume.

    Exports put the issue in brackets ("10 (11) (no pagination)"), cut a supplement note in
    half ("1)") or spill other fields into it ("Korsakova. Part 2. 117"): brackets are dropped,
    and a fragment or a field holding other words says nothing about the volume.
    """
    if is_missing(value):
        return ""
    text = str(value)
    if text.count(")") > text.count("("):
        return ""
    tokens = words(_PARENTHESES.sub(" ", text))
    if any(t.isalpha() and len(t) > 4 and t not in VOLUME_WORDS for t in tokens):
        return ""
    kept = []
    for token in tokens:
        if token in VOLUME_WORDS and token not in {"suppl", "supplement"}:
            continue
        # "96-98": a range of volumes is compared by its first.
        if not (token.isdigit() and kept and kept[-1].isdigit()):
            kept.append(token)
    return "".join(kept)


def norm_issue(value):
    """A plain issue number ('3', 'No. 3' -> '3'); '' for anything else.

    Some exports fill the issue column with accession or record numbers in the hundreds, and
    supplements ("Supplement 1") are numbered apart from issues: only a small number alone is
    trusted to tell two issues apart.
    """
    if is_missing(value):
        return ""
    tokens = [t for t in words(str(value)) if t not in {"no", "issue", "n"}]
    if len(tokens) != 1 or not tokens[0].isdigit():
        return ""
    number = tokens[0].lstrip("0")
    return number if number and int(number) <= 60 else ""


def norm_year(value):
    if isinstance(value, int):
        return value
    if is_missing(value):
        return None
    found = re.search(r"(1[5-9]|20)\d\d", str(value))
    return int(found.group(0)) if found else None


# A spreadsheet turned a range such as "1-4" into a date ("01-Apr"); the range is lost.
_DATE_PAGES = re.compile(r"^\d{1,2}[ -](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$")
# "Suppl 2 S33": the supplement number is not a page.
_SUPPLEMENT = re.compile(r"\bsuppl(ement)?\b\.?\s*\d*\s*[:,]?")
# "t-8", "Suppl-29": the first page was cut off and only the end of the last is left.
_CUT_PAGES = re.compile(r"^[a-z]+\s*-\s*\d+$")
_PAGE = re.compile(r"[a-z]*\d+[a-z]*")


def _page_range(chunk):
    """(first, last) of one range such as '221-8'; None when the chunk has no page."""
    parts = _PAGE.findall(chunk)
    if not parts:
        return None
    first = parts[0].lstrip("0") or parts[0]
    last = parts[1].lstrip("0") if len(parts) > 1 else ""
    if last.isdigit() and first.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last or first


def _page_number(page):
    digits = "".join(ch for ch in page if ch.isdigit())
    return int(digits) if digits else 0


def norm_pages(value):
    """(first, last) page as strings; '221-8' expands to ('221', '228').

    Several ranges ("233-8, 230-5") give the lowest first page and the highest last page, so
    databases that list the ranges in another order agree.
    """
    if is_missing(value):
        return "", ""
    text = fold(value).strip()
    if _DATE_PAGES.match(text) or _CUT_PAGES.match(text):
        return "", ""
    text = _SUPPLEMENT.sub(" ", text)
    ranges = [r for r in map(_page_range, re.split(r"[,;+&]", text)) if r is not None]
    if not ranges:
        return "", ""
    if len(ranges) == 1 or any(not first for first, _ in ranges):
        return ranges[0]
    first = min((r[0] for r in ranges), key=_page_number)
    last = max((r[1] for r in ranges), key=_page_number)
    return first, last


MAX_AUTHORS = 30  # enough to compare; consortium lists run to hundreds of names


def author_names(authors):
    """(family names, first initials, given names) from "Family, Given" strings.

    Tolerant of other shapes: "Adeli K" (family first, no comma), a single string of names
    joined by " and " or ";".
    """
    if not authors:
        return [], [], []
    if isinstance(authors, str):
        authors = re.split(r"\s+and\s+|;", authors)
    names = [str(a) for a in authors[:MAX_AUTHORS] if not is_missing(a)]
    # One fold for the whole list: folding name by name costs more than the rest together.
    folded = fold("\n".join(n.replace("\n", " ") for n in names)).split("\n")
    families, initials, given_names = [], [], []
    for author in folded:
        family, _, given = author.partition(",")
        family_words = _NON_WORD.sub(" ", family).split()
        if given:
            given_words = _NON_WORD.sub(" ", given).split()
        else:
            # "Adeli K" style: family first, initials after; single tokens stay whole.
            family_words, given_words = family_words[:1], family_words[1:]
        fam = "".join(family_words)
        if fam:
            families.append(fam)
            initials.append(given_words[0][0] if given_words else "")
            given_names.append("".join(w for w in given_words if len(w) > 1))
    return families, initials, given_names


_THOUSANDS = re.compile(r"\b(\d{1,3}) (?=\d{3}\b)")


def numbers_in_title(tokens):
    """The numbers that tell parts, phases or reports apart: digits and numbered romans."""
    # "10 000 women" and "10000 women" are one number.
    text = _THOUSANDS.sub(r"\1", " ".join(tokens))
    found = [run.lstrip("0") or "0" for run in _DIGITS.findall(text)]
    for k, tok in enumerate(tokens):
        if tok in ROMAN and (tok != "i" and tok != "v" or (k and tokens[k - 1] in NUMBERED)):
            found.append(str(_roman_value(tok)))
    return tuple(sorted(found))


def _roman_value(tok):
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for a, b in zip(tok, tok[1:] + " ", strict=True):
        va = values[a]
        total += -va if values.get(b, 0) > va else va
    return total


# Notices that share the original's title but are separate records.
_NOTICE_PATTERNS = [
    ("erratum", r"\b(errat(um|a)|corrigend(um|a)|correction( to| of| notice)?|publisher s note)\b"),
    ("retraction", r"\b(retract(ion|ed)|withdrawn|expression of concern)\b"),
    ("reply", r"^(re |reply|response|in reply|author s? reply|authors reply)\b|\breply to\b"),
    ("comment", r"^(comment|commentary|letter|editorial)\b|\b(comment(ary)? on|letter to)\b"),
]
_NOTICES = [(kind, re.compile(pattern)) for kind, pattern in _NOTICE_PATTERNS]


def notice_kind(title_norm):
    """'erratum', 'retraction', 'reply', 'comment' or '' for an ordinary record."""
    for kind, pattern in _NOTICES:
        if pattern.search(title_norm):
            return kind
    return ""


# Titles that recur issue after issue, so a shared title says little on its own.
_RECURRING = re.compile(
    r"^(guest )?(editorial|editor s|editors|introduction|preface|foreword|in this issue|"
    r"letter from|message from|note from|news|book reviews?|abstracts|index|contents)\b"
)


_RECURRING_ANYWHERE = re.compile(r"\b(editor s (comments|notes?|introduction)|editorial notes?)\b")


def is_generic(title_norm):
    content = [w for w in title_norm.split() if len(w) > 3]
    return (
        len(content) <= 2
        or bool(_RECURRING.search(title_norm))
        or bool(_RECURRING_ANYWHERE.search(title_norm))
    )


_CONFERENCE_WORDS = re.compile(
    r"\b(abstracts?|congress|conference|meeting|symposium|proceedings|annual|supplement)\b"
)


def is_conference(record, journal_norm):
    kind = (record.get("type") or "").lower()
    if kind in {"conference", "inproceedings", "proceedings"}:
        return True
    return kind in {"", "other"} and bool(_CONFERENCE_WORDS.search(journal_norm))


@dataclass(slots=True)
class Norm:
    """A record reduced to the forms the blocking and scoring compare."""

    title: str
    title_alt: str
    numbers: tuple
    notice: str
    generic: bool
    families: list
    initials: list
    given: list
    name_words: list
    year: int | None
    journal: str
    volume: str
    first_page: str
    last_page: str
    doi: str
    pmid: str
    abstract: str
    language: str
    conference: bool
    issue: str = ""
    translated: bool = False  # the title is marked as a translation (is_translated_title)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def detect_language(record, title):
    lang = (record.get("language") or "").lower()[:2]
    if lang:
        return lang
    return "zh" if _CJK.search(title or "") else ""


_LANGUAGES = (
    "english|japanese|chinese|german|french|spanish|italian|russian|portuguese|polish|czech"
    "|dutch|korean|turkish|hungarian|danish|swedish|norwegian|finnish|hebrew|greek"
)
# Notes that databases append to a title: "[Erratum appears in ...]", "[see comments]",
# MEDLINE's "[Review] [42 refs]", CRD's "(Structured abstract)" and OVID's "<ORIGINAL> title in
# the original language". They are not part of the title.
_TITLE_NOTE = re.compile(
    r"(\[\s*(erratum|errata|corrected|correction|retract|comment|see |update|published|review\s*\]"
    r"|\d+\s*refs?\s*\])"
    r"|<\s*original\s*>|\(\s*(erratum|retraction) (in|appears)"
    r"|\(\s*(provisional|structured) abstract\s*\)"
    r"|\[\s*(" + _LANGUAGES + r")( abstract)?\s*\])",
    re.IGNORECASE,
)
# MEDLINE prints the English translation of a non-English article's title in brackets, often
# with the language after it ("[Treatment of asthma]. [Spanish]", or OVID's "<ORIGINAL> title
# in the original language"): the title is a translation.
_TRANSLATED_TITLE = re.compile(
    r"^\s*\[[^\[\]]{10,}\]\s*\.?\s*"
    r"(\[\s*(" + _LANGUAGES + r")( abstract)?\s*\]\s*\.?\s*|<\s*original\s*>.*)?$",
    re.IGNORECASE | re.DOTALL,
)


def is_translated_title(text):
    """A title marked as a translation: all of it in brackets, a language note (or the
    original title after "<ORIGINAL>") allowed after it."""
    return not is_missing(text) and bool(_TRANSLATED_TITLE.match(str(text)))


# Notes inside a title ("cisplatin or carboplatin [corrected], with ..."): only the note goes.
_INLINE_NOTE = re.compile(r"\[\s*(corrected|sic)\s*\]", re.IGNORECASE)


def strip_title(text):
    """Title words without database notes."""
    if is_missing(text):
        return ""
    text = _INLINE_NOTE.sub(" ", str(text))
    found = _TITLE_NOTE.search(text)
    if found and found.start() > 10:
        text = text[: found.start()]
    return norm_text(text)


def normalise(record):
    """Compute the comparable forms of one record dict (DESIGN.md Records keys)."""
    title = strip_title(record.get("title"))
    alt = strip_title(record.get("title_translated"))
    tokens = tuple(title.split())
    families, initials, given = author_names(record.get("authors"))
    journal = norm_text(record.get("journal"))
    first, last = norm_pages(record.get("pages"))
    abstract = (
        norm_text((record.get("abstract") or "")[:3000])
        if not is_missing(record.get("abstract"))
        else ""
    )
    return Norm(
        title=title,
        title_alt=alt,
        numbers=numbers_in_title(tokens),
        notice=notice_kind(title),
        generic=is_generic(title),
        families=families,
        initials=initials,
        given=given,
        name_words=sorted({name for name in families + given if len(name) > 1}),
        year=norm_year(record.get("year")),
        journal=journal,
        volume=norm_volume(record.get("volume")),
        first_page=first,
        last_page=last,
        doi=norm_doi(record.get("doi")),
        pmid=norm_digits(record.get("pmid")),
        abstract=abstract[:1000],
        language=detect_language(record, record.get("title")),
        conference=is_conference(record, journal),
        issue=norm_issue(record.get("issue")),
        translated=is_translated_title(record.get("title")),
    )
