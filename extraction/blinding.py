"""Extraction's part of the blinding policy (reviews.blinding): an extraction event carries
values of a study, and another person's values stay hidden until every extraction that study
needs is submitted (the rule of `selectors.may_see_others`, also used by pages, API and
exports). One's own events are always shown."""
from screening.models import Study

from .selectors import may_see_others
from .services import settings_for


def hidden_events(*, membership, events):
    """Ids of extraction events whose values this member may not see yet."""
    others = [e for e in events if e.actor_id != membership.user_id]
    studies = {}
    for event in others:
        payload = event.after if isinstance(event.after, dict) else {}
        study_id = payload.get("study")
        if isinstance(study_id, int):
            studies.setdefault(study_id, []).append(event.id)
    if not studies:
        return set()
    settings = settings_for(membership.review)
    hidden = set()
    for study in Study.objects.filter(pk__in=studies, review=membership.review_id):
        if not may_see_others(user=membership.user, study=study, settings=settings):
            hidden.update(studies[study.id])
    return hidden
