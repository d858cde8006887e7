"""Counting against labelled clusters, as bib-dedupe's evaluation does (by record)."""

from dataclasses import dataclass


@dataclass(slots=True)
class Counts:
    """Record-level TP/FP/FN/TN, wrong pairs, and the coverage of merges plus queue."""

    records: int
    removable: int
    tp: int
    fp: int
    fn: int
    tn: int
    false_pairs: int
    queue: int
    covered: int

    @property
    def sensitivity(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def with_queue(self):
        """Share of removable duplicates found by merges or offered in the queue."""
        return self.covered / self.removable if self.removable else 1.0

    def as_dict(self):
        out = {name: getattr(self, name) for name in self.__slots__}
        out["sensitivity"] = round(self.sensitivity, 4)
        out["with_queue"] = round(self.with_queue, 4)
        out["queue_share"] = round(self.queue / self.records, 4) if self.records else 0.0
        return out


def true_labels(ids, clusters):
    """Label per record id: its cluster's first id, or itself when in no cluster."""
    label = {record_id: record_id for record_id in ids}
    for members in clusters:
        for record_id in members:
            label[record_id] = members[0]
    return [label[record_id] for record_id in ids]


def count(truth, predicted, queue_pairs=()):
    """Compare predicted cluster labels with true labels (lists aligned by record)."""
    kept = _kept(predicted)
    tp = fp = fn = tn = 0
    for members in _groups(truth).values():
        retained = [k for k in members if k in kept]
        if len(members) == 1:
            tn += bool(retained)
            fp += not retained
            continue
        if not retained:
            fp, tp = fp + 1, tp + len(members) - 1
        else:
            tn, fn, tp = tn + 1, fn + len(retained) - 1, tp + len(members) - len(retained)
    return Counts(
        records=len(truth),
        removable=len(truth) - len(_groups(truth)),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        false_pairs=false_pairs(truth, predicted),
        queue=len(queue_pairs),
        covered=_covered(truth, predicted, queue_pairs),
    )


def false_pairs(truth, predicted):
    """Pairs of records put in one predicted cluster although the labels keep them apart."""
    wrong = 0
    for members in _groups(predicted).values():
        sizes = {}
        for k in members:
            sizes[truth[k]] = sizes.get(truth[k], 0) + 1
        total = len(members)
        wrong += (total * total - sum(s * s for s in sizes.values())) // 2
    return wrong


def _groups(labels):
    found = {}
    for index, label in enumerate(labels):
        found.setdefault(label, []).append(index)
    return found


def _kept(predicted):
    return {members[0] for members in _groups(predicted).values()}


def _covered(truth, predicted, queue_pairs):
    """Removable duplicates reachable by merges plus queued pairs joining true duplicates."""
    parent = list(range(len(truth)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = [(members[0], k) for members in _groups(predicted).values() for k in members[1:]]
    for i, j in links + [tuple(pair) for pair in queue_pairs]:
        if truth[i] == truth[j]:
            parent[find(i)] = find(j)
    found = 0
    for members in _groups(truth).values():
        found += len(members) - len({find(k) for k in members})
    return found
