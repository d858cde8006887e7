"""The mapping step: an owner picks the field of each spreadsheet column and re-previews."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import AuditEvent, Record, Search
from reviews.searches import selectors, services
from reviews.searches.importers import ParseError

CSV = (
    "Titel,Verfasser,Jahr,DOI,Bemerkung\n"
    'Mesenchymal stem cells in systemic sclerosis,"Wang, Li; Zhang, H",2013,10.1000/a,x\n'
    'Adipose-derived cells for hand function,"Granel, B",2015,10.1000/b,y\n'
)
MAPPING = {
    "Titel": "title",
    "Verfasser": "authors",
    "Jahr": "year",
    "DOI": "doi",
    "Bemerkung": "ignore",
}


def _preview(team, text=CSV, name="export.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"))
    return services.search_preview(
        actor=team.users["owner"], review_id=team.review.id, upload=upload, source="other_database"
    )


def _remap(team, search, mapping=MAPPING, persona="owner"):
    return services.search_remap(
        actor=team.users[persona], review_id=team.review.id, search_id=search.id, mapping=mapping
    )


def test_unrecognised_columns_are_listed_with_their_first_values(team):
    search = _preview(team)
    assert search.preview["first"][0]["title"] is None  # "Titel" is not recognised
    columns = selectors.search_columns(search)
    assert columns[0] == (
        "Titel",
        "ignore",
        None,
        ["Mesenchymal stem cells in systemic sclerosis", "Adipose-derived cells for hand function"],
    )
    assert columns[3][:3] == ("DOI", "doi", "doi")


def test_remapping_redoes_the_preview_stores_the_mapping_and_is_audited(team):
    search = _remap(team, _preview(team))
    assert search.mapping == MAPPING and search.status == "preview"
    first = search.preview["first"][0]
    assert first["title"] == "Mesenchymal stem cells in systemic sclerosis"
    assert first["authors"] == ["Wang, Li", "Zhang, H"] and first["year"] == 2013
    assert search.problem_count == 0 and search.preview["problems"] == []
    event = AuditEvent.objects.get(verb="search.remap")
    assert event.after["mapping"] == MAPPING and event.before["mapping"] == {}
    assert selectors.search_columns(search)[0][1] == "title"


def test_the_import_uses_the_mapping_chosen(team, django_capture_on_commit_callbacks):
    search = _remap(team, _preview(team))
    with django_capture_on_commit_callbacks(execute=True):
        services.search_import_start(
            actor=team.users["owner"], review_id=team.review.id, search_id=search.id
        )
    titles = list(Record.objects.filter(search=search).values_list("title", flat=True))
    assert titles == [
        "Mesenchymal stem cells in systemic sclerosis",
        "Adipose-derived cells for hand function",
    ]


def test_a_mapping_that_leaves_nothing_to_read_changes_nothing(team):
    search = _preview(team)
    with pytest.raises(ParseError):
        _remap(team, search, {name: "ignore" for name in MAPPING})
    search.refresh_from_db()
    assert search.mapping == {} and not AuditEvent.objects.filter(verb="search.remap").exists()


def test_unknown_fields_columns_and_formats_are_refused(team):
    search = _preview(team)
    with pytest.raises(services.ValidationError):
        _remap(team, search, {"Titel": "headline"})
    with pytest.raises(services.ValidationError):
        _remap(team, search, {"Nope": "title"})
    ris = _preview(team, "TY  - JOUR\nTI  - A\nER  - \n", name="a.ris")
    with pytest.raises(services.ValidationError):
        _remap(team, ris, {"TI": "title"})


def test_only_an_owner_may_remap_and_an_imported_search_is_left_alone(team):
    search = _preview(team)
    with pytest.raises(Exception) as exc:
        _remap(team, search, persona="reviewer")
    assert type(exc.value).__name__ in ("PermissionDenied", "Http404")
    Search.objects.filter(pk=search.pk).update(status="done")
    with pytest.raises(Search.DoesNotExist):
        _remap(team, search)


def _post(team, search, persona, choices):
    data = {f"column_{i}": field for i, field in enumerate(choices)}
    return team.client(persona).post(
        f"/reviews/{team.review.id}/searches/{search.id}/mapping/", data
    )


def test_the_preview_page_shows_a_dropdown_a_column(team):
    search = _preview(team)
    page = team.client("owner").get(f"/reviews/{team.review.id}/searches/{search.id}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="mapping-form"' in html
    assert 'name="column_0"' in html and 'name="column_4"' in html
    assert "Adipose-derived cells for hand function" in html  # a first value of "Titel"
    viewer = team.client("viewer").get(f"/reviews/{team.review.id}/searches/{search.id}/")
    assert viewer.status_code == 200 and 'id="mapping-form"' not in viewer.content.decode()


def test_the_owner_posts_choices_and_sees_the_new_preview(team):
    search = _preview(team)
    response = _post(team, search, "owner", MAPPING.values())
    assert response.status_code == 302
    search.refresh_from_db()
    assert search.mapping == MAPPING
    page = team.client("owner").get(response.url).content.decode()
    assert "Mesenchymal stem cells in systemic sclerosis" in page
    assert '<option value="title" selected>' in page


def test_a_bad_choice_is_shown_and_nothing_changes(team):
    search = _preview(team)
    response = _post(team, search, "owner", ["ignore"] * 5)
    assert response.status_code == 400 and 'id="mapping-error"' in response.content.decode()
    response = _post(team, search, "owner", ["headline"] + ["ignore"] * 4)
    assert response.status_code == 400
    search.refresh_from_db()
    assert search.mapping == {}


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_others_cannot_remap(team, persona, status):
    search = _preview(team)
    assert _post(team, search, persona, MAPPING.values()).status_code == status
    search.refresh_from_db()
    assert search.mapping == {}


def test_a_spreadsheet_with_no_recognised_header_is_kept_for_mapping(team):
    search = _preview(team, CSV.replace("DOI", "Kennung"))
    assert (search.status, search.record_count, search.preview["first"]) == ("preview", 0, [])
    page = team.client("owner").get(f"/reviews/{team.review.id}/searches/{search.id}/")
    html = page.content.decode()
    assert 'id="mapping-needed"' in html and 'id="import-submit"' not in html
    mapping = {**MAPPING, "Kennung": "doi"}
    del mapping["DOI"]
    search = _remap(team, search, mapping)
    assert search.record_count == 2 and search.preview["first"][1]["doi"] == "10.1000/b"


def test_other_unreadable_files_are_still_refused(team):
    with pytest.raises(ParseError):
        _preview(team, "Titel,Jahr\n", name="empty.csv")
    assert Search.objects.count() == 0


def test_a_mapping_given_at_upload_is_checked_like_a_remap(team):
    def upload(text, name, mapping):
        return services.search_preview(
            actor=team.users["owner"], review_id=team.review.id, source="other_database",
            upload=SimpleUploadedFile(name, text.encode("utf-8")), mapping=mapping)

    with pytest.raises(services.ValidationError) as unknown:
        upload(CSV, "export.csv", {"Titel": "headline"})
    assert "headline" in str(unknown.value)
    with pytest.raises(services.ValidationError) as not_tabular:
        upload("TY  - JOUR\nTI  - A\nER  - \n", "a.ris", {"TI": "title"})
    assert "CSV" in str(not_tabular.value)
    assert not Search.objects.filter(review=team.review).exists()  # nothing half-stored
    assert upload(CSV, "export.csv", MAPPING).record_count == 2
