"""The offline round trip: export, import the same file, export again: nothing changes."""
import pytest
from django.core.exceptions import ValidationError

from extraction import exchange, services
from extraction.models import Cell
from tests.extraction.conftest import cell, start


def _filled(team):
    ex = start(team, "reviewer", team.records[0])
    services.extraction_save(
        actor=team.users["reviewer"], review=team.review, extraction_id=ex.id,
        values={"country": "Italy", "n_patients": 7, "mean_age": 46.28, "design": "single_arm",
                "adverse_events": [{"event": "Lip oedema, pain", "patients": 2, "at_risk": 7,
                                    "serious": False}]},
        cells=[cell(team, ex, team.baseline, n=7, mean=-1.5, sd=0.25),
               cell(team, ex, team.m6, n=7, median=12, min=3, max=20)])
    return ex


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_changes_nothing(ex_team, fmt):
    ex = _filled(ex_team)
    user, review = ex_team.users["reviewer"], ex_team.review
    export = getattr(exchange, f"export_{fmt}")
    first_rows = list(exchange.export_rows(user=user, review=review))
    content = export(user=user, review=review)
    # Wipe the extraction, then bring it back from the file.
    Cell.objects.filter(extraction=ex).delete()
    ex.values = {}
    ex.save()
    exchange.import_file(actor=user, review=review, name=f"x.{fmt}", content=content)
    assert list(exchange.export_rows(user=user, review=review)) == first_rows
    assert ("Lip oedema, pain" in str(first_rows)) and len(first_rows) > 10


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(ex_team):
    _filled(ex_team)
    user, review = ex_team.users["reviewer"], ex_team.review
    content = exchange.export_csv(user=user, review=review).decode("utf-8-sig")
    lines = content.splitlines()
    lines[1] = lines[1].replace("Italy", "Spain")  # a good change first
    lines.append(lines[-1].replace(",sd,", ",sd,").rsplit(",", 1)[0] + ",-3")
    lines.append(lines[-1].replace("mRSS", "FVC"))
    with pytest.raises(ValidationError) as caught:
        exchange.import_file(actor=user, review=review, name="bad.csv",
                             content="\n".join(lines).encode())
    text = " ".join(caught.value.messages)
    assert "bad.csv, row" in text and "column outcome" in text and "FVC" in text
    from extraction.models import Extraction

    assert Extraction.objects.get(extractor=user).values["country"] == "Italy"


def test_someone_elses_rows_are_refused(ex_team):
    _filled(ex_team)
    content = exchange.export_csv(user=ex_team.users["reviewer"], review=ex_team.review)
    with pytest.raises(ValidationError, match="only your own"):
        exchange.import_file(actor=ex_team.users["adjudicator"], review=ex_team.review,
                             name="x.csv", content=content)


def test_a_file_without_the_columns_is_refused(ex_team):
    with pytest.raises(ValidationError, match="missing column"):
        exchange.import_file(actor=ex_team.users["reviewer"], review=ex_team.review,
                             name="x.csv", content=b"study,value\nA,1\n")


def test_formula_cells_are_escaped_in_the_csv(ex_team):
    ex = start(ex_team, "reviewer", ex_team.records[0])
    services.extraction_save(actor=ex_team.users["reviewer"], review=ex_team.review,
                             extraction_id=ex.id, values={"country": "=HYPERLINK(1)"})
    text = exchange.export_csv(user=ex_team.users["reviewer"], review=ex_team.review).decode()
    assert "'=HYPERLINK(1)" in text


def test_the_api_exports_and_imports_the_same_file(ex_team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _filled(ex_team)
    client = ex_team.client("reviewer")
    base = f"/api/reviews/{ex_team.review.id}/extraction/"
    exported = client.get(base + "export/?fmt=xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    response = client.post(base + "import/", {"file": SimpleUploadedFile("x.xlsx",
                                                                         exported.content)})
    assert response.status_code == 200 and response.json()["imported"] > 10
    bad = client.post(base + "import/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert bad.status_code == 400 and "missing column" in bad.content.decode()
