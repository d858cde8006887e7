"""Services of the de-duplication stage: the run after each import, merges, splits, decisions.

The engine (`reviews.duplicates.matching`) is pure; this module stores what it finds. A cluster is a
connected group of merged DuplicatePair rows; each record's `duplicate_of` points at its
cluster's kept record, recomputed from those pairs after every change. Every write here locks
the review row first, so a run and people's decisions on one review take turns and never
deadlock (one lock, always taken first).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import review_for
from ..audit.services import audit_record
from ..db import analyze_after_commit
from ..errors import Conflict
from ..models import AuditEvent, DuplicatePair, Record, Review
from ..searches.importers import RECORD_KEYS
from ..signals import announce_unique_records_changed
from .matching import dedupe, merge_records

log = logging.getLogger(__name__)

# The fields whose presence makes a record the better one to keep.
COMPLETENESS_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
)
DECISIONS = {
    "merge": DuplicatePair.Status.MERGED,
    "not_duplicate": DuplicatePair.Status.NOT_DUPLICATE,
}


class AlreadyDecided(Conflict):
    """Someone decided this pair differently first; their decision stands."""

    def __init__(self, pair):
        self.pair = pair
        super().__init__(
            _("This pair was already decided (%(status)s) by someone else.")
            % {"status": pair.get_status_display()},
            code="already_decided",
        )


def engine_record(record):
    return {name: getattr(record, name) for name in RECORD_KEYS}


def merged_group(kept, source=lambda search: search.source):
    """A merged group as the duplicates page and API show it: its records, the merged record
    (each field's best value) and every database it was found in, named by `source`."""
    members = [kept, *kept.duplicates.all()]
    records = [{**engine_record(r), "source_id": source(r.search)} for r in members]
    return {
        "kept": kept,
        "members": members,
        "merged": merge_records(records),
        "sources": sorted({source(r.search) for r in members}),
    }


def _completeness(record):
    filled = sum(1 for name in COMPLETENESS_FIELDS if getattr(record, name) not in (None, "", []))
    # More fields first, then the earliest record: ties keep what was imported first.
    return (filled, -record.id)


def _lock_review(review_id):
    return Review.objects.select_for_update().filter(pk=review_id).first()


def _touch_tables(review):
    # Take a lock on every table the run writes before the long engine step: a TRUNCATE or
    # ALTER arriving meanwhile (a test flush, a migration) then waits for the run instead of
    # deadlocking with its first write to a table it had not touched yet.
    AuditEvent.objects.filter(review=review).exists()
    DuplicatePair.objects.filter(review=review).exists()


# --- clusters -------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, items):
        self.parent = {item: item for item in items}

    def find(self, item):
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self):
        found = {}
        for item in self.parent:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())


def _cluster_members(review, record_ids):
    """Every record sharing a cluster with any of `record_ids`."""
    kept = set(
        Record.objects.filter(review=review, id__in=record_ids).values_list(
            "duplicate_of_id", flat=True
        )
    )
    kept = {k for k in kept if k is not None} | set(record_ids)
    return list(
        Record.objects.filter(review=review)
        .filter(Q(id__in=kept) | Q(duplicate_of_id__in=kept))
        .order_by("id")
    )


def _recluster(review, record_ids):
    """Recompute kept record and removal method for the clusters touching `record_ids`."""
    members = _cluster_members(review, record_ids)
    by_id = {r.id: r for r in members}
    edges = list(
        DuplicatePair.objects.filter(
            status=DuplicatePair.Status.MERGED, record_a_id__in=by_id, record_b_id__in=by_id
        ).values_list("record_a_id", "record_b_id", "method")
    )
    joined, auto = _UnionFind(by_id), _UnionFind(by_id)
    for a, b, method in edges:
        joined.union(a, b)
        if method == DuplicatePair.Method.AUTO:
            auto.union(a, b)
    changed = []
    for group in joined.groups():
        # The earliest record stays the kept one: a later import never moves it, so votes
        # already cast on it in screening stay on a record that is still screened. The best
        # value of each field is shown through merge_records, not by switching records.
        kept = by_id[min(group)]
        for record_id, values in _assign(group, kept, auto, by_id).items():
            record = by_id[record_id]
            if (record.duplicate_of_id, record.dedup_method) != values:
                record.duplicate_of_id, record.dedup_method = values
                changed.append(record)
    Record.objects.bulk_update(changed, ["duplicate_of", "dedup_method"])
    return len(changed)


