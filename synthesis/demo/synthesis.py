"""The demo review's second half: dual extraction of the nine included studies with consensus
(Tables 1 and 2 of the reference review, and illustrative outcome values designed to
reproduce its Table 3), the analyses of Table 3 with the correct pre/post analyses beside
them, the lock and the pooling. Everything goes through the real services.

Data: `data/studies.json` and `data/outcomes.json` (see data/design_outcomes.py).
"""
import json
from pathlib import Path

from django.db import transaction

from extraction import services as ex
from extraction.models import Extraction, ExtractionSettings
from reviews.audit.services import audit_record
from reviews.models import Review
from screening.models import Study

DATA = Path(__file__).resolve().parent / "data"
EXTRACTORS = ("demo-reviewer-1", "demo-reviewer-2")
ADJUDICATOR = "demo-adjudicator"


def _json(name):
    with (DATA / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def _user(review, username):
    return review.memberships.select_related("user").get(user__username=username).user


def _study_for(review, label):
    """The study called `label`, or the included report whose first author and year it names
    (made a study on first use)."""
    found = Study.objects.filter(review=review, label=label).first()
    if found:
        return found
    from extraction.selectors import study_rows

    author, year = label.rsplit(" ", 1)
    for row in study_rows(review=review):
        record = row.reports[0]
        first = (record.authors or [""])[0].split(",")[0].strip().lower()
        if first == author.lower() and str(record.year) == year:
            study = row.study or ex.study_for_record(review=review, record_id=record.id)
            if study.label != label:
                Study.objects.filter(pk=study.pk).update(label=label)
            return Study.objects.get(pk=study.pk)
    return None


def _definitions(review, owner, outcomes):
    ex.form_from_template(actor=owner, review=review)
    by_name = {}
    for o in outcomes["outcomes"]:
        by_name[o["name"]] = ex.outcome_save(
            actor=owner, review=review, name=o["name"], type=o["type"], unit=o.get("unit", ""),
            direction=o["direction"], mid=o.get("mid"),
            description=o.get("label", "") + (f". {o['description']}"
                                              if o.get("description") else ""))
    timepoints = {t["label"]: ex.timepoint_save(actor=owner, review=review, label=t["label"],
                                                months=t["months"], is_baseline=t["baseline"])
                  for t in outcomes["timepoints"]}
    return by_name, timepoints


def _disagree(values, cells, study, extractor, items):
    """Extractor 2's slips, as the data file lists them."""
    for item in items:
        if item["study"] != study or extractor != EXTRACTORS[1]:
            continue
        wrong = item["extractor_2"]
        if item["kind"] == "field":
            values[item["field"]] = wrong
        elif item["kind"] == "cell":
            key = (item["outcome"], item["timepoint"])
            cells[key] = dict(cells[key], **{item["statistic"]: wrong})
        elif item["kind"] == "adverse_event":
            values["adverse_events"] = [dict(r, **{item["column"]: wrong})
                                        if r["event"] == item["event"] else r
                                        for r in values["adverse_events"]]


def _extract(review, study, extractor, entry, cells, outcomes, timepoints, slips):
    values = json.loads(json.dumps(entry["values"]))
    mine = {(c["outcome"], c["timepoint"]): {k: c[k] for k in ("n", "mean", "sd", "corr")
                                             if k in c} for c in cells}
    _disagree(values, mine, entry["label"], extractor.username, slips)
    extraction = ex.extraction_start(actor=extractor, review=review, study_id=study.id)
    arm = study.arms.get()
    grid = [{"outcome": outcomes[o].id, "timepoint": timepoints[t].id, "arm": arm.id,
             "values": v} for (o, t), v in mine.items()]
    ex.extraction_save(actor=extractor, review=review, extraction_id=extraction.id,
                       values=values, cells=grid)
    ex.extraction_submit(actor=extractor, review=review, extraction_id=extraction.id)


def _settle(review, adjudicator, study):
    """The adjudicator takes, for every difference, the extractor whose value is right:
    extractor 1's in this demo (extractor 2 made the slips)."""
    consensus = Extraction.objects.filter(study=study, kind="consensus").first()
    for key in ex.open_differences(consensus) if consensus else []:
        ex.consensus_decide(actor=adjudicator, review=review, study_id=study.id, key=key,
                            source="a")


# Newcastle-Ottawa answers from all stars (9) down: each step takes one star away, so any
# total of Table 2 is reached. The item read as the weakest first goes first (a single-arm
# study has no non-exposed cohort to compare, so comparability goes before selection).
NOS_FULL = {"S1": "a", "S2": "a", "S3": "a", "S4": "a", "C1": "main_and_additional",
            "O1": "a", "O2": "a", "O3": "a"}
NOS_STEPS = [("C1", "main"), ("S2", "b"), ("O3", "c"), ("S4", "b"), ("O2", "b"), ("C1", "none"),
             ("S3", "c"), ("S1", "c"), ("O1", "c")]


def nos_answers(total):
    answers = dict(NOS_FULL)
    for question, option in NOS_STEPS[:max(0, 9 - total)]:
        answers[question] = option
    return answers


def _assess(review, study, assessors, adjudicator, total, slip):
    """Two assessors score the study with the Newcastle-Ottawa Scale; the second slips on
    one item where `slip`, and the adjudicator settles it."""
    from extraction.models import RobAssessment
    from extraction.rob import services as rs

    for assessor in assessors:
        answers = nos_answers(total)
        if slip and assessor == assessors[1]:
            answers["O2"] = "b" if answers["O2"] == "a" else "a"
        mine = rs.rob_assessment_start(actor=assessor, review=review, tool_key="nos_cohort",
                                       study_id=study.id)
        rs.rob_assessment_save(actor=assessor, review=review, assessment_id=mine.id,
                               answers=answers)
        rs.rob_assessment_submit(actor=assessor, review=review, assessment_id=mine.id)
    consensus = RobAssessment.objects.filter(target__study=study, kind="consensus").first()
    for key in rs.open_differences(consensus) if consensus else []:
        rs.rob_consensus_decide(actor=adjudicator, review=review, target_id=consensus.target_id,
                                key=key, source="a")


def _analysis_specs(outcomes_data, outcomes, timepoints):
    """Table 3's analyses as the paper ran them (baseline and follow-up as independent
    groups), and beside each the correct pre/post analysis (MC with r)."""
    specs = []
    for a in outcomes_data["analyses"]:
        base = {"outcome": outcomes[a["outcome"]].id,
                "comparison": {"kind": "before_after", "timepoint": timepoints[a["timepoint"]].id,
                               "baseline": timepoints[a["baseline"]].id},
                "sign": "improvement_positive", "method": a["method"], "test": a["test"],
                "subgroup": a.get("subgroup"), "options": a.get("options") or {}}
        label = f"{a['outcome']} at {a['timepoint']}"
        measure = "ROM_independent" if a["measure"] == "ROM" else "MD_independent"
        specs.append(({**base, "name": f"{label} (as published: independent groups)",
                       "measure": measure,
                       "sensitivity": {"leave_one_out": True, "exclude_high_rob": True,
                                       "fixed_vs_random": True, "r_values": []}}, a["id"]))
        if measure == "MD_independent":
            specs.append(({**base, "name": f"{label} (pre/post, MC with r)", "measure": "MC",
                           "r": outcomes_data["assumed_r"], "options": {},
                           "sensitivity": {"leave_one_out": True, "exclude_high_rob": True,
                                           "fixed_vs_random": True,
                                           "r_values": [0.2, 0.5, 0.8]}}, a["id"]))
    return specs


PUBLISHED = "as published in Table 3 of the reference review"


def _published_grade(review, owner, outcomes_data, analyses):
    """The review's own GRADE judgements (Table 3) on the analyses run as published: started
    high, one level down for the single-arm design, and the other domains as printed, each
    with its footnote."""
    from synthesis.analysis.services import grade_save

    targets = {t["analysis"]: t["published_grade"] for t in outcomes_data["targets"]
               if not t.get("subgroup_level") and "published_grade" in t}
    for key, analysis in analyses.items():
        grade = targets.get(key)
        if grade is None or "as published" not in analysis.name:
            continue
        overrides = {
            "start": {"level": 4, "footnote": f"Graded from high, {PUBLISHED}."},
            "risk_of_bias": {"levels": grade["study_design"],
                             "footnote": "Downgraded one level for the single-arm "
                                         f"(self-controlled) design, {PUBLISHED}."},
            "inconsistency": {"levels": grade["inconsistency"], "footnote": PUBLISHED},
            "indirectness": {"levels": 0, "footnote": PUBLISHED},
            "imprecision": {"levels": grade["imprecision"], "footnote": PUBLISHED},
            "publication_bias": {"levels": grade["small_study_effects"],
                                 "footnote": f"Small-study effects, {PUBLISHED}."},
        }
        grade_save(actor=owner, review=review, analysis_id=analysis.id, overrides=overrides)


def demo_extract_and_pool(review):
    """Extraction, consensus, analyses, lock and pooling of the demo. Runs once: a review
    with a snapshot already is left as it is. Returns the snapshot or None."""
    from synthesis.analysis.services import analysis_save
    from synthesis.models import Analysis

    if review.snapshots.exists():
        return None
    studies_data, outcomes_data = _json("studies.json"), _json("outcomes.json")
    owner = review.memberships.get(role="owner").user
    extractors = [_user(review, name) for name in EXTRACTORS]
    adjudicator = _user(review, ADJUDICATOR)
    slips = studies_data["extraction_disagreements"]["items"]
    studies = {e["label"]: _study_for(review, e["label"]) for e in studies_data["studies"]}
    if not any(studies.values()):
        return None  # screening has included none of them: nothing to extract
    with transaction.atomic():
        row, _created = ExtractionSettings.objects.get_or_create(review=review)
        row.illustrative = True
        row.save(update_fields=["illustrative"])
        audit_record(review=review, actor=owner, verb="extraction.illustrative", obj=row,
                     after={"illustrative": True, "why": outcomes_data["notice"]})
        outcomes, timepoints = _definitions(review, owner, outcomes_data)
        from extraction.rob.services import rob_tools_update

        rob_tools_update(actor=owner, review=review, keys=["nos_cohort"])
        for entry in studies_data["studies"]:
            study = studies[entry["label"]]
            if study is None:
                continue
            cells = [c for c in outcomes_data["cells"] if c["study"] == entry["label"]]
            for extractor in extractors:
                _extract(review, study, extractor, entry, cells, outcomes, timepoints, slips)
            _settle(review, adjudicator, study)
            nos = entry.get("risk_of_bias") or {}
            if nos.get("tool") == "nos_cohort":
                _assess(review, study, extractors, adjudicator, nos["score"],
                        slip=entry["label"] == "Scuderi 2013")
        published = {}
        for spec, key in _analysis_specs(outcomes_data, outcomes, timepoints):
            if not Analysis.objects.filter(review=review, name=spec["name"]).exists():
                made = analysis_save(actor=owner, review=review, spec=spec)
                if spec["measure"] != "MC":
                    published[key] = made
        _published_grade(review, owner, outcomes_data, published)
        Review.objects.filter(pk=review.pk).update(status=Review.Status.SYNTHESIS)
        return ex.extraction_lock(actor=owner, review=review, allow_incomplete=True)


def demo_pool_now(snapshot, wait=60):
    """Pool the demo's analyses here, whether or not a worker runs: with a broker the lock sent
    them to the workers, and the demo is to be complete when `load_demo` ends. A run is
    claimed once, so a worker that takes its message later finds it done; a run a live worker
    already holds is waited for (up to `wait` seconds). Returns the runs still unfinished."""
    import time

    from synthesis.analysis.services import pooling_run
    from synthesis.models import PoolingRun

    runs = PoolingRun.objects.filter(snapshot=snapshot)
    for run_id in runs.filter(status="queued").values_list("id", flat=True):
        pooling_run(run_id=run_id)
    deadline = time.monotonic() + wait
    while runs.filter(status__in=["queued", "running"]).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return runs.filter(status__in=["queued", "running"]).count()
