"""A review with records in English and Chinese from several databases, some merged."""
import pytest
from django.core.files.base import ContentFile

from reviews.models import Record, Search
from screening import services
from screening.models import FullText, Item

RECORDS = [
    # title, abstract, authors, year, journal, keywords
    ("Mesenchymal stem cells for systemic sclerosis", "A phase 1 trial of MSC infusion.",
     ["Zhang, Wei"], 2019, "Stem Cell Res Ther", ["fibrosis"]),
    ("Statins in sepsis", "Mortality in intensive care.", ["Doe, Jane"], 2015, "Lancet", []),
    ("间充质干细胞治疗系统性硬化症的临床研究", "目的 观察疗效。", ["李明"], 2020,
     "中华风湿病学杂志", ["硬皮病"]),
    ("Adipose grafts in the hands of SSc patients", "Digital ulcers healed.", ["Roe, Rick"],
     2017, "Rheumatology", ["hand"]),
    ("Skin fibrosis in mice", "A mouse model of scleroderma.", ["Poe, Al"], None, None, []),
]


def make_search(review, owner, source, sha):
    return Search.objects.create(review=review, source=source, file_name=f"{source}.ris",
                                 file_sha256=sha * 64, file_size=1, format="ris",
                                 status="done", created_by=owner)


@pytest.fixture
def library(team):
    t = team
    owner = t.users["owner"]
    pubmed = make_search(t.review, owner, "pubmed", "a")
    cnki = make_search(t.review, owner, "cnki", "b")
    embase = make_search(t.review, owner, "embase", "c")
    t.records = []
    for n, (title, abstract, authors, year, journal, keywords) in enumerate(RECORDS, 1):
        search = cnki if "中" in (journal or "") else pubmed
        t.records.append(Record.objects.create(
            review=t.review, search=search, position=n, title=title, abstract=abstract,
            authors=authors, year=year, journal=journal, keywords=keywords))
    # An Embase duplicate of the first record, merged into it.
    t.duplicate = Record.objects.create(review=t.review, search=embase, position=1,
                                        title=RECORDS[0][0], duplicate_of=t.records[0],
                                        dedup_method="auto")
    services.items_sync(review=t.review)
    t.items = {r.id: Item.objects.get(record=r, stage="ta") for r in t.records}
    ft = FullText(record=t.records[3], file_name="a.pdf", size=9, uploaded_by=owner)
    ft.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ft.save()
    from screening.records.services import records_index_sync

    records_index_sync(review=t.review)
    return t


def ids(rows):
    return [r["id"] for r in rows]
