"""Runs over many records: clustering, cannot-link, incremental runs, merging."""

from reviews.duplicates.matching import dedupe, merge_records

from .fixtures import TRIAL, record


def _copies():
    """Three exports of one trial, one erratum, and an unrelated record."""
    embase = dict(TRIAL, pmid=None, journal="Stem Cell Res Ther", source_id="EM1")
    wos = dict(TRIAL, doi=None, pmid=None, title=TRIAL["title"].upper(), source_id="WOS1")
    erratum = dict(TRIAL, title="Erratum: " + TRIAL["title"], pages="200", doi=None, pmid=None)
    other = record(
        title="Autologous haematopoietic stem cell transplantation in scleroderma",
        authors=["Burt, R K"],
        year=2011,
        journal="Lancet",
        volume="378",
        pages="498-506",
        source_id="PM2",
    )
    return [TRIAL, embase, erratum, wos, other]


def test_exports_of_one_record_share_a_cluster_and_others_do_not():
    result = dedupe(_copies())
    assert result.clusters == [0, 0, 2, 0, 4]
    assert result.groups() == [[0, 1, 3]]


def test_cannot_link_keeps_a_split_pair_apart_and_out_of_the_queue():
    result = dedupe(_copies(), cannot_link=[(0, 1)])
    assert result.clusters[0] != result.clusters[1]
    assert all({p.i, p.j} != {0, 1} for p in result.possible)


def test_a_chain_never_joins_two_records_that_differ():
    # b matches a and c each, but a and c carry different DOIs: they stay apart.
    a = dict(TRIAL, pmid=None)
    b = dict(TRIAL, pmid=None, doi=None)
    c = dict(TRIAL, pmid=None, doi="10.1186/s13287-019-9999-9")
    clusters = dedupe([a, b, c]).clusters
    assert clusters[0] != clusters[2]


def test_incremental_run_equals_batch_run():
    records = _copies()
    batch = dedupe(records)
    first = dedupe(records[:2])
    later = dedupe(records[2:], existing=records[:2], existing_clusters=first.clusters)
    assert later.clusters == batch.clusters


def test_incremental_run_keeps_existing_clusters_and_respects_cannot_link():
    records = _copies()
    later = dedupe(
        records[3:], existing=records[:3], existing_clusters=[0, 1, 2], cannot_link=[(1, 3)]
    )
    assert later.clusters[:3] == [0, 1, 2]
    assert later.clusters[3] == 0


def test_existing_cluster_labels_must_match_the_records():
    try:
        dedupe([TRIAL], existing=[TRIAL], existing_clusters=[])
    except ValueError as error:
        assert "existing_clusters" in str(error)
    else:
        raise AssertionError("a short label list was accepted")


def test_merged_record_keeps_every_source_and_the_best_fields():
    short = dict(TRIAL, authors=["Zhang, W"], abstract=None, pages="115", source_id="EM1")
    merged = merge_records([short, dict(TRIAL, journal="Stem Cell Res Ther")])
    assert merged["sources"] == ["EM1", "PM1"]
    assert merged["authors"] == TRIAL["authors"]
    assert merged["pages"] == "115-123"
    assert merged["journal"] == "Stem Cell Research & Therapy"
    assert merged["abstract"] == TRIAL["abstract"]