def _assign(group, kept, auto, by_id):
    """(duplicate_of, method) per member. Within a cluster, the records automation joined to
    each other count as removed automatically; joining those groups took a person, so one
    record per further group counts as removed by a person (PRISMA asks for both)."""
    out = {}
    parts = {}
    for record_id in group:
        parts.setdefault(auto.find(record_id), []).append(record_id)
    for part in parts.values():
        best = max(part, key=lambda i: _completeness(by_id[i]))
        lead = kept.id if kept.id in part else best
        for record_id in part:
            if record_id == kept.id:
                out[record_id] = (None, None)
            elif record_id == lead:
                out[record_id] = (kept.id, "manual")
            else:
                out[record_id] = (kept.id, "auto")
    return out


def _clusters_block(review, a_id, b_id):
    """True when a person said "not a duplicate" about any two records of the two clusters."""
    left = [r.id for r in _cluster_members(review, [a_id])]
    right = [r.id for r in _cluster_members(review, [b_id])]
    refused = DuplicatePair.objects.filter(status=DuplicatePair.Status.NOT_DUPLICATE)
    return refused.filter(
        Q(record_a_id__in=left, record_b_id__in=right)
        | Q(record_a_id__in=right, record_b_id__in=left)
    ).exists()


# --- the run after each import --------------------------------------------------------------


def review_dedupe(*, review_id):
    """Compare the records no run has seen yet with each other and with the rest of the review.

    Safe to run twice: the review row is locked and only unchecked records are claimed, so a
    second run finds nothing to do; pairs are stored under a unique key. Human decisions hold:
    "not a duplicate" pairs go to the engine as cannot-link, merged clusters as fixed clusters.
    """
    with transaction.atomic():
        review = _lock_review(review_id)
        if review is None:
            return None
        _touch_tables(review)
        new = list(Record.objects.filter(review=review, dedup_checked=False).order_by("id"))
        if not new:
            return {"records": 0, "merged": 0, "queued": 0}
        existing = list(Record.objects.filter(review=review, dedup_checked=True).order_by("id"))
        records = existing + new
        index = {r.id: i for i, r in enumerate(records)}
        refused = DuplicatePair.objects.filter(
            review=review, status=DuplicatePair.Status.NOT_DUPLICATE
        ).values_list("record_a_id", "record_b_id")
        result = dedupe(
            [engine_record(r) for r in new],
            existing=[engine_record(r) for r in existing],
            existing_clusters=[r.duplicate_of_id or r.id for r in existing],
            cannot_link=[(index[a], index[b]) for a, b in refused if a in index and b in index],
        )
        merged = _store_pairs(review, records, result.merged, DuplicatePair.Status.MERGED)
        queued = _store_pairs(review, records, result.possible, DuplicatePair.Status.OPEN)
        _recluster(review, {i for pair in merged for i in pair})
        Record.objects.filter(id__in=[r.id for r in new]).update(dedup_checked=True)
        announce_unique_records_changed(review.id)
        analyze_after_commit(Record, DuplicatePair, rows=len(new))
        audit_record(
            review=review,
            actor=None,
            verb="dedup.run",
            obj=review,
            after={"records": len(new), "merged": [list(p) for p in merged], "queued": len(queued)},
        )
    log.info(
        "dedup of review %s: %s new records, %s merged, %s queued",
        review_id,
        len(new),
        len(merged),
        len(queued),
    )
    return {"records": len(new), "merged": len(merged), "queued": len(queued)}


def _store_pairs(review, records, pairs, status):
    """Store engine pairs under their unique key; never touch a pair a person decided."""
    rows = {}
    for pair in pairs:
        a, b = sorted((records[pair.i].id, records[pair.j].id))
        rows[(a, b)] = DuplicatePair(
            review=review,
            record_a_id=a,
            record_b_id=b,
            score=round(pair.score, 4),
            reason=(pair.reason or "")[:64],
            status=status,
            method=DuplicatePair.Method.AUTO if status == DuplicatePair.Status.MERGED else None,
        )
    if not rows:
        return []
    known = DuplicatePair.objects.filter(
        review=review, record_a_id__in={a for a, _b in rows}, record_b_id__in={b for _a, b in rows}
    )
    known = {(p.record_a_id, p.record_b_id): p for p in known}
    fresh = [row for key, row in rows.items() if key not in known]
    DuplicatePair.objects.bulk_create(fresh, ignore_conflicts=True)
    if status == DuplicatePair.Status.MERGED:
        # An open pair the engine now merges outright becomes an automatic merge.
        upgrade = [key for key, p in known.items() if key in rows and p.status == "open"]
        DuplicatePair.objects.filter(pk__in=[known[key].pk for key in upgrade]).update(
            status=status, method=DuplicatePair.Method.AUTO
        )
        return [key for key in rows if key not in known or key in upgrade]
    return [key for key in rows if key not in known]


# --- people's decisions ----------------------------------------------------------------------


