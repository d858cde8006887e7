"""The queue follows the model once decisions are in."""
from screening import selectors
from screening.models import Item
from screening.prioritisation.services import items_prioritise_run

from ..conftest import RANKED_FIRST, RANKING_TITLES, make_records
from ..test_votes import vote


def test_after_a_relevant_record_similar_records_move_to_the_front(team,
                                                                  django_capture_on_commit_callbacks):
    make_records(team.review, team.users["owner"], RANKING_TITLES)
    from screening import services

    services.items_sync(review=team.review)
    items = list(Item.objects.filter(review=team.review).order_by("id"))
    with django_capture_on_commit_callbacks(execute=True):
        for who in ("reviewer", "owner"):
            vote(team, who, items[0], "include")
            vote(team, who, items[1], "exclude")
    queue = [i.record.title for i in selectors.queue_for_reviewer(
        user=team.users["adjudicator"], review=team.review, stage="ta")]
    assert set(queue[:2]) == RANKED_FIRST


def test_with_no_relevant_record_the_order_stays_stable(screening_team):
    assert items_prioritise_run(review_id=screening_team.review.id) == 0
    queue = list(selectors.queue_for_reviewer(user=screening_team.users["reviewer"],
                                              review=screening_team.review, stage="ta"))
    assert [i.id for i in queue] == [i.id for i in screening_team.items]


def test_retraining_comes_after_every_label_at_first_and_in_growing_batches_later():
    from screening.prioritisation.services import retrain_due

    assert retrain_due(1, 0, first_include=True)
    assert retrain_due(1, 0) and retrain_due(150, 149) and retrain_due(999, 998)
    assert not retrain_due(2099, 2000) and retrain_due(2100, 2000)
