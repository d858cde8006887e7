"""Hand-written records for the de-duplication tests."""


def record(**fields):
    """A Records dict (DESIGN.md keys) with every key present."""
    base = {
        "title": None, "title_translated": None, "abstract": None, "authors": [], "year": None,
        "journal": None, "volume": None, "issue": None, "pages": None, "doi": None,
        "pmid": None, "language": None, "keywords": [], "source_id": None, "type": "article",
    }  # fmt: skip
    base.update(fields)
    return base


TRIAL = record(
    title="Mesenchymal stem cell transplantation for systemic sclerosis: a randomised trial",
    authors=["Zhang, Wei", "Li, Na", "Chen, Hong"],
    year=2019,
    journal="Stem Cell Research & Therapy",
    volume="10",
    issue="4",
    pages="115-123",
    doi="10.1186/s13287-019-1234-5",
    pmid="31000001",
    abstract="Background: systemic sclerosis is a rare autoimmune disease with fibrosis of the "
    "skin and internal organs. We randomised 40 patients to mesenchymal stem cells or placebo.",
    source_id="PM1",
)
