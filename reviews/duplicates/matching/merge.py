"""Merging a cluster of duplicate records into one record that keeps the best of each field."""

from collections import Counter

from .normalise import is_missing, norm_pages, norm_text


def _present(records, field):
    return [r.get(field) for r in records if not is_missing(r.get(field))]


def _most_common(values):
    """The most frequent value; ties go to the earliest record."""
    counts = Counter(values)
    return max(values, key=lambda v: (counts[v], -values.index(v))) if values else None


def _best_title(values):
    # Prefer the fullest title and, among equals, one not in capitals or brackets.
    def quality(value):
        text = str(value).strip()
        bracketed = text.startswith("[")
        return (len(norm_text(text).split()), not text.isupper(), not bracketed, len(text))

    return max(values, key=quality) if values else None


def _best_pages(values):
    # A full range ("221-228") says more than a first page alone.
    return max(values, key=lambda v: (_is_range(v), len(str(v))))


def _is_range(pages):
    first, last = norm_pages(pages)
    return first != last


def _best_authors(values):
    # More names first; then fuller given names over initials.
    return max(values, key=lambda names: (len(names), sum(len(str(n)) for n in names)),
               default=[])


def _union(values):
    seen, out = set(), []
    for items in values:
        for item in items:
            key = norm_text(item)
            if key and key not in seen:
                seen.add(key)
                out.append(item)
    return out


def merge_records(records):
    """One record from a cluster: every field's best value plus `sources`, the source ids of
    all members in order (so "found in PubMed and in Embase" is kept)."""
    records = list(records)
    if not records:
        raise ValueError("merge_records needs at least one record")
    merged = dict(records[0])
    merged["title"] = _best_title(_present(records, "title"))
    merged["title_translated"] = _best_title(_present(records, "title_translated"))
    merged["abstract"] = max(_present(records, "abstract"), key=len, default=None)
    merged["authors"] = _best_authors([r["authors"] for r in records if r.get("authors")]) or []
    merged["keywords"] = _union([r["keywords"] for r in records if r.get("keywords")])
    merged["journal"] = max(_present(records, "journal"), key=len, default=None)
    pages = _present(records, "pages")
    merged["pages"] = _best_pages(pages) if pages else None
    for field in ("year", "volume", "issue", "doi", "pmid", "language", "type"):
        merged[field] = _most_common(_present(records, field))
    merged["source_id"] = records[0].get("source_id")
    merged["sources"] = [r.get("source_id") for r in records]
    return merged
