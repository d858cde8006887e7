"""The frozen snapshot a lock makes (format in docs/snapshot.md): consensus values, form
version, outcome definitions, studies, risk of bias, content hash."""
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db.models import Max, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.errors import Conflict

from .models import Arm, Cell, Extraction, ExtractionSettings, Outcome, Snapshot, TimePoint
from .selectors import study_rows

FORMAT, VERSION = "prismflow.snapshot", 1


def canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(data):
    """sha256 of the canonical JSON of everything but the hash itself."""
    return _hash_and_size(data)[0]


def _hash_and_size(data):
    body = canonical({k: v for k, v in data.items() if k != "hash"}).encode("utf-8")
    # The stored document is the body plus ',"hash":"<64 hex>"': 74 bytes more.
    return hashlib.sha256(body).hexdigest(), len(body) + 74


def _study(row, consensus, arms, risk_of_bias, cells):
    values = dict(consensus.values)
    events = values.pop("adverse_events", None) or []
    return {
        "id": row.study.id,
        "label": row.study.label,
        "reports": [{"record": r.id, "title": r.title, "year": r.year, "doi": r.doi or None}
                    for r in row.reports],
        "excluded_after_extraction": False,
        "characteristics": values,
        "design": values.get("design") or "other",
        "form_version": consensus.form.version,
        "arms": [{"id": a.id, "label": a.label, "role": a.role} for a in arms],
        "cells": cells.get(consensus.id, []),
        "adverse_events": events,
        "risk_of_bias": risk_of_bias.get(row.study.id, []),
    }


def _cells(review):
    """Every consensus cell as plain rows, by extraction. The JSON columns come as text and
    are parsed in one json.loads: decoding 80,000 small values one by one took half the
    lock's time."""
    rows = list(Cell.objects.filter(extraction__review=review, extraction__kind="consensus")
                .order_by("outcome_id", "timepoint_id", "arm_id")
                .values_list("extraction_id", "outcome_id", "timepoint_id", "arm_id",
                             Cast("reported", TextField()), Cast("converted", TextField())))
    parsed = json.loads("[" + ",".join(f"{r[4]},{r[5] or 'null'}" for r in rows) + "]")
    out = {}
    for n, (extraction, outcome, timepoint, arm, _r, _c) in enumerate(rows):
        out.setdefault(extraction, []).append({"outcome": outcome, "timepoint": timepoint,
                                               "arm": arm, "reported": parsed[2 * n],
                                               "converted": parsed[2 * n + 1]})
    return out


def _risk_of_bias(review):
    """Consensus risk-of-bias judgements per study id (none until that stage has any)."""
    from .rob.selectors import consensus_entries

    return consensus_entries(review=review)


def _parts(review, allow_incomplete):
    rows = study_rows(review=review)
    complete = [r for r in rows if r.status == "consensus" and not r.excluded_later]
    left_out = [r for r in rows if r not in complete]
    waiting = [r for r in left_out if not r.excluded_later]
    if waiting and not allow_incomplete:
        names = ", ".join(r.label for r in waiting[:10])
        raise ValidationError(_("%(n)d studies have no consensus yet (%(names)s). Finish them, "
                                "or lock with them left out.") % {"n": len(waiting),
                                                                  "names": names})
    if not complete:
        raise Conflict(_("No study has a consensus yet; there is nothing to lock."))
    return complete, left_out


def snapshot_data(*, review, actor, number, allow_incomplete=False):
    complete, left_out = _parts(review, allow_incomplete)
    settings = ExtractionSettings.objects.filter(review=review).first()
    consensus = {e.study_id: e for e in Extraction.objects.filter(
        review=review, kind=Extraction.Kind.CONSENSUS).select_related("form")}
    cells = _cells(review)
    arms = {}
    for arm in Arm.objects.filter(study__review=review):
        arms.setdefault(arm.study_id, []).append(arm)
    form = max((consensus[r.study.id].form for r in complete), key=lambda f: f.version)
    rob = _risk_of_bias(review)
    data = {
        "format": FORMAT, "version": VERSION,
        "review": {"id": review.id, "title": review.title},
        "number": number,
        "created_at": timezone.now().isoformat(),
        "created_by": actor.username,
        "illustrative": bool(settings and settings.illustrative),
        "form": {"version": form.version, "sections": form.schema["sections"]},
        "outcomes": [{"id": o.id, "name": o.name, "type": o.type, "unit": o.unit,
                      "direction": o.direction, "mid": o.mid}
                     for o in Outcome.objects.filter(review=review)],
        "timepoints": [{"id": t.id, "label": t.label, "months": t.months,
                        "baseline": t.is_baseline}
                       for t in TimePoint.objects.filter(review=review)],
        "studies": [_study(r, consensus[r.study.id], arms.get(r.study.id, []), rob, cells)
                    for r in complete],
        "excluded_studies": [
            {"id": r.study.id if r.study else None, "label": r.label,
             "reason": "excluded at screening after extraction" if r.excluded_later
             else "no consensus at lock"} for r in left_out],
    }
    data["hash"], size = _hash_and_size(data)
    return data, size


def build_snapshot(*, review, actor, allow_incomplete=False):
    number = (Snapshot.objects.filter(review=review).aggregate(m=Max("number"))["m"] or 0) + 1
    data, size = snapshot_data(review=review, actor=actor, number=number,
                               allow_incomplete=allow_incomplete)
    return Snapshot.objects.create(review=review, number=number, content_hash=data["hash"],
                                   data=data, size=size, created_by=actor)