def _pair_state(pair):
    return {
        "record_a": pair.record_a_id,
        "record_b": pair.record_b_id,
        "status": pair.status,
        "method": pair.method,
    }


def pair_decide(*, actor, review_id, pair_id, decision):
    """Merge an open pair, or mark it "not a duplicate" (remembered for later runs).

    Two people deciding at once yield one decision: the pair row is locked and only an open
    pair is changed. The same decision again is a no-op; a different one raises AlreadyDecided.
    """
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."), code="decision")
    review, _m = review_for(actor, review_id, "screen")
    target = DECISIONS[decision]
    with transaction.atomic():
        _lock_review(review.id)
        pair = DuplicatePair.objects.select_for_update().get(pk=pair_id, review=review)
        if pair.status != DuplicatePair.Status.OPEN:
            if pair.status == target:
                return pair
            raise AlreadyDecided(pair)
        before = _pair_state(pair)
        if target == DuplicatePair.Status.MERGED and _clusters_block(
            review, pair.record_a_id, pair.record_b_id
        ):
            raise Conflict(
                _(
                    "A person marked records of these two groups as not duplicates; unmerge "
                    "or review those first."
                ),
                code="cannot_link",
            )
        _decide(pair, actor, target)
        if target == DuplicatePair.Status.MERGED:
            _recluster(review, [pair.record_a_id, pair.record_b_id])
        else:
            _separate(review, pair, actor)
        announce_unique_records_changed(review.id)
        audit_record(
            review=review,
            actor=actor,
            verb=f"duplicate.{decision}",
            obj=pair,
            before=before,
            after=_pair_state(pair),
        )
    return pair


def _decide(pair, actor, status):
    pair.status = status
    pair.method = DuplicatePair.Method.MANUAL if status == DuplicatePair.Status.MERGED else None
    pair.decided_by, pair.decided_at = actor, timezone.now()
    pair.save(update_fields=["status", "method", "decided_by", "decided_at"])


def _separate(review, pair, actor):
    """After "not a duplicate" on two records, make sure they no longer share a cluster: first
    without the pair's own merge; if other merges still join them, take one of them out."""
    _recluster(review, [pair.record_a_id, pair.record_b_id])
    a, b = Record.objects.filter(id__in=[pair.record_a_id, pair.record_b_id]).order_by("id")
    if (a.duplicate_of_id or a.id) != (b.duplicate_of_id or b.id):
        return []
    leaving = a if b.duplicate_of_id is None else b
    return _detach(review, leaving, actor)


def _detach(review, record, actor):
    """Take `record` out of its cluster: each merge that held it becomes "not a duplicate"."""
    members = [r.id for r in _cluster_members(review, [record.id])]
    held = DuplicatePair.objects.select_for_update().filter(
        Q(record_a=record, record_b_id__in=members) | Q(record_b=record, record_a_id__in=members),
        status=DuplicatePair.Status.MERGED,
    )
    split = list(held)
    for pair in split:
        _decide(pair, actor, DuplicatePair.Status.NOT_DUPLICATE)
    _recluster(review, members)
    return split


def pair_split(*, actor, review_id, pair_id):
    """ "Not a duplicate" on a merged pair: the merge is undone and remembered."""
    review, _m = review_for(actor, review_id, "screen")
    with transaction.atomic():
        _lock_review(review.id)
        pair = DuplicatePair.objects.select_for_update().get(pk=pair_id, review=review)
        if pair.status == DuplicatePair.Status.NOT_DUPLICATE:
            return pair
        if pair.status != DuplicatePair.Status.MERGED:
            raise Conflict(_("Only a merged pair can be split."), code="not_merged")
        before = _pair_state(pair)
        _decide(pair, actor, DuplicatePair.Status.NOT_DUPLICATE)
        _separate(review, pair, actor)
        announce_unique_records_changed(review.id)
        audit_record(
            review=review,
            actor=actor,
            verb="duplicate.split",
            obj=pair,
            before=before,
            after=_pair_state(pair),
        )
    return pair


def record_unmerge(*, actor, review_id, record_id):
    """Take one record out of its cluster; it becomes a unique record again."""
    review, _m = review_for(actor, review_id, "screen")
    with transaction.atomic():
        _lock_review(review.id)
        record = Record.objects.get(pk=record_id, review=review)
        before = {"duplicate_of": record.duplicate_of_id, "method": record.dedup_method}
        split = _detach(review, record, actor)
        if not split:
            raise Conflict(_("This record is not merged with any other."), code="not_merged")
        record.refresh_from_db()
        announce_unique_records_changed(review.id)
        audit_record(
            review=review,
            actor=actor,
            verb="duplicate.unmerge",
            obj=record,
            before=before,
            after={"split_pairs": [_pair_state(p) for p in split]},
        )
    return record
