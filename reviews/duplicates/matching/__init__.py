"""De-duplication of bibliographic records: a pure engine with no Django import.

Public API
----------
dedupe(new, *, existing=(), existing_clusters=None, cannot_link=()) -> DedupeResult
    Run after each import. Records are dicts with the DESIGN.md Records keys. Indices count
    the existing records first (0..m-1), then the new ones (m..). Existing records keep their
    clusters (labels in `existing_clusters`, one per existing record, None for a record on
    its own); new records may join them. `cannot_link` holds index pairs a person marked
    "not a duplicate": they never share a cluster and are not queued again. A batch run is
    dedupe(records).

DedupeResult
    clusters: one label per record (the smallest index in its cluster); merged: the Pair
    objects that joined records automatically; possible: the review queue, best first, one
    Pair per pair of clusters; groups(): clusters of two or more records.

Pair(i, j, score, reason)
    Two records by index (i < j), a 0-1 score and the rule that decided them.

decide(a, b) -> Decision(outcome, score, reason), with normalise(record) -> Norm
    One pair on its own: outcome is DUPLICATE (merged automatically), POSSIBLE (to the
    review queue) or DISTINCT.

merge_records(records) -> dict
    The merged record of a cluster: the best value of each field, and `sources`, the
    source ids of every member.

The evaluation helpers used by the benchmark and tests are in
reviews.duplicates.matching.evaluate.
"""

from .decide import DISTINCT, DUPLICATE, POSSIBLE, Decision, decide
from .engine import DedupeResult, Pair, dedupe
from .merge import merge_records
from .normalise import Norm, norm_text, normalise

__all__ = [
    "DISTINCT",
    "DUPLICATE",
    "POSSIBLE",
    "Decision",
    "DedupeResult",
    "Norm",
    "Pair",
    "decide",
    "dedupe",
    "merge_records",
    "norm_text",
    "normalise",
]
