"""Reads of the extraction stage. Extraction itself is not built yet; what carries over from
screening is the list of included studies, so the review home shows how many wait for it."""

from django.utils.translation import gettext_lazy as _


def stage_counts(*, review):
    from screening.selectors import included_counts

    counts = included_counts(review=review)
    if not counts["reports_included"]:
        return {}
    return {"extraction": [(_("Studies to extract"), counts["studies_included"]),
                           (_("Reports of them"), counts["reports_included"])]}
