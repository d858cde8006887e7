"""How synthesis reads "high risk of bias" from a snapshot's risk-of-bias entry, per tool,
and the per-domain bands a figure draws for scored tools. Plain data in and out."""

# The judgements that count as high risk of bias, by tool family (the tools' worst levels;
# for the quality scales, the band the reviewers would exclude).
HIGH_RISK = {
    "rob2": {"high"},
    "robins_i": {"serious", "critical"},
    "quadas2": {"high"},
    "nos": {"poor"},
    "jbi": {"exclude"},
}
FAMILY_OF = {"rob2": "rob2", "rob2_adhering": "rob2", "robins_i": "robins_i",
             "robins_i_adhering": "robins_i", "nos_cohort": "nos", "nos_case_control": "nos",
             "minors_noncomparative": "minors", "minors_comparative": "minors",
             "jbi_case_series": "jbi", "quadas2": "quadas2"}


def is_high_risk(entry, tool=None):
    """True, False, or None when the entry cannot say (no overall judgement, or a tool
    without bands such as MINORS). `entry` is a snapshot risk-of-bias entry ({"tool",
    "overall", ...}); a custom tool (pass its definition) counts its most severe level,
    the last of its judgements, as high."""
    overall = entry.get("overall")
    if overall is None:
        return None
    family = FAMILY_OF.get(entry.get("tool"))
    if family in HIGH_RISK:
        return overall in HIGH_RISK[family]
    if family is None and tool and tool.get("judgements"):
        return overall == tool["judgements"][-1]["value"]
    return None


def nos_domain_bands(domains):
    """The AHRQ thresholds read domain by domain, so a traffic-light plot can draw NOS:
    selection 3-4 stars good, 2 fair, 0-1 poor; comparability 1-2 good, 0 poor;
    outcome/exposure 2-3 good, 0-1 poor. `domains`: {key: {"score", ...}}."""
    bands = {}
    for key, domain in domains.items():
        score = domain.get("score")
        if score is None:
            bands[key] = None
        elif key == "selection":
            bands[key] = "good" if score >= 3 else "fair" if score == 2 else "poor"
        elif key == "comparability":
            bands[key] = "good" if score >= 1 else "poor"
        else:
            bands[key] = "good" if score >= 2 else "poor"
    return bands
