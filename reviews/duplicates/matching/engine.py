"""The de-duplication run: normalise, block, decide, cluster, and collect the review queue."""

from dataclasses import dataclass, field

from .blocking import candidate_pairs
from .cluster import cluster
from .decide import DISTINCT, DUPLICATE, POSSIBLE, decide
from .normalise import normalise


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records by index (i < j), the score that ranks them, and why."""

    i: int
    j: int
    score: float
    reason: str


@dataclass(slots=True)
class DedupeResult:
    """Outcome of a run over existing + new records, all indexed in that order.

    clusters: one label per record, the smallest index in its cluster (a record with no
    duplicate is labelled by its own index). merged: the pairs that joined clusters in this
    run. possible: pairs for a person to review, at most one per pair of clusters, best first.
    """

    clusters: list
    merged: list = field(default_factory=list)
    possible: list = field(default_factory=list)

    def groups(self):
        """Clusters with more than one record, as sorted lists of indices."""
        found = {}
        for index, label in enumerate(self.clusters):
            found.setdefault(label, []).append(index)
        return [members for members in found.values() if len(members) > 1]


def dedupe(new, *, existing=(), existing_clusters=None, cannot_link=()):
    """Find duplicates among `new` records and between them and `existing` ones.

    Records are dicts with the DESIGN.md Records keys. Indices count existing records first
    (0..m-1) then new ones (m..). `existing_clusters` gives each existing record a cluster
    label (records sharing a label are already merged; None or a missing list means none);
    existing clusters are never split, though a new record may join one. `cannot_link` holds
    index pairs a person marked "not a duplicate": they never end up in one cluster and are
    not queued again. A batch run is dedupe(records).
    """
    existing, new = list(existing), list(new)
    records = existing + new
    norms = [normalise(record) for record in records]
    labels = list(existing_clusters) if existing_clusters is not None else [None] * len(existing)
    if len(labels) != len(existing):
        raise ValueError("existing_clusters needs one label per existing record")
    labels += [None] * len(new)
    is_new = [False] * len(existing) + [True] * len(new) if existing else None
    cannot = {(min(i, j), max(i, j)) for i, j in cannot_link}
    decisions = {}
    for i, j in candidate_pairs(norms, is_new):
        if (i, j) not in cannot:
            found = decide(norms[i], norms[j])
            if found.outcome != DISTINCT:
                decisions[(i, j)] = found
    groups, refused = cluster(norms, decisions, labels, cannot)
    return DedupeResult(
        clusters=groups.labels(),
        merged=_merged_pairs(groups, decisions, refused),
        possible=_queue(groups, decisions, cannot),
    )


def _merged_pairs(groups, decisions, refused):
    refused = set(refused)
    return [
        Pair(i, j, found.score, found.reason)
        for (i, j), found in sorted(decisions.items())
        if found.outcome == DUPLICATE and (i, j) not in refused and groups.find(i) == groups.find(j)
    ]


def _queue(groups, decisions, cannot):
    """Best possible pair per pair of clusters, leaving out anything a person already split."""
    blocked = {(groups.find(i), groups.find(j)) for i, j in cannot}
    blocked |= {(y, x) for x, y in blocked}
    best = {}
    for (i, j), found in decisions.items():
        if found.outcome not in (POSSIBLE, DUPLICATE):
            continue
        x, y = groups.find(i), groups.find(j)
        if x == y or (x, y) in blocked:
            continue
        key = (min(x, y), max(x, y))
        if key not in best or (found.score, -i, -j) > (best[key].score, -best[key].i, -best[key].j):
            best[key] = Pair(i, j, found.score, found.reason)
    return sorted(best.values(), key=lambda pair: (-pair.score, pair.i, pair.j))
