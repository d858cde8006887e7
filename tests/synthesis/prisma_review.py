"""A small review built with the real services, for the PRISMA tests: three exports (PubMed,
Embase, citation searching) with duplicates across them, imported, de-duplicated and synced."""
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.duplicates.services import review_dedupe
from reviews.models import Search
from reviews.searches.services import search_import_run, search_preview
from screening.models import Item
from screening.services import items_sync

TITLES = {
    "A": "Mesenchymal stem cells for diffuse cutaneous systemic sclerosis: a phase I trial",
    "B": "Adipose-derived stromal vascular fraction in the fingers of scleroderma patients",
    "C": "Umbilical cord mesenchymal stem cells and skin score in systemic sclerosis",
    "D": "Autologous fat grafting for the face in systemic sclerosis: a cohort",
    "E": "Statins and mortality in sepsis: a randomised trial",
    "F": "Beta blockers after myocardial infarction in older adults",
    "G": "Bone marrow stromal cells for digital ulcers in systemic sclerosis",
    "H": "Hand hygiene compliance in nursing homes: an audit",
    "I": "Stromal vascular fraction for hand disability in scleroderma: two-year follow-up",
    "J": "Mouth opening after fat grafting in systemic sclerosis",
}


def ris(keys, *, abstracts=True):
    out = []
    for key in keys:
        out += ["TY  - JOUR", f"TI  - {TITLES[key]}", f"AU  - Author{key}, A", "PY  - 2019",
                "JO  - Journal of Tests", f"DO  - 10.9999/prisma.{key.lower()}"]
        if abstracts:
            out.append(f"AB  - Abstract of {TITLES[key]}.")
        out += ["ER  - ", ""]
    return "\n".join(out).encode("utf-8")


EXPORTS = [  # file name, source, records; K is a citation-search copy of C, with less detail
    ("pubmed.ris", "pubmed", ["A", "B", "C", "D", "E", "F"], True),
    ("embase.ris", "embase", ["A", "B", "G", "H"], False),
    ("citations.ris", "citation", ["I", "J", "C"], False),
]


def import_exports(review, owner, exports=EXPORTS):
    for name, source, keys, abstracts in exports:
        upload = SimpleUploadedFile(name, ris(keys, abstracts=abstracts))
        search = search_preview(actor=owner, review_id=review.id, upload=upload, source=source)
        Search.objects.filter(pk=search.pk).update(status=Search.Status.QUEUED)
        search_import_run(search_id=search.id)
    review_dedupe(review_id=review.id)
    items_sync(review=review)


def item(review, key, stage="ta"):
    """The item of the kept record with that title at that stage."""
    return Item.objects.get(review=review, stage=stage, record__title=TITLES[key],
                            record__duplicate_of__isnull=True)
