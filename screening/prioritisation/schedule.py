"""When the prioritisation model retrains: one schedule for the live queue and the replay.

Pure and light (no scikit-learn), since the vote's request asks it after every settlement;
services.py (live) and ranking.simulate (replay, benchmarks), both in this package, call
:func:`retrain_due`, so a replay measures the ranking reviewers actually get.
"""

# Every settlement retrains until this many are settled, as ASReview does: a retrain is a
# classifier fit on the labelled rows only (features are fitted once per review), tens of
# milliseconds. Measured with benchmarks/bench_screening.py --sweep (3 seeds, all sets): after
# every label, median WSS@95 .467 .545 .690 .392 .739 .807 (ADHD ta/final, Kitchenham,
# Nagtegaal ta/final, CLEF) against .462 .545 .682 .388 .734 .805 when batching from 200
# labels on. Reviews reach 95% recall within 1,000 labels on all those sets; beyond that a
# retrain waits for last/RETRAIN_GROWTH new settlements, since one more label barely moves
# a model trained on thousands, which keeps a 5,000-record replay within 2 minutes.
RETRAIN_EVERY_UP_TO = 1000
RETRAIN_GROWTH = 20


def retrain_due(settled_count: int, last_count: int, first_include: bool = False) -> bool:
    """Whether to retrain now that ``settled_count`` records are settled, the last retrain
    having seen ``last_count``: at the first relevant record, after every settlement up to
    RETRAIN_EVERY_UP_TO, then after last/RETRAIN_GROWTH new ones."""
    if first_include:
        return True
    step = 1 if last_count < RETRAIN_EVERY_UP_TO else last_count // RETRAIN_GROWTH
    return settled_count - last_count >= max(1, step)
