"""The demo's identification and screening, replayed through the real services from a plan.

`data/searches/` holds one export per database of the reference review; the plan,
`data/screening_plan.json`, says how each search was run and how the team voted on
every record: two reviewers at title/abstract and full text, the adjudicator's decisions on
their conflicts, the report not retrieved, and which reports belong to which study. Nothing
here writes to a table directly: the PRISMA counts come out of the services as they would
for any review.
"""
import json
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import transaction

from reviews.duplicates.services import pair_decide, review_dedupe
from reviews.models import DuplicatePair, Record, Search
from reviews.searches.services import search_import_run, search_preview
from screening.fulltexts.services import fulltext_not_retrieved
from screening.models import Item, ItemStatus, Stage
from screening.services import conflict_resolve, items_sync, reasons_ensure, vote_cast
from screening.studies import study_link

DEMO_DIR = Path(__file__).resolve().parent / "data"
PLAN_FILE = DEMO_DIR / "screening_plan.json"
SEARCH_DIR = DEMO_DIR / "searches"
REVIEWERS = ("demo-reviewer-1", "demo-reviewer-2")
ADJUDICATOR = "demo-adjudicator"


def demo_plan():
    with PLAN_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def record_key(text):
    """A plan key or a record's title, DOI or Chinese title, compared without case, spacing
    or final punctuation (PubMed ends titles with a full stop, other databases do not)."""
    return re.sub(r"\s+", " ", (text or "").strip().lower()).rstrip(".?。 ")


@transaction.atomic
def demo_screen(review):
    """Import, de-duplicate and screen the demo review as the plan says. Runs once: a review
    that already has searches is left as it is (False); True when it was done now."""
    if review.searches.exists():
        return False
    plan = demo_plan()
    team = _team(review)
    _import_searches(review, team["owner"], plan)
    review_dedupe(review_id=review.id)
    _decide_pairs(review, plan["duplicate_decisions"])
    items_sync(review=review)
    records = demo_records(review)
    entries = {record_key(entry["key"]): entry for entry in plan["records"]}
    _check_plan_covers(records, entries)
    _title_abstract(review, records, entries, team)
    _full_text(review, records, entries, team)
    _studies(review, records, plan["studies"], team)
    return True


def demo_records(review):
    """The review's kept (unique) records by plan key: DOI, title and Chinese title all
    lead to the record, so the key of each plan entry finds it whichever it uses."""
    return {key: record
            for record in Record.objects.filter(review=review, duplicate_of__isnull=True)
            for key in _keys(record)}


def _team(review):
    users = {m.user.username: m.user for m in review.memberships.select_related("user")}
    owner = review.memberships.get(role="owner").user
    return {"owner": owner, "reviewers": [users[name] for name in REVIEWERS],
            "adjudicator": users[ADJUDICATOR]}


def _import_searches(review, owner, plan):
    for spec in plan["searches"]:
        with (SEARCH_DIR / spec["file"]).open("rb") as fh:
            search = search_preview(
                actor=owner, review_id=review.id, upload=File(fh, name=spec["file"]),
                source=spec["source"], source_detail=spec.get("source_detail", ""),
                date_searched=plan["date_searched"], query=spec["query"], scan_now=True)
        # What search_import_start does, without handing the work to a Celery worker: the
        # demo is loaded in one go by a command.
        Search.objects.filter(pk=search.pk).update(status=Search.Status.QUEUED)
        search_import_run(search_id=search.id)
        if not Search.objects.filter(pk=search.pk, status=Search.Status.DONE).exists():
            raise ImproperlyConfigured(f"the demo export {spec['file']} did not import")


def _keys(record):
    return {record_key(value) for value in (record.doi, record.title, record.title_translated)
            if value}


def _decide_pairs(review, decisions):
    """The possible duplicates de-duplication left for a person, decided as the plan says
    (a pair is named by a key of each record), so none is left waiting."""
    users = {m.user.username: m.user for m in review.memberships.select_related("user")}
    wanted = [({record_key(k) for k in d["records"]}, d) for d in decisions]
    for pair in DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.OPEN):
        named = _keys(pair.record_a) | _keys(pair.record_b)
        decision = next((d for keys, d in wanted if keys <= named), None)
        if decision is None:
            raise ImproperlyConfigured(
                f"the demo plan does not decide the possible duplicates "
                f"{pair.record_a.title!r} and {pair.record_b.title!r}")
        pair_decide(actor=users[decision["by"]], review_id=review.id, pair_id=pair.id,
                    decision=decision["decision"])


def _check_plan_covers(records, entries):
    """Every unique record has its votes in the plan, and every plan entry a record: a
    changed export or de-duplication shows here, not as a half-screened demo."""
    kept = {record.id for record in records.values()}
    planned = {records[key].id for key in entries if key in records}
    missing = [key for key in entries if key not in records]
    if missing or planned != kept:
        unplanned = sorted(records[k].title for k in records if records[k].id not in planned)
        raise ImproperlyConfigured(
            f"the demo plan and records differ: no record for {missing[:3]}, no plan for "
            f"{unplanned[:3]}")


def _item(record, stage):
    return Item.objects.get(record=record, stage=stage)


def _title_abstract(review, records, entries, team):
    for key, entry in entries.items():
        item = _item(records[key], Stage.TITLE_ABSTRACT)
        for reviewer, decision in zip(team["reviewers"], entry["title_abstract"], strict=True):
            vote_cast(actor=reviewer, item_id=item.id, decision=decision)
        _adjudicate(item, entry.get("title_abstract_adjudication"), team, {})


def _full_text(review, records, entries, team):
    reasons = {reason.label: reason.id for reason in reasons_ensure(review)}
    for key, entry in entries.items():
        if entry.get("not_retrieved"):
            item = _item(records[key], Stage.FULL_TEXT)
            fulltext_not_retrieved(actor=team["reviewers"][0], item_id=item.id)
        if not entry.get("full_text"):
            continue
        item = _item(records[key], Stage.FULL_TEXT)
        for reviewer, vote in zip(team["reviewers"], entry["full_text"], strict=True):
            vote_cast(actor=reviewer, item_id=item.id, decision=vote["decision"],
                      reason_id=reasons.get(vote.get("reason")),
                      reason_text=vote.get("reason_text", ""))
        _adjudicate(item, entry.get("full_text_adjudication"), team, reasons)


def _adjudicate(item, adjudication, team, reasons):
    item.refresh_from_db()
    if adjudication is None:
        if item.status == ItemStatus.CONFLICT:
            raise ImproperlyConfigured(f"the demo plan leaves {item} in conflict")
        return
    conflict_resolve(actor=team["adjudicator"], item_id=item.id,
                     decision=adjudication["decision"], note=adjudication["note"],
                     reason_id=reasons.get(adjudication.get("reason")),
                     reason_text=adjudication.get("reason_text", ""))


def _studies(review, records, studies, team):
    for label, keys in studies.items():
        study_link(actor=team["reviewers"][0], review_id=review.id, label=label,
                   record_ids=[records[record_key(key)].id for key in keys])
