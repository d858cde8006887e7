"""Turning the raw fields a parser collected into one normalised record (DESIGN.md Records)."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_DOI = re.compile(r"10\.\d{3,9}/[^\s\"<>]+")
_NO_PAGES = re.compile(r"^(?:no|not|n/?a)?\W*(?:pagination)?\W*(?:specified)?$", re.I)
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*(?:--|[-\u2010-\u2015\u2212])\s*")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$|^(?:[A-Z]\.)+(?:-?[A-Z]\.)*$|^[A-Z]\.?-[A-Z]\.?$")
_GLUED = re.compile(r"(?<=\b[A-Z]\.)(?=[A-Z][a-z])")
_KEYWORD_SEP = re.compile(r"[;；]+")
# Affiliation marks and degrees after a name ("Zhang, Weijia 1,2,+", "Gazic, Barbara MD, PhD *").
_MARKERS = re.compile(
    r"(?:[\s,]+(?:\d+|[*+\u2020\u2021\u00a7]+|M\.?D\.?|Ph\.?D\.?|MPH|MSc|BSc|RN|FACSM|PharmD|DrPH))+$"
)
_DEGREES = frozenset(
    ("MD", "M.D", "PhD", "Ph.D", "MPH", "MSc", "BSc", "RN", "FACSM", "PharmD", "DrPH")
)
_ROLE = re.compile(r"\s*\[[^\]]*\]\s*$")
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos"}

_LANGUAGES = {
    "en": "en", "eng": "en", "english": "en", "英文": "en", "英语": "en",
    "zh": "zh", "chi": "zh", "zho": "zh", "chinese": "zh", "中文": "zh", "汉语": "zh",
    "cn": "zh", "zh-cn": "zh", "zh_cn": "zh", "chinese (simplified)": "zh",
    "fr": "fr", "fre": "fr", "fra": "fr", "french": "fr",
    "de": "de", "ger": "de", "deu": "de", "german": "de",
    "es": "es", "spa": "es", "spanish": "es",
    "it": "it", "ita": "it", "italian": "it",
    "pt": "pt", "por": "pt", "portuguese": "pt",
    "ja": "ja", "jpn": "ja", "japanese": "ja",
    "ko": "ko", "kor": "ko", "korean": "ko",
    "ru": "ru", "rus": "ru", "russian": "ru",
    "nl": "nl", "dut": "nl", "nld": "nl", "dutch": "nl",
    "pl": "pl", "pol": "pl", "polish": "pl",
    "tr": "tr", "tur": "tr", "turkish": "tr",
}  # fmt: skip

_RIS_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "ABST": "article",
    "INPR": "article", "MGZN": "article", "SER": "article",
    "CONF": "conference", "CPAPER": "conference",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter",
    "THES": "thesis", "RPRT": "report", "GOVDOC": "report", "PAT": "patent",
    "STAND": "standard", "STD": "standard", "NEWS": "newspaper",
    "J": "article", "B": "book", "S": "article", "P": "patent", "C": "conference",
}  # fmt: skip

# Free-text type names, tried in order (the first substring found wins).
_TYPE_WORDS = (
    ("newspaper", "newspaper"), ("报纸", "newspaper"),
    ("book section", "chapter"), ("chapter", "chapter"),
    ("conference", "conference"), ("proceeding", "conference"), ("congress", "conference"),
    ("meeting", "conference"), ("inproceedings", "conference"), ("会议", "conference"),
    ("thesis", "thesis"), ("dissertation", "thesis"), ("phdthesis", "thesis"),
    ("mastersthesis", "thesis"), ("学位", "thesis"), ("硕士", "thesis"), ("博士", "thesis"),
    ("patent", "patent"), ("专利", "patent"),
    ("standard", "standard"), ("标准", "standard"),
    ("report", "report"), ("techreport", "report"), ("报告", "report"), ("成果", "report"),
    ("book", "book"), ("图书", "book"),
    ("article", "article"), ("journal", "article"), ("review", "article"), ("letter", "article"),
    ("editorial", "article"), ("comment", "article"), ("trial", "article"), ("期刊", "article"),
    ("note", "article"), ("erratum", "article"), ("misc", "other"),
)  # fmt: skip


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def join_continued(head: str, tail: str) -> str:
    """Join a value with its continuation line (no space between two CJK characters)."""
    tail = tail.strip()
    if not tail:
        return head
    if not head:
        return tail
    if _CJK.match(head[-1]) and _CJK.match(tail[0]):
        return head + tail
    return head + " " + tail


def clean(value) -> str | None:
    if value is None:
        return None
    # Five substring tests run far faster than one regular expression over long abstracts.
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
        value = _SPACES.sub(" ", value)
    return value.strip() or None


def normalise_doi(raw: str | None) -> str | None:
    if not raw:
        return None
    # NFKC folds the full-width "／" and "－" that Wanfang writes into DOIs.
    text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
    if "%2" in text:
        text = text.replace("%2F", "/").replace("%2f", "/")
    match = _DOI.search(text)
    if not match:
        return None
    return match.group(0).rstrip(".,;)]").lower()


def normalise_year(raw: str | None) -> int | None:
    if not raw:
        return None
    if len(raw) == 4 and raw.isdigit() and raw[0] in "12":
        return int(raw) if 1500 <= int(raw) < 2100 else None
    match = _YEAR.search(raw)
    return int(match.group(1)) if match else None


def normalise_pages(raw: str | None) -> str | None:
    if raw:
        start, dash, end = raw.partition("-")
        if start.isdigit() and (not dash or end.isdigit()):
            return raw  # "583" or "152-160": nothing to tidy
    value = clean(raw)
    if not value or _NO_PAGES.match(value):
        return None
    return _DASHES.sub("-", value).strip("-") or None


def normalise_language(raw: str | None) -> str | None:
    if raw and (code := _LANGUAGES.get(raw.lower())):
        return code
    value = clean(raw)
    if not value:
        return None
    key = value.lower().split(";")[0].split(",")[0].strip()
    return _LANGUAGES.get(key)


def guess_language(text: str | None) -> str | None:
    """Language from the script of a title: enough to tell zh, ja, ko, ru and en apart."""
    if not text:
        return None
    if text.isascii():
        return "en" if _LATIN.search(text) else None
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    latin = len(_LATIN.findall(text))
    if latin and latin >= 0.5 * sum(not c.isspace() for c in text):
        ascii_share = sum(c < "\x80" for c in text) / len(text)
        return "en" if ascii_share > 0.97 else None
    return None


def normalise_type(raw: str | None) -> str | None:
    if raw and (code := _RIS_TYPES.get(raw)):
        return code
    value = clean(raw)
    if not value:
        return None
    code = _RIS_TYPES.get(value.upper())
    if code:
        return code
    lowered = value.lower()
    for word, kind in _TYPE_WORDS:
        if word in lowered:
            return kind
    return "other"


def _has_marker(given: str) -> bool:
    tail = given[given.rfind(" ") + 1 :]
    return bool(tail) and (
        tail[0].isdigit() or tail[0] in "*+\u2020\u2021\u00a7" or tail.strip(".,") in _DEGREES
    )


def normalise_author(raw: str) -> str | None:
    """One author as "Family, Given" (Latin script) or whole as written (CJK)."""
    if "," in raw and raw.isascii() and "[" not in raw and "  " not in raw and "\t" not in raw:
        # The common "Family, Given" needs no more than tidying.
        family, _, given = raw.partition(",")
        family, given = family.strip(" ;"), given.strip(" ;,")
        if " " in given and _has_marker(given):
            given = _MARKERS.sub("", given)
        if family:
            return f"{family}, {given}" if given else family
    if "[" in raw:
        # "Walsdorf, Neill B. [Inventor]" loses its role; "[Anonymous]" stays a name.
        raw = _ROLE.sub("", raw) or raw.strip(" []")
    name = clean(raw)
    if not name:
        return None
    name = name.strip(" ;,")
    if not name:
        return None
    if not name.isascii() and has_cjk(name):
        return name
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), _MARKERS.sub("", given.strip())
        return f"{family}, {given}" if given else family
    tokens = name.split(" ")
    if len(tokens) == 1:
        return name
    cut = len(tokens)
    while cut > 1 and _INITIALS.match(tokens[cut - 1]):
        cut -= 1
    if cut < len(tokens) and not _INITIALS.match(tokens[0]):
        # "Smith JA", "Lewis G. F.", "van der Berg J": family first, initials last.
        return f"{' '.join(tokens[:cut])}, {' '.join(tokens[cut:])}"
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return f"{' '.join(tokens[cut:])}, {' '.join(tokens[:cut])}"


def split_authors(text: str | None, separator: str | None = None) -> list[str]:
    """Split one field holding several authors; the separator is guessed when not given."""
    if not text:
        return []
    if separator is None:
        separator = guess_author_separator(text)
    if separator == "cnki":
        # CNKI joins names with ";" or ";;", some exports with "," between Chinese names.
        pattern = r"[;；,，、]+" if has_cjk(text) else r"[;；]+"
        return [part for part in re.split(pattern, text) if part.strip()]
    if separator is None:
        # "Adeli K.Lewis G. F.": names run together after their initials.
        return _GLUED.split(text)
    return [part for part in text.split(separator) if part.strip()]


def guess_author_separator(text: str) -> str | None:
    if ";" in text:
        return ";"
    if " and " in text:
        return " and "
    if "，" in text or "、" in text:
        return "，" if "，" in text else "、"
    if "," in text:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if len(parts) >= 3 or (len(parts) == 2 and all(" " in part for part in parts)):
            return ","
        if has_cjk(text):
            return ","
    return None


def split_keywords(values: list[str]) -> list[str]:
    if not values:
        return []
    joined = "\n".join(values)
    if ";" not in joined and "；" not in joined and "  " not in joined and "\t" not in joined:
        # The common case (one clean keyword a line) without a call a keyword.
        return [kw for kw in dict.fromkeys(map(str.strip, values)) if kw]
    out: dict[str, None] = {}
    for value in values:
        parts = _KEYWORD_SEP.split(value) if ";" in value or "；" in value else (value,)
        for part in parts:
            part = clean(part)
            if part:
                out[part] = None
    return list(out)


def _first(values: list[str]) -> str | None:
    value = values[0]
    if not ("  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value):
        value = value.strip()
        if value:
            return value
    for value in values:
        value = clean(value)
        if value:
            return value
    return None


# The fields of which only the first usable value is kept.
_SCALARS = frozenset(
    (
        "title", "title_translated", "year", "date", "journal", "journal_abbrev", "pages",
        "start_page", "end_page", "doi", "pmid", "language", "type", "volume", "issue",
        "source_id",
    )
)  # fmt: skip


def _firsts(raw: dict[str, list[str]]) -> dict[str, str | None]:
    """The first usable value of every scalar field the record has."""
    return {key: _first(values) for key, values in raw.items() if key in _SCALARS and values}


def build_record(raw: dict[str, list[str]]) -> tuple[dict, list[str]]:
    """Normalise the raw fields of one record; return the record and its problems.

    raw maps field names (the record keys plus start_page, end_page, date, url,
    journal_abbrev, author_text, author_sep) to the values found, in file order.
    """
    # Runs once a record on the hot path of every reader: fields are looked up once and
    # helpers are only called for the fields a record has.
    get = raw.get
    first = _firsts(raw).get
    problems: list[str] = []
    title = first("title")
    translated = first("title_translated")
    if not title and translated:
        title, translated = translated, None
    if not title:
        problems.append("no title")
    year = first("year")
    date = first("date")
    journal = first("journal") or first("journal_abbrev")
    pages = first("pages")
    if not pages and (start := first("start_page")):
        pages = _join_pages(start, first("end_page"))
    if year and len(year) == 4 and year.isdigit() and "1500" <= year < "2100":
        year_value = int(year)  # the common "2014" without a call
    else:
        year_value = _year(year, date, problems) if year or date else None
    pmid = first("pmid")
    language = first("language")
    kind = first("type")
    record = {
        "title": title,
        "title_translated": translated if translated != title else None,
        "abstract": _abstract(v) if (v := get("abstract")) else None,
        "authors": _authors(raw),
        "year": year_value,
        "journal": journal,
        "volume": first("volume"),
        "issue": first("issue"),
        "pages": normalise_pages(pages) if pages else None,
        "doi": _doi(first("doi"), get("url", ()), problems),
        "pmid": _pmid(pmid, problems) if pmid else None,
        "language": (normalise_language(language) if language else None) or guess_language(title),
        "keywords": split_keywords(v) or None if (v := get("keywords")) else None,
        "source_id": first("source_id"),
        "type": normalise_type(kind) if kind else None,
    }
    return record, problems


def _abstract(values) -> str | None:
    # Only stripped: an abstract keeps its own spacing and paragraphs.
    if len(values) == 1:
        return values[0].strip() or None
    parts = dict.fromkeys(value.strip() for value in values)
    text = " ".join(part for part in parts if part)
    return text or None


def _authors(raw: dict[str, list[str]]) -> list[str] | None:
    sep = raw.get("author_sep", [None])[0]
    if sep is None and "author_text" not in raw:
        # One name a value, as in every tagged format: no list a name.
        names = [
            name
            for name in map(normalise_author, raw.get("authors_full") or raw.get("authors", ()))
            if name
        ]
        return names or None
    names: list[str] = []
    for value in raw.get("authors_full") or raw.get("authors", ()):
        for part in split_authors(value, sep) if sep else [value]:
            name = normalise_author(part)
            if name:
                names.append(name)
    for value in raw.get("author_text", ()):
        for part in split_authors(value, sep):
            name = normalise_author(part)
            if name:
                names.append(name)
    return names or None


def _year(year: str | None, date: str | None, problems: list[str]) -> int | None:
    value = normalise_year(year) or normalise_year(date)
    if value is None and (year or date):
        problems.append(f"year {year or date!r} could not be read")
    return value


def _join_pages(start: str | None, end: str | None) -> str | None:
    if start and end and end != start:
        return f"{start}-{end}"
    return start


def _doi(doi: str | None, urls, problems: list[str]) -> str | None:
    value = normalise_doi(doi)
    if value:
        return value
    if doi:
        problems.append(f"doi {doi!r} could not be read")
        return None
    for url in urls:
        if url and "doi" in url.lower():
            found = normalise_doi(url)
            if found:
                return found
    return None


def _pmid(pmid: str | None, problems: list[str]) -> str | None:
    if not pmid:
        return None
    match = re.search(r"\d{1,9}", pmid)
    if not match:
        problems.append(f"pmid {pmid!r} could not be read")
        return None
    return match.group(0)
