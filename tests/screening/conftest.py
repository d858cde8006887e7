"""Screening fixtures: a team whose review has imported records with title/abstract items."""
import pytest

from reviews.models import Record, Search
from screening import services
from screening.models import Item

# Three on stem cells for systemic sclerosis: once the first is included and the second
# excluded, the ranking must put the other two of them first.
RANKING_TITLES = [
    "Mesenchymal stem cells for systemic sclerosis skin fibrosis",
    "Beta blockers after myocardial infarction",
    "Statins and sepsis mortality in intensive care",
    "Adipose-derived mesenchymal stem cells in systemic sclerosis hands",
    "Hand hygiene compliance in nursing homes",
    "Umbilical cord mesenchymal stem cells for diffuse systemic sclerosis",
]
RANKED_FIRST = {RANKING_TITLES[3], RANKING_TITLES[5]}


def make_records(review, owner, titles):
    search = Search.objects.create(review=review, source="pubmed", file_name="s.ris",
                                   file_sha256=f"{review.id:064d}", file_size=1, format="ris",
                                   record_count=len(titles), status="done", created_by=owner)
    return [Record.objects.create(review=review, search=search, position=i, title=t,
                                  abstract=f"Abstract of {t}", doi=f"10.1000/r{i}",
                                  pmid=str(1000 + i))
            for i, t in enumerate(titles, 1)]


@pytest.fixture
def screening_team(team):
    make_records(team.review, team.users["owner"],
                 ["MSCs in systemic sclerosis", "Statins in sepsis", "Adipose grafts in SSc"])
    services.items_sync(review=team.review)
    team.items = list(Item.objects.filter(review=team.review, stage="ta").order_by("id"))
    return team
