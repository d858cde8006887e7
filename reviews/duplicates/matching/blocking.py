"""Blocking: cheap keys that bring likely duplicates together so only few pairs are scored."""

from collections import defaultdict

# A key shared by more records than this says little (a common surname and year, "editorial"):
# such blocks are compared only between neighbours in title order, which keeps cost linear.
MAX_BLOCK = 40
WINDOW = 6
STOP = frozenset(
    "a an and are as at by for from in into is of on or the to with without versus vs".split()
)


def _title_keys(title, tag):
    squeezed = title.replace(" ", "")
    if len(squeezed) < 12:
        return [f"{tag}w:{squeezed}"] if squeezed else []
    keys = [f"{tag}h:{squeezed[:28]}", f"{tag}t:{squeezed[-28:]}"]
    content = [w for w in title.split() if w not in STOP and len(w) > 2]
    if len(content) >= 3:
        # Longest words survive typos elsewhere, reordering and truncation at the end.
        longest = sorted(set(content[:12]), key=lambda w: (-len(w), w))[:3]
        keys.append(f"{tag}l:" + " ".join(sorted(longest)))
        keys.append(f"{tag}m:" + " ".join(content[1:5]))
    return keys


def record_keys(norm):
    """Blocking keys of one normalised record."""
    keys = []
    if norm.doi:
        keys.append("doi:" + norm.doi)
    if norm.pmid:
        keys.append("pmid:" + norm.pmid)
    keys += _title_keys(norm.title, "")
    if norm.title_alt:
        # Both titles share the main key space so a Chinese record's English title meets the
        # English record's title.
        keys += _title_keys(norm.title_alt, "")
    if norm.families and norm.year:
        keys.append(f"ay:{norm.families[0][:12]}:{norm.year}")
    if norm.first_page and norm.volume:
        keys.append(f"vp:{norm.volume}:{norm.first_page}")
    if norm.abstract and len(norm.abstract) > 80:
        keys.append("ab:" + norm.abstract[:60])
    return keys


def candidate_pairs(norms, is_new=None):
    """Set of (i, j) index pairs, i < j, sharing a block; with is_new, only pairs touching new."""
    blocks = defaultdict(list)
    for index, norm in enumerate(norms):
        for key in record_keys(norm):
            blocks[key].append(index)
    pairs = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= MAX_BLOCK:
            _all_pairs(members, pairs, is_new)
        else:
            _window_pairs(members, norms, pairs, is_new)
    return pairs


def _all_pairs(members, pairs, is_new):
    members = sorted(set(members))
    for a, i in enumerate(members):
        for j in members[a + 1 :]:
            if is_new is None or is_new[i] or is_new[j]:
                pairs.add((i, j))


def _window_pairs(members, norms, pairs, is_new):
    ordered = sorted(set(members), key=lambda k: norms[k].title)
    for a, i in enumerate(ordered):
        for j in ordered[a + 1 : a + 1 + WINDOW]:
            if is_new is None or is_new[i] or is_new[j]:
                pairs.add((min(i, j), max(i, j)))
