"""The demo review: loaded by `make run`, safe to load twice, carries the reference review."""
from django.contrib.auth import authenticate
from django.core.management import call_command

from reviews.models import Membership, Review
from synthesis.demo import demo_load


def test_demo_creates_the_review_and_a_full_team(db):
    review, passwords = demo_load()
    assert review.title == "Mesenchymal stem cells for systemic sclerosis"
    assert review.registration_id == "PROSPERO CRD42020200350"
    roles = dict(Membership.objects.filter(review=review).values_list("user__username", "role"))
    assert sorted(roles.values()) == ["adjudicator", "owner", "reviewer", "reviewer"]
    for username, password in passwords.items():
        assert authenticate(username=username, password=password) is not None


def test_loading_the_demo_twice_keeps_one_review_and_resets_passwords(db):
    first, old = demo_load()
    second, new = demo_load()
    assert first.pk == second.pk
    assert Review.objects.count() == 1
    assert Membership.objects.filter(review=first).count() == 4
    assert authenticate(username="demo-owner", password=new["demo-owner"]) is not None
    if old["demo-owner"] != new["demo-owner"]:
        assert authenticate(username="demo-owner", password=old["demo-owner"]) is None


def test_load_demo_command_prints_every_password(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("demo-owner", "demo-reviewer-1", "demo-reviewer-2", "demo-adjudicator"):
        line = next(line for line in out.splitlines() if username in line)
        assert len(line.split()) == 2 and len(line.split()[1]) >= 10


def test_the_demo_imports_its_exports_deduplicates_and_leaves_a_conflict(db):
    from reviews.models import Record, Search
    from screening.models import Item
    from synthesis.demo import demo_populate

    review, _ = demo_load()
    assert demo_populate(review) is True
    assert sorted(Search.objects.filter(review=review).values_list("source", flat=True)) == [
        "embase", "pubmed", "wanfang"]
    records = Record.objects.filter(review=review)
    assert records.count() == 20
    assert records.filter(duplicate_of__isnull=False).count() == 3  # Embase copies of PubMed
    assert records.filter(title__contains="系统性硬化症").exists()
    assert Item.objects.filter(review=review, status="conflict").count() == 1
    # Loading again adds nothing.
    assert demo_populate(review) is False
    assert Record.objects.filter(review=review).count() == 20


def test_load_demo_ends_with_the_review_id(db, capsys):
    call_command("load_demo")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    review = Review.objects.get()
    assert last == f"demo review id: {review.id}"
