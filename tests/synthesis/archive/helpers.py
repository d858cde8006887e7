"""Helpers for the archive tests: a rich review, archive contents with ids normalised, and
counts of everything an import could leave behind."""
import hashlib
import json
import zipfile
from pathlib import Path

from django.conf import settings

from synthesis.archive.registry import USER, plans

LABELS = ["Almadori 2019", "Blezien 2017", "Francesco 2017", "Granel 2015", "Keyszer 2011",
          "Park 2020", "Scuderi 2013", "Wang 2013", "Zhang 2017"]


def _included_reports(review, owner):
    """The nine reports, included at full text (as tests/synthesis/demo/test_synthesis.py)."""
    from reviews.models import Record, Search
    from tests.extraction.conftest import include_at_full_text

    search = Search.objects.create(review=review, source="citation", file_name="s.ris",
                                   file_sha256="9" * 64, file_size=1, format="ris",
                                   record_count=9, status="done", created_by=owner)
    records = [Record.objects.create(review=review, search=search, position=i,
                                     title=f"Report of {label}",
                                     authors=[f"{label.split()[0]}, A"],
                                     year=int(label.split()[1]))
               for i, label in enumerate(LABELS, 1)]
    include_at_full_text(records)


def rich_review(capture_on_commit):
    """The demo review carried to pooled results (it has adjudications, full-text exclusions
    with reasons, risk of bias and GRADE judgements), plus what the demo lacks: a superseded
    vote, a full text and an open invitation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.services import invitation_create
    from screening.fulltexts.services import fulltext_attach
    from screening.models import Item
    from screening.services import conflict_resolve, vote_cast
    from synthesis.analysis.services import grade_save
    from synthesis.demo.services import demo_load, demo_populate
    from synthesis.demo.synthesis import demo_extract_and_pool
    from synthesis.models import Analysis

    review, _passwords = demo_load()
    demo_populate(review)
    users = {m.user.username: m.user for m in review.memberships.select_related("user")}
    owner, r1 = users["demo-owner"], users["demo-reviewer-1"]
    with capture_on_commit(execute=True):
        assert demo_extract_and_pool(review) is not None
    conflict = Item.objects.filter(review=review, status="conflict").first()
    if conflict is not None:
        conflict_resolve(actor=users["demo-adjudicator"], item_id=conflict.id,
                         decision="include", note="meets the criteria")
    pending = Item.objects.filter(review=review, status="pending", live_votes=0).first()
    pdf = SimpleUploadedFile("granel 2015.pdf", b"%PDF-1.4\n% a full text\n%%EOF\n",
                             content_type="application/pdf")
    fulltext_attach(actor=owner, record_id=pending.record_id, upload=pdf)  # retrieved now
    vote_cast(actor=r1, item_id=pending.id, decision="include")
    vote_cast(actor=r1, item_id=pending.id, decision="maybe", note="changed my mind")
    invitation_create(actor=owner, review_id=review.id, invitee="new.colleague@example.org",
                      role="viewer")
    analysis = Analysis.objects.filter(review=review).order_by("id").first()
    grade_save(actor=owner, review=review, analysis_id=analysis.id, overrides={})
    return review, owner


def content(path):
    """Everything an archive says, with ids replaced by their order in the archive and file
    paths by the files' sha256, so two archives of one review compare equal."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        tables = {name: json.loads(zf.read(f"data/{name}.json")) for name in manifest["counts"]}
        files = {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()
                 if n.startswith("files/")}
    ranks = {name: {row["id"]: i for i, row in enumerate(rows)} for name, rows in tables.items()}
    out = {}
    for plan in plans():
        name = plan.entry.name
        rows = []
        for row in tables[name]:
            row = dict(row, id=ranks[name][row["id"]])
            for field, target in plan.refs.items():
                if target != USER and row.get(field) is not None:
                    row[field] = ranks[target][row[field]]
            for field in plan.files:
                row[field] = files.get(row[field])
            if name == "reviews.auditevent":
                row["object_id"] = _audit_object(ranks, row)
            if name == "extraction.consensusdecision" and row["key"].startswith("c:"):
                _c, o, t, a, stat = row["key"].split(":")
                row["key"] = (ranks["extraction.outcome"][int(o)], ranks["extraction.timepoint"]
                              [int(t)], ranks["extraction.arm"][int(a)], stat)
            rows.append(row)
        out[name] = rows
    return manifest, out


def _audit_object(ranks, row):
    kind, value = row["object_type"], row["object_id"]
    if kind not in ranks or not value:
        return value
    if value.startswith("gone:"):
        return "gone"
    return ranks[kind].get(int(value), "gone")


def without_import_events(tables):
    """The imported review's audit log ends with its own import: drop it to compare."""
    return dict(tables, **{"reviews.auditevent": [
        e for e in tables["reviews.auditevent"] if e["verb"] != "review.import"]})


def footprint():
    """Row counts of every table and the stored files: what a refused import must not change."""
    from django.apps import apps

    rows = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows, files
