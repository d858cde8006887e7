"""The PRISMA page (inline diagram, counts, downloads) and API endpoint. Access per persona is
walked by tests/test_permission_matrix.py; here, what each answer holds."""
from urllib.parse import unquote

import defusedxml.ElementTree as ET
import pytest
from django.urls import reverse

from reviews.models import Review
from tests.synthesis.prisma_review import import_exports


@pytest.fixture
def review(team):
    import_exports(team.review, team.users["owner"])
    return team.review


def test_the_page_shows_the_diagram_inline_the_counts_and_every_download(team, review):
    response = team.client("viewer").get(reverse("prisma", args=[review.id]))
    assert response.status_code == 200
    page = response.content.decode()
    figure = page[page.index('<figure'):page.index("</figure>")]
    svg = figure[figure.index("<svg"):]
    ET.fromstring(svg)  # the diagram itself, well-formed, without an XML prolog in the page
    assert "<?xml" not in page and "DOCTYPE svg" not in page
    counts = response.context["flow"]
    assert counts["databases_and_registers"]["identified"] == 10
    assert 'id="prisma-counts"' in page and "Citation searching: 3" in page
    queries = [q for _label, q in response.context["downloads"]]
    for fmt in ("svg", "png", "pdf"):
        for lang in ("en", "zh"):
            assert f"format={fmt}&lang={lang}" in queries
    assert "format=json" in queries and "format=csv" in queries
    assert response.context["problems"] == []


def test_the_page_draws_in_the_users_language(team, review):
    from reviews.models import Profile

    Profile.objects.update_or_create(user=team.users["owner"], defaults={"language": "zh-hans"})
    chinese = team.client("owner").get(reverse("prisma", args=[review.id]))
    english = team.client("viewer").get(reverse("prisma", args=[review.id]))
    assert chinese.status_code == english.status_code == 200
    assert "PRISMA 2020 流程图" in chinese.content.decode()
    assert "其他方法" in chinese.content.decode()
    assert chinese.context["svg"] != english.context["svg"]
    asked = team.client("viewer").get(reverse("prisma", args=[review.id]) + "?lang=zh")
    assert asked.context["svg"] == chinese.context["svg"]


@pytest.mark.parametrize(("fmt", "content_type", "magic"), [
    ("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG"),
    ("pdf", "application/pdf", b"%PDF"), ("json", "application/json", b"{"),
    ("csv", "text/csv; charset=utf-8", "\ufeffcolumn".encode()),
])
def test_each_download_is_an_attachment_of_its_type(team, review, fmt, content_type, magic):
    url = reverse("prisma_download", args=[review.id]) + f"?format={fmt}&lang=zh"
    response = team.client("viewer").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"review-")
    assert disposition.endswith(f".{fmt}") or disposition.endswith(f".{fmt}\"")


def test_a_chinese_title_keeps_its_name_in_the_download(team, review):
    Review.objects.filter(pk=review.id).update(title="间充质干细胞治疗系统性硬化症")
    response = team.client("owner").get(reverse("prisma_download", args=[review.id])
                                        + "?format=png&lang=zh")
    disposition = response["Content-Disposition"]
    ascii_part, _sep, utf8_part = disposition.partition("; filename*=UTF-8''")
    assert ascii_part == f'attachment; filename="review-{review.id}-prisma2020-zh.png"'
    assert disposition.isascii()
    assert unquote(utf8_part) == "PRISMA 2020 - 间充质干细胞治疗系统性硬化症-zh.png"


def test_an_unknown_download_format_is_a_bad_request(team, review):
    response = team.client("owner").get(reverse("prisma_download", args=[review.id])
                                        + "?format=gif")
    assert response.status_code == 400


def test_previous_studies_in_the_query_draw_the_updated_template(team, review):
    url = reverse("prisma", args=[review.id]) + "?previous_studies=2&previous_reports=3"
    response = team.client("owner").get(url)
    assert response.context["flow"]["total"] == {"studies": 2, "reports": 3}
    assert all("previous_studies=2" in q for _l, q in response.context["downloads"])
    bad = team.client("owner").get(reverse("prisma", args=[review.id])
                                   + "?previous_studies=5&previous_reports=1")
    assert bad.context["flow"]["previous"] is None


def test_the_api_returns_the_counts(team, review):
    response = team.client("viewer").get(f"/api/reviews/{review.id}/prisma/")
    assert response.status_code == 200
    body = response.json()
    assert body["review_id"] == review.id
    db = body["databases_and_registers"]
    assert (db["identified"], db["duplicates_removed"], db["screened"]) == (10, 2, 8)
    assert body["other_methods"]["identified"] == 3
    updated = team.client("viewer").get(
        f"/api/reviews/{review.id}/prisma/?previous_studies=1&previous_reports=1").json()
    assert updated["template"] == "updated"
    blank = team.client("viewer").get(f"/api/reviews/{review.id}/prisma/?previous_studies=")
    assert blank.status_code == 400  # not quietly "no previous version"


def test_the_api_is_documented_in_the_schema(team):
    paths = team.client("owner").get("/api/schema/", HTTP_ACCEPT="application/json").json()[
        "paths"]
    operation = paths["/api/reviews/{review_id}/prisma/"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("PrismaFlowOutput")
    assert {p["name"] for p in operation["parameters"]} >= {"previous_studies",
                                                            "previous_reports"}


def test_the_review_home_and_screening_overview_link_to_the_page(team):
    url = reverse("prisma", args=[team.review.id])
    for name in ("review_home", "screening_overview"):
        page = team.client("viewer").get(reverse(name, args=[team.review.id])).content.decode()
        assert f'href="{url}"' in page, name


def test_an_outsider_gets_404_on_the_page_downloads_and_api(team, review):
    outsider = team.client("outsider")
    assert outsider.get(reverse("prisma", args=[review.id])).status_code == 404
    assert outsider.get(reverse("prisma_download", args=[review.id])).status_code == 404
    assert outsider.get(f"/api/reviews/{review.id}/prisma/").status_code == 404
