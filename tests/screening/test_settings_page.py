"""The screening settings: a page load writes no row (the defaults are shown unsaved); the
owner's save makes the settings and reasons, audited, through screening.services."""
from reviews.models import AuditEvent
from screening.models import DEFAULT_REASONS, ExclusionReason, ScreeningSettings


def _rows(review):
    return (ScreeningSettings.objects.filter(review=review).count(),
            ExclusionReason.objects.filter(review=review).count())


def test_loading_the_screening_pages_writes_no_row(screening_team):
    t = screening_team
    for persona in ("owner", "viewer", "reviewer"):
        client = t.client(persona)
        assert client.get(f"/reviews/{t.review.id}/screening/settings/").status_code == 200
        assert client.get(f"/reviews/{t.review.id}/screening/ta/").status_code in (200, 403)
    assert _rows(t.review) == (0, 0)
    page = t.client("owner").get(f"/reviews/{t.review.id}/screening/settings/").content.decode()
    assert DEFAULT_REASONS[0][0] in page  # the defaults are shown all the same


def test_the_first_save_makes_settings_and_reasons_and_audits_them(screening_team):
    t = screening_team
    response = t.client("owner").post(f"/reviews/{t.review.id}/screening/settings/", {
        "reasons": "Wrong population\nOther", "include_keywords": "stem cell",
        "exclude_keywords": "", "maybe_advances": "on",
        "stop_recall_target": "0.95", "stop_confidence": "0.95"})
    assert response.status_code == 302
    settings = ScreeningSettings.objects.get(review=t.review)
    assert settings.include_keywords == "stem cell" and settings.maybe_advances
    active = list(ExclusionReason.objects.filter(review=t.review, active=True)
                  .order_by("position").values_list("label", flat=True))
    assert active == ["Wrong population", "Other"]
    event = AuditEvent.objects.get(review=t.review, verb="screening.settings")
    assert event.after["reasons"] == ["Wrong population", "Other"]
    assert event.actor == t.users["owner"]


def test_a_viewer_cannot_save_the_settings(screening_team):
    t = screening_team
    response = t.client("viewer").post(f"/reviews/{t.review.id}/screening/settings/", {
        "reasons": "Anything"})
    assert response.status_code == 403
    assert _rows(t.review) == (0, 0)
