"""Synthesis pages and API on a locked review: results, forest plot, downloads, GRADE and the
summary of findings exports."""
import io
import json

import pytest

from synthesis.models import Analysis
from tests.synthesis.analysis.test_pooling import locked  # noqa: F401 - a fixture


def _mc(team):
    return next(a for a in Analysis.objects.filter(review=team.review)
                if a.spec["measure"] == "MC")


def test_the_home_lists_every_analysis_with_its_result(locked):  # noqa: F811
    page = locked.client("viewer").get(f"/reviews/{locked.review.id}/synthesis/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="summary"' in html
    assert html.count('data-status="done"') == Analysis.objects.filter(
        review=locked.review).count()


def test_the_analysis_page_draws_the_forest_plot_inline(locked):  # noqa: F811
    analysis = _mc(locked)
    html = locked.client("reviewer").get(
        f"/reviews/{locked.review.id}/synthesis/analyses/{analysis.id}/").content.decode()
    assert "<svg" in html and "Granel 2015" in html
    assert 'id="sensitivity"' in html and "r = 0.2" in html


def test_figure_downloads_are_real_files(locked):  # noqa: F811
    analysis = _mc(locked)
    base = f"/reviews/{locked.review.id}/synthesis/analyses/{analysis.id}/"
    client = locked.client("viewer")
    assert client.get(base + "forest.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(base + "forest.pdf").content[:4] == b"%PDF"
    assert b"<svg" in client.get(base + "funnel.svg").content
    assert client.get(base + "forest.gif").status_code == 404


def test_the_owner_edits_an_analysis_through_the_api_and_only_it_is_repooled(
        locked, django_capture_on_commit_callbacks):  # noqa: F811
    analysis = _mc(locked)
    url = f"/api/reviews/{locked.review.id}/synthesis/analyses/{analysis.id}/"
    spec = dict(analysis.spec, method="DL")
    with django_capture_on_commit_callbacks(execute=True):
        response = locked.client("owner").put(url, json.dumps({"spec": spec}),
                                              content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["run"]["status"] == "queued"  # pooled after the commit
    after = locked.client("viewer").get(url).json()["run"]
    assert after["status"] == "done" and after["output"]["spec"]["method"] == "DL"
    assert locked.client("viewer").put(url, json.dumps({"spec": spec}),
                                       content_type="application/json").status_code == 403


def test_grade_table_and_its_docx_and_xlsx(locked):  # noqa: F811
    client = locked.client("viewer")
    html = client.get(f"/reviews/{locked.review.id}/synthesis/grade/").content.decode()
    assert 'id="sof"' in html and "⊕" in html
    docx = client.get(f"/reviews/{locked.review.id}/synthesis/grade/?format=docx&lang=en")
    from docx import Document

    doc = Document(io.BytesIO(docx.content))
    assert doc.tables[0].rows[0].cells[0].text == "Outcome"
    assert any("mRSS" in row.cells[0].text for row in doc.tables[0].rows[1:])
    xlsx = client.get(f"/reviews/{locked.review.id}/synthesis/grade/?format=xlsx&lang=zh")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any(row[0] == "结局" for row in sheet.iter_rows(values_only=True))


def test_a_changed_grade_domain_needs_a_footnote(locked):  # noqa: F811
    analysis = _mc(locked)
    url = f"/reviews/{locked.review.id}/synthesis/grade/"
    owner = locked.client("owner")
    owner.post(url, {"analysis": analysis.id, "indirectness_levels": "1",
                     "indirectness_footnote": ""})
    assert not hasattr(analysis, "grade") or not analysis.grade.overrides
    owner.post(url, {"analysis": analysis.id, "indirectness_levels": "1",
                     "indirectness_footnote": "Adults with diffuse SSc only"})
    analysis.refresh_from_db()
    assert analysis.grade.overrides["indirectness"]["levels"] == 1
    html = owner.get(url).content.decode()
    assert "Adults with diffuse SSc only" in html


def test_the_owner_adds_an_analysis_in_the_page(locked, django_capture_on_commit_callbacks):  # noqa: F811
    before = Analysis.objects.filter(review=locked.review).count()
    with django_capture_on_commit_callbacks(execute=True):
        locked.client("owner").post(f"/reviews/{locked.review.id}/synthesis/", {
            "action": "new", "name": "mRSS, SMCR", "outcome": locked.mrss.id,
            "timepoint": locked.m6.id, "baseline": locked.baseline.id, "measure": "SMCR",
            "method": "DL"})
    made = Analysis.objects.get(review=locked.review, name="mRSS, SMCR")
    assert Analysis.objects.filter(review=locked.review).count() == before + 1
    assert made.spec["measure"] == "SMCR" and made.spec["r"] == 0.5


def test_the_r_script_downloads_with_its_data(locked):  # noqa: F811
    import zipfile

    analysis = _mc(locked)
    response = locked.client("viewer").get(
        f"/reviews/{locked.review.id}/synthesis/analyses/{analysis.id}/metafor.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["R", "csv"]


def test_a_chinese_user_gets_the_forest_and_funnel_plots_in_chinese(locked):  # noqa: F811
    from reviews.models import Profile
    from synthesis.figures.common import cjk_font

    if cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-wqy-microhei)")
    Profile.objects.update_or_create(user=locked.users["viewer"],
                                     defaults={"language": "zh-hans"})
    analysis = _mc(locked)
    base = f"/reviews/{locked.review.id}/synthesis/analyses/{analysis.id}/"
    chinese, english = locked.client("viewer"), locked.client("reviewer")
    html = chinese.get(base).content.decode()
    assert "研究或亚组" in html and "总体效应检验: Z = " in html
    assert "Study or Subgroup" in english.get(base).content.decode()
    assert "标准误" in chinese.get(base + "funnel.svg").content.decode()
    assert "研究或亚组" in chinese.get(base + "forest.svg").content.decode()
