"""The review home's view of the whole pipeline: every stage with its counts.

Lives in synthesis because it reads every app's selectors (imports run one way). A stage
whose app has no data yet reports None, which the page shows as "not started".
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass
class Stage:
    key: str
    label: str
    counts: list  # [(label, value)], value None when the stage has not started

    @property
    def started(self):
        return any(v for _label, v in self.counts)


STAGE_LABELS = [
    ("import", _("Import")),
    ("dedup", _("De-duplication")),
    ("title_abstract", _("Title/abstract screening")),
    ("full_text", _("Full-text screening")),
    ("extraction", _("Extraction")),
    ("synthesis", _("Synthesis")),
]


def _providers():
    """Each stage's counts come from its own app's `stage_counts`; synthesis adds its own
    here once it has any."""
    from extraction import selectors as extraction_selectors
    from reviews import selectors as reviews_selectors
    from screening import selectors as screening_selectors
    from synthesis import selectors as synthesis_selectors

    return [reviews_selectors, screening_selectors, extraction_selectors, synthesis_selectors]


def stages_for_review(*, review):
    counts = {}
    for provider in _providers():
        counts.update(provider.stage_counts(review=review))
    return [
        Stage(key=key, label=label, counts=counts.get(key, []))
        for key, label in STAGE_LABELS
    ]
