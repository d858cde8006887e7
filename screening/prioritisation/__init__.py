"""Prioritisation of title/abstract screening (issue #15): the ranking model and its retrain
schedule, scores for records imported mid-review, and the stopping rule. Pure modules
(ranking, schedule, scorer, stopping, labelled_sets) import no Django; services write,
selectors read, store keeps the fitted model on disk."""
