"""Search text for the records list, in English and Chinese: the documents we index and the
queries we run on them. Pure: no Django, so it is tested and reasoned about alone.

Chinese is written without spaces, so a word-based index finds nothing inside a sentence.
Each run of CJK characters is indexed as its overlapping character pairs (bigrams), as
Lucene's CJK analyser does: "干细胞治疗" becomes "干细 细胞 胞治 治疗". A query run is cut the
same way and its pairs must be adjacent, so "干细胞" finds that sentence and "细胞治" does
too, while "干治" does not. One tsvector index (PostgreSQL's 'simple' configuration, which
neither stems nor drops stop words, so it is the same for both languages) then serves both.

Latin words are lower-cased, NFKC-normalised and matched whole; a trailing * matches any
ending, as in PubMed ("fibro*" finds "fibrosis"). Whole words by default because a prefix
search cannot be answered from the index alone: PostgreSQL re-reads every match, which made a
broad prefix search over 50,000 records take a quarter of a second more. Query syntax: words
(all must match), word*, "quoted phrases", and -word to exclude.
"""
import re
import unicodedata
from dataclasses import dataclass

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKENS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
MAX_TERMS = 12  # a search box, not a bulk query
MAX_QUERY = 500


def normalise(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def bigrams(run):
    """The overlapping character pairs of a CJK run; a single character stays whole."""
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text):
    """The index tokens of a text, in order: Latin words, and CJK runs as bigrams."""
    out = []
    for cjk, word in _TOKENS.findall(normalise(text)):
        out.extend(bigrams(cjk) if cjk else [word])
    return out


def document(*parts):
    """One searchable text from record fields (strings, lists of strings, or None): its
    tokens, space-separated, with a space at each end so that a token is always found with
    a space before and after it."""
    words = []
    for part in parts:
        for piece in (part if isinstance(part, (list, tuple)) else [part]):
            if isinstance(piece, str):
                words.extend(tokens(piece))
    return f" {' '.join(words)} " if words else ""


@dataclass(frozen=True)
class Term:
    """One thing the records must (or, negated, must not) contain: its tokens, adjacent."""

    tokens: tuple
    negated: bool = False
    prefix: bool = False  # the last token may be the start of a word (word*)

    @property
    def substring(self):
        """The term as a substring of a padded document (the fallback where there is no
        index): whole tokens, or for word* a token's start."""
        return " " + " ".join(self.tokens) + ("" if self.prefix else " ")


_QUERY = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text):
    """The terms of a search box's text. Quoted text is a phrase; a leading minus excludes.
    Text with nothing searchable in it (punctuation only) gives no terms."""
    terms = []
    for minus, phrase, bare in _QUERY.findall((text or "")[:MAX_QUERY]):
        negated = bool(minus) or (bare.startswith("-") and len(bare) > 1)
        raw = phrase if phrase or minus else bare.removeprefix("-") if negated else bare
        found = tokens(raw)
        if found:
            terms.append(Term(tuple(found), negated=negated,
                              prefix=not phrase and raw.endswith("*")))
        if len(terms) >= MAX_TERMS:
            break
    # A query of exclusions alone would list nearly everything: keep it, but it needs a
    # positive term to use the index well; the caller decides.
    return terms


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def to_tsquery(terms):
    """PostgreSQL to_tsquery('simple', ...) text for the terms, or "" when there are none.
    Tokens are quoted, so nothing a user types is read as tsquery syntax."""
    parts = []
    for term in terms:
        words = [_quote(t) for t in term.tokens]
        last = term.tokens[-1]
        # A lone CJK character is matched as the start of a pair ("硬" finds "硬化").
        if (term.prefix and not _is_cjk(last)) or (_is_cjk(last) and len(last) == 1):
            words[-1] += ":*"
        expr = " <-> ".join(words)
        if len(words) > 1:
            expr = f"({expr})"
        parts.append(f"!{expr}" if term.negated else expr)
    return " & ".join(parts)


def to_rank_tsquery(terms):
    """The positive terms joined by OR: relevance counts each term a title holds, even
    where it lacks the others (they matched in the abstract)."""
    return " | ".join(to_tsquery([t]) for t in terms if not t.negated)


def _is_cjk(token):
    return bool(re.fullmatch(f"[{_CJK}]+", token))


def has_positive(terms):
    return any(not t.negated for t in terms)
