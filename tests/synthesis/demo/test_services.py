"""The demo review: loaded by `make run`, safe to load twice, carries the reference review."""
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from reviews.models import Membership, Record, Review, Search
from screening.models import Study, Vote
from synthesis.demo.services import demo_load, demo_populate


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


def test_loading_the_demo_twice_keeps_one_copy_of_its_data(db, capsys):
    call_command("load_demo")
    review = Review.objects.get()
    counts = (Search.objects.count(), Record.objects.count(), Vote.objects.count(),
              Study.objects.count())
    call_command("load_demo")
    assert demo_populate(review) is False
    assert Review.objects.count() == 1
    assert (Search.objects.count(), Record.objects.count(), Vote.objects.count(),
            Study.objects.count()) == counts
    assert counts[0] == 7


def test_a_plan_that_misses_a_record_is_refused_and_leaves_nothing(db, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from synthesis.demo import screening as demo_screening

    plan = demo_screening.demo_plan()
    plan["records"] = [e for e in plan["records"] if e["key"] != "10.3390/jcm9093023"]
    monkeypatch.setattr(demo_screening, "demo_plan", lambda: plan)
    review, _passwords = demo_load()
    with pytest.raises(ImproperlyConfigured, match="no plan for"):
        demo_populate(review)
    assert not Search.objects.filter(review=review).exists()
    assert not Record.objects.filter(review=review).exists()


def test_load_demo_ends_with_the_review_id(db, capsys):
    call_command("load_demo")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    review = Review.objects.get()
    assert last == f"demo review id: {review.id}"


def test_loading_the_demo_again_keeps_to_the_first_review_not_an_imported_copy(db):
    # A copy imported from the demo's archive has the same title and owner (seen with
    # export_review then import_review: load_demo then printed the copy's id).
    first, _old = demo_load()
    copy = Review.objects.create(title=first.title, created_by=first.created_by)
    again, _new = demo_load()
    assert again.id == first.id != copy.id
