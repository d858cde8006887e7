"""The kept scorer: what a retrain keeps, and placing a new record's score among the head's."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.prioritisation import ranking
from screening.prioritisation.scorer import Scorer, keep_scorer
from screening.prioritisation.store import keep_model, load_scorer


def _scorer(head, top=2000):
    return Scorer(model=None, top=top, head=head)


def test_a_score_lands_between_its_neighbours_in_the_head():
    scorer = _scorer([5.0, 3.0, 1.0])  # priorities 2000, 1999, 1998
    between, lower, tie, best, below = scorer.priorities(np.array([4.0, 2.0, 3.0, 9.0, 0.5]))
    assert between == pytest.approx(1999.5)
    assert lower == pytest.approx(1998.5)
    assert 1999 < tie < 1999.5  # a tie goes just ahead of its twin
    assert 2000.5 <= best < 2001
    assert below == 0.0  # below the head: with the unranked rest


def test_an_empty_head_gives_nothing():
    assert _scorer([]).priorities(np.array([3.0, -1.0])).tolist() == [0.0, 0.0]


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=30),
       st.lists(st.floats(-60, 60), min_size=2, max_size=30))
@settings(max_examples=200, deadline=None)
def test_priorities_keep_the_order_of_the_scores(head, scores):
    scorer = _scorer(sorted(head, reverse=True), top=len(head))
    out = scorer.priorities(np.array(scores))
    for a, pa in zip(scores, out, strict=True):
        for b, pb in zip(scores, out, strict=True):
            if a > b:
                assert pa >= pb
    # Never between two head records it does not fall between.
    for s, p in zip(scores, out, strict=True):
        above = sum(h > s for h in head)
        if above < len(head):
            assert len(head) - above < p < len(head) - above + 1


TEXTS = ["stem cells systemic sclerosis", "statins sepsis", "stem cells scleroderma skin",
         "beta blockers heart", "mesenchymal stem cells sclerosis", "asthma children"]


def test_the_kept_scorer_holds_the_head_scores_and_no_features():
    features = ranking.featurize(TEXTS)
    labels = {0: 1, 1: 0, 3: 0}
    model = ranking.fit_model(features, labels)
    scores = ranking.score(model, features)
    order = ranking.unlabelled_by_score(scores, labels)
    scorer = keep_scorer(model, scores, top=3, head=order[::-1])
    assert scorer.head == sorted(scores[order].tolist(), reverse=True)  # best first
    assert scorer.model.features is None and scorer.model.scores is None  # small to keep
    assert model.features is features  # the queue's model is left as it was
    with pytest.raises(ValueError, match="no features"):
        scorer.score(["stem cells"])  # until store.load_scorer attaches the vectorisers


def test_the_loaded_scorer_scores_new_texts_as_the_ranking_does():
    features = ranking.featurize(TEXTS)
    labels = {0: 1, 1: 0, 3: 0}
    model = ranking.fit_model(features, labels)
    scores = ranking.score(model, features)
    order = ranking.rank_features(features, labels)
    keep_model(7, model, scores, labels, order, top=3)
    scorer = load_scorer(7)
    new = scorer.score([TEXTS[i] for i in order])
    assert list(new) == sorted(new, reverse=True)  # the ranking's order, from kept parts
    priorities = scorer.priorities(new)
    assert list(priorities) == sorted(priorities, reverse=True) and priorities[0] > 2
    assert scorer.score(["stem cells for sclerosis"])[0] > scorer.score(["sepsis statins"])[0]


def test_nothing_is_kept_without_both_classes():
    features = ranking.featurize(TEXTS)
    labels = {0: 1, 2: 1}
    model = ranking.fit_model(features, labels)
    keep_model(8, model, ranking.score(model, features), labels, [4], top=3)
    assert load_scorer(8) is None
