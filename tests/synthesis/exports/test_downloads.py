"""Exports of a review: records with decisions (blinded where the policy says), included
studies as RIS/BibTeX/CSV, pooled results."""
import csv
import io

from screening import services
from tests.synthesis.analysis.test_pooling import locked  # noqa: F401 - a fixture


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_records_export_has_every_record_and_blinds_undecided_votes(screening_team):
    team = screening_team
    item = team.items[0]
    services.vote_cast(actor=team.users["owner"], item_id=item.id, decision="include")
    url = f"/reviews/{team.review.id}/exports/records.csv"
    rows = _csv(team.client("reviewer").get(url))
    assert len(rows) == len(team.items)
    mine = next(r for r in rows if int(r["record_id"]) == item.record_id)
    assert mine["ta_status"] == "blinded" and mine["ta_decision"] == ""
    services.vote_cast(actor=team.users["reviewer"], item_id=item.id, decision="include")
    rows = _csv(team.client("reviewer").get(url))
    mine = next(r for r in rows if int(r["record_id"]) == item.record_id)
    assert mine["ta_status"] == "included" and mine["ta_decision"] == "include"


def test_included_studies_export_as_ris_and_bibtex(locked):  # noqa: F811
    client = locked.client("viewer")
    ris = client.get(f"/reviews/{locked.review.id}/exports/included.ris").content.decode()
    assert ris.count("TY  - JOUR") == 3 and "N1  - Study:" in ris
    bib = client.get(f"/reviews/{locked.review.id}/exports/included.bib").content.decode()
    assert bib.count("@article{") == 3
    assert client.get(f"/reviews/{locked.review.id}/exports/included.exe").status_code == 404


def test_results_export_lists_every_analysis(locked):  # noqa: F811
    rows = _csv(locked.client("viewer").get(f"/reviews/{locked.review.id}/exports/results.csv"))
    assert rows and all(r["status"] == "done" for r in rows)
    assert all(float(r["ci_lb"]) <= float(r["estimate"]) <= float(r["ci_ub"]) for r in rows)
    xlsx = locked.client("viewer").get(f"/reviews/{locked.review.id}/exports/results.xlsx")
    assert xlsx.content[:2] == b"PK"

