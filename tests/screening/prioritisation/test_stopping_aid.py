"""The stopping aid on the screening overview: figures, adopting the stop, undoing it, PRISMA."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews.models import AuditEvent
from screening import selectors, services
from screening.models import Item, ItemStatus, StoppingDecision
from screening.prioritisation import selectors as prioritisation_selectors
from screening.prioritisation.services import stopping_adopt, stopping_undo
from synthesis.prisma.flow import check_flow
from synthesis.prisma.selectors import prisma_flow

from ..conftest import make_records
from ..test_votes import vote


def _settle(items, included):
    """Settled decisions, one a second, in the order given (the order the team settled them)."""
    start = timezone.now() - timedelta(days=1)
    for n, item in enumerate(items):
        inc = n < included
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.INCLUDED if inc else ItemStatus.EXCLUDED,
            decision="include" if inc else "exclude", live_votes=2,
            settled_at=start + timedelta(seconds=n))
        if inc:  # as settlement does: an included record goes on to full text
            Item.objects.create(review=item.review, record=item.record, stage="ft")


@pytest.fixture
def nearly_done(team):
    """45 records: 3 included then 40 excluded, one with a single vote, one nobody voted on.
    K_tar = floor(3 / 0.95) + 1 = 4; the 40 settled since the last include come from a pool
    of 42 that must hold 1 more relevant under H0: p = 2/42 = 0.048, below 0.05."""
    make_records(team.review, team.users["owner"], [f"Record {i}" for i in range(45)])
    services.items_sync(review=team.review)
    items = list(Item.objects.filter(review=team.review, stage="ta").order_by("id"))
    _settle(items[:43], included=3)
    team.voted, team.unvoted = items[43], items[44]
    vote(team, "reviewer", team.voted, "exclude")
    return team


def _stop_url(team):
    return reverse("screening_stop", kwargs={"review_id": team.review.id})


def test_the_owner_sees_the_figures_of_settled_decisions(nearly_done):
    state = prioritisation_selectors.stopping_for_review(review=nearly_done.review)
    figures = state["figures"]
    assert (figures.n_total, figures.n_seen, figures.r_seen) == (45, 43, 3)
    assert figures.p_value == pytest.approx(2 / 42) and figures.stop
    assert figures.since_last_relevant == 40 and state["unvoted"] == 1
    page = nearly_done.client("owner").get(
        reverse("screening_overview", kwargs={"review_id": nearly_done.review.id}))
    html = page.content.decode()
    assert 'id="stop-adopt"' in html and 'id="since-last">40<' in html
    assert 'id="stop-p">0.0476<' in html


def test_members_other_than_the_owner_see_no_stopping_aid(nearly_done):
    page = nearly_done.client("reviewer").get(
        reverse("screening_overview", kwargs={"review_id": nearly_done.review.id}))
    assert page.status_code == 200 and 'id="stopping"' not in page.content.decode()


def test_a_single_vote_does_not_move_the_figures(nearly_done):
    # Blinding: only settled decisions count, so a reviewer's lone vote shows nowhere.
    before = prioritisation_selectors.stopping_for_review(review=nearly_done.review)["figures"]
    vote(nearly_done, "adjudicator", nearly_done.unvoted, "include")
    after = prioritisation_selectors.stopping_for_review(review=nearly_done.review)["figures"]
    assert (after.p_value, after.n_seen, after.r_seen, after.since_last_relevant) == (
        before.p_value, before.n_seen, before.r_seen, before.since_last_relevant)


def test_the_figures_are_computed_once_per_set_of_settled_decisions(nearly_done, monkeypatch):
    from screening.prioritisation import stopping

    calls = []
    real = stopping.stopping_figures

    def counted(labels, n_total, **kwargs):
        calls.append(len(labels))
        return real(labels, n_total, **kwargs)

    monkeypatch.setattr(stopping, "stopping_figures", counted)
    first = prioritisation_selectors.stopping_for_review(review=nearly_done.review)["figures"]
    again = prioritisation_selectors.stopping_for_review(review=nearly_done.review)["figures"]
    assert again == first and calls == [43]  # the second read came from the cache
    _settle([nearly_done.voted], included=0)  # one more settled: new inputs, new figures
    after = prioritisation_selectors.stopping_for_review(review=nearly_done.review)["figures"]
    assert calls == [43, 44] and after.n_seen == 44


def test_adopting_sets_aside_the_unvoted_records_and_records_the_decision(nearly_done):
    team = nearly_done
    response = team.client("owner").post(_stop_url(team))
    assert response.status_code == 302
    decision = StoppingDecision.objects.get(review=team.review)
    assert decision.adopted_by == team.users["owner"] and decision.undone_at is None
    assert (decision.n_total, decision.n_screened, decision.n_relevant, decision.n_stopped) == (
        45, 43, 3, 1)
    assert decision.p_value == pytest.approx(2 / 42)
    assert (decision.recall_target, decision.confidence) == (0.95, 0.95)
    stopped = Item.objects.get(pk=team.unvoted.pk)
    assert stopped.status == ItemStatus.STOPPED and stopped.stopped_by == decision
    # The record with a vote stays to be finished, and can be.
    assert Item.objects.get(pk=team.voted.pk).status == ItemStatus.PENDING
    vote(team, "adjudicator", team.voted, "exclude")
    assert Item.objects.get(pk=team.voted.pk).status == ItemStatus.EXCLUDED
    event = AuditEvent.objects.get(review=team.review, verb="screening.stop")
    assert event.actor == team.users["owner"] and event.after["n_stopped"] == 1
    assert event.after["p_value"] == pytest.approx(2 / 42)


def test_prisma_counts_the_stopped_records_as_ineligible_by_automation(nearly_done):
    stopping_adopt(actor=nearly_done.users["owner"], review_id=nearly_done.review.id)
    flow = prisma_flow(review=nearly_done.review)
    column = flow["databases_and_registers"]
    assert column["removed_by_automation"] == 1
    assert column["screened"] == 44 and column["excluded"] == 40
    assert column["awaiting_screening"] == 1  # the record with one vote
    assert check_flow(flow) == []
    counts = selectors.prisma_counts(review=nearly_done.review)
    assert counts["automation"] == 1 and counts["screened"] == 44
    progress = selectors.progress(user=nearly_done.users["owner"], review=nearly_done.review,
                                  stage="ta")
    assert progress["stopped"] == 1 and progress["closed"] == 44


def test_a_vote_on_a_stopped_record_is_refused(nearly_done):
    stopping_adopt(actor=nearly_done.users["owner"], review_id=nearly_done.review.id)
    with pytest.raises(ValidationError, match="stopping rule"):
        vote(nearly_done, "reviewer", nearly_done.unvoted, "include")
    assert Item.objects.get(pk=nearly_done.unvoted.pk).status == ItemStatus.STOPPED
    queue = selectors.queue_for_reviewer(user=nearly_done.users["adjudicator"],
                                         review=nearly_done.review, stage="ta")
    assert [i.id for i in queue] == [nearly_done.voted.id]


def test_adopting_is_refused_while_the_rule_says_not_yet(nearly_done):
    team = nearly_done
    # Reopen the last settled record: 39 since the last include, p = 3/42 > 0.05.
    last = Item.objects.filter(review=team.review, status=ItemStatus.EXCLUDED).order_by(
        "-settled_at").first()
    services.item_reopen(actor=team.users["owner"], item_id=last.id)
    with pytest.raises(ValidationError, match="does not allow"):
        stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    assert not StoppingDecision.objects.exists()
    assert not Item.objects.filter(status=ItemStatus.STOPPED).exists()


def test_the_owners_confidence_setting_is_used(nearly_done):
    team = nearly_done
    last = Item.objects.filter(review=team.review, status=ItemStatus.EXCLUDED).order_by(
        "-settled_at").first()
    services.item_reopen(actor=team.users["owner"], item_id=last.id)  # p = 3/42 = 0.071
    settings_url = reverse("screening_settings", kwargs={"review_id": team.review.id})
    form = {"maybe_advances": "on", "reasons": "Other", "stop_recall_target": "0.95",
            "stop_confidence": "0.9"}
    assert team.client("owner").post(settings_url, form).status_code == 302
    event = AuditEvent.objects.filter(review=team.review, verb="screening.settings").last()
    assert event.before["stop_confidence"] == 0.95 and event.after["stop_confidence"] == 0.9
    decision = stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    assert decision.confidence == 0.9 and decision.p_value == pytest.approx(3 / 42)
    bad = dict(form, stop_recall_target="1.5")
    assert team.client("owner").post(settings_url, bad).status_code == 200  # form error


def test_undo_returns_the_records_to_screening_even_after_full_text_began(nearly_done):
    team = nearly_done
    decision = stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    # Full-text screening goes on meanwhile: a record included at title/abstract is voted on.
    ft = Item.objects.filter(review=team.review, stage="ft").first()
    vote(team, "reviewer", ft, "include")
    url = reverse("screening_stop_undo", kwargs={"review_id": team.review.id,
                                                 "decision_id": decision.id})
    assert team.client("owner").post(url).status_code == 302
    decision.refresh_from_db()
    assert decision.undone_by == team.users["owner"] and decision.undone_at is not None
    restored = Item.objects.get(pk=team.unvoted.pk)
    assert restored.status == ItemStatus.PENDING and restored.stopped_by is None
    assert Item.objects.get(pk=ft.pk).live_votes == 1
    assert AuditEvent.objects.filter(verb="screening.stop_undo", actor=team.users["owner"],
                                     after__restored=1).exists()
    assert prisma_flow(review=team.review)["databases_and_registers"][
        "removed_by_automation"] == 0
    # Undone once is undone; a new stop can be adopted.
    with pytest.raises(ValidationError):
        stopping_undo(actor=team.users["owner"], review_id=team.review.id,
                      decision_id=decision.id)
    assert stopping_adopt(actor=team.users["owner"], review_id=team.review.id).n_stopped == 1


def test_a_second_stop_in_force_is_refused(nearly_done):
    stopping_adopt(actor=nearly_done.users["owner"], review_id=nearly_done.review.id)
    with pytest.raises(ValidationError, match="already stopped"):
        stopping_adopt(actor=nearly_done.users["owner"], review_id=nearly_done.review.id)


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("reviewer", 403),
                                                 ("adjudicator", 403), ("outsider", 404)])
def test_only_the_owner_may_stop_or_undo(nearly_done, persona, status):
    team = nearly_done
    assert team.client(persona).post(_stop_url(team)).status_code == status
    assert not StoppingDecision.objects.exists()
    decision = stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    url = reverse("screening_stop_undo", kwargs={"review_id": team.review.id,
                                                 "decision_id": decision.id})
    assert team.client(persona).post(url).status_code == status
    decision.refresh_from_db()
    assert decision.undone_at is None


def test_a_stop_of_another_review_is_not_found(nearly_done):
    team = nearly_done
    decision = stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    url = reverse("screening_stop_undo", kwargs={"review_id": team.other_review.id,
                                                 "decision_id": decision.id})
    assert team.client("outsider").post(url).status_code == 404


def test_a_stop_travels_in_the_review_archive(nearly_done, tmp_path, capsys):
    from django.core.management import call_command

    from reviews.models import Review

    team = nearly_done
    stopping_adopt(actor=team.users["owner"], review_id=team.review.id)
    path = tmp_path / "review.zip"
    call_command("export_review", str(team.review.id), "--out", str(path))
    call_command("import_review", str(path), "--owner", "owner")
    copy = Review.objects.get(pk=int(capsys.readouterr().out.strip().split(": ")[-1]))
    decision = StoppingDecision.objects.get(review=copy)
    assert (decision.n_stopped, decision.adopted_by) == (1, team.users["owner"])
    stopped = Item.objects.get(review=copy, status=ItemStatus.STOPPED)
    assert stopped.stopped_by == decision
    assert prisma_flow(review=copy)["databases_and_registers"]["removed_by_automation"] == 1


def test_the_cached_stopping_figures_are_plain_values(settings):
    # A pickled dataclass is found by its module path: an entry written before a module
    # moved could not be read after it (ModuleNotFoundError on the overview, seen in CI).
    import pickle

    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    labels = [1, 0, 0, 1] + [0] * 40
    first = prioritisation_selectors._stopping_figures(7, labels, 60, recall_target=0.95,
                                                       confidence=0.95)
    (key,) = [k for k in cache._cache if "stopping-figures:7:" in k]
    raw = pickle.dumps(cache.get(key.split(":", 2)[2]))  # locmem keys carry a prefix
    assert b"screening" not in raw  # no class of ours inside
    again = prioritisation_selectors._stopping_figures(7, labels, 60, recall_target=0.95,
                                                       confidence=0.95)
    assert again == first
