"""Placing a new record's score among the scores of the queue's head."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.prioritisation import ranking
from screening.prioritisation.scorer import Scorer, fit_scorer


def _scorer(head, top=2000):
    return Scorer(model=None, top=top, head=head)


def test_a_score_lands_between_its_neighbours_in_the_head():
    scorer = _scorer([5.0, 3.0, 1.0])  # priorities 2000, 1999, 1998
    assert scorer.priority_for(4.0) == pytest.approx(1999.5)
    assert scorer.priority_for(2.0) == pytest.approx(1998.5)
    assert 1999 < scorer.priority_for(3.0) < 1999.5  # a tie goes just ahead of its twin
    assert 2000.5 <= scorer.priority_for(9.0) < 2001
    assert scorer.priority_for(0.5) == 0.0  # below the head: with the unranked rest


def test_an_empty_head_gives_nothing():
    assert _scorer([]).priority_for(3.0) == 0.0


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


def test_the_fitted_scorer_scores_new_texts_as_the_ranking_does():
    texts = ["stem cells systemic sclerosis", "statins sepsis", "stem cells scleroderma skin",
             "beta blockers heart", "mesenchymal stem cells sclerosis", "asthma children"]
    features = ranking.featurize(texts)
    labels = {0: 1, 1: 0, 3: 0}
    scorer = fit_scorer(features, labels, top=3, head=[4, 2, 5])
    order = ranking.rank_features(features, labels)
    new = scorer.score([texts[i] for i in order])
    assert list(new) == sorted(new, reverse=True)  # the ranking's order, from kept parts
    assert scorer.score(["stem cells for sclerosis"])[0] > scorer.score(["sepsis statins"])[0]
    assert fit_scorer(features, {0: 1, 2: 1}, top=3, head=[]) is None  # one class only
