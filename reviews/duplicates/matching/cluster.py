"""Cautious clustering: merge pairs best-first, never joining records that differ themselves."""

from .decide import COMPATIBLE, DUPLICATE, POSSIBLE, decide


class Clusters:
    """Union-find over record indices that checks every cross pair before a merge."""

    def __init__(self, norms, labels, cannot_link, decisions):
        self.norms = norms
        self.decisions = decisions
        self.cannot = {}
        for i, j in cannot_link:
            self.cannot.setdefault(i, set()).add(j)
            self.cannot.setdefault(j, set()).add(i)
        self.members = {}
        self.root = list(range(len(norms)))
        by_label = {}
        for index, label in enumerate(labels):
            if label is None:
                self.members[index] = [index]
                continue
            head = by_label.setdefault(label, index)
            self.root[index] = head
            self.members.setdefault(head, []).append(index)

    def find(self, index):
        return self.root[index]

    def decision(self, i, j):
        key = (i, j) if i < j else (j, i)
        found = self.decisions.get(key)
        if found is None:
            found = decide(self.norms[key[0]], self.norms[key[1]])
            self.decisions[key] = found
        return found

    def compatible(self, x, y):
        """May clusters x and y (roots) become one? Every cross pair must allow it."""
        for i in self.members[x]:
            blocked = self.cannot.get(i, ())
            for j in self.members[y]:
                if j in blocked:
                    return False
                found = self.decision(i, j)
                if found.outcome != DUPLICATE and not (
                    found.outcome == POSSIBLE and found.reason in COMPATIBLE
                ):
                    return False
        return True

    def union(self, x, y):
        if len(self.members[x]) < len(self.members[y]):
            x, y = y, x
        for index in self.members[y]:
            self.root[index] = x
        self.members[x].extend(self.members.pop(y))

    def labels(self):
        """Each record's label: the smallest record index in its cluster."""
        smallest = {root: min(group) for root, group in self.members.items()}
        return [smallest[self.root[i]] for i in range(len(self.root))]


def cluster(norms, decisions, labels=None, cannot_link=()):
    """Merge DUPLICATE pairs best-first; return (Clusters, refused duplicate pairs)."""
    labels = labels if labels is not None else [None] * len(norms)
    groups = Clusters(norms, labels, cannot_link, decisions)
    ordered = sorted(
        (pair for pair, found in decisions.items() if found.outcome == DUPLICATE),
        key=lambda pair: (-decisions[pair].score, pair),
    )
    refused = []
    for i, j in ordered:
        x, y = groups.find(i), groups.find(j)
        if x == y:
            continue
        if groups.compatible(x, y):
            groups.union(x, y)
        else:
            refused.append((i, j))
    return groups, refused
