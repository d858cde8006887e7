"""Overall judgements from domain results, by each tool's published rule."""

from .rules import HIGH, LOW, SOME, worst_of

NOS_CONVENTIONS = ("ahrq", "total")


def _pending(domains):
    return [k for k, d in domains.items() if d["judgement"] is None]


def _waiting(keys):
    return {"judgement": None,
            "reason": f"waiting for the domains {', '.join(keys)}"}


def rob2(tool, domains, convention=None):
    """Sterne et al. 2019: low if every domain is low; high if any domain is high; otherwise
    some concerns. The tool also allows "high" when some concerns in several domains
    substantially lower confidence: that is the assessor's call, so the proposal stays at
    some concerns and says the rise is allowed (`may_raise_to`)."""
    if _pending(domains):
        return _waiting(_pending(domains))
    values = [d["judgement"] for d in domains.values()]
    concerns = [k for k, d in domains.items() if d["judgement"] == SOME]
    if HIGH in values:
        highs = [k for k, d in domains.items() if d["judgement"] == HIGH]
        return {"judgement": HIGH, "reason": f"high risk in {', '.join(highs)}"}
    if concerns:
        result = {"judgement": SOME, "reason": f"some concerns in {', '.join(concerns)}"}
        if len(concerns) > 1:
            result["may_raise_to"] = HIGH
            result["reason"] += ("; the assessor may judge high if these together "
                                 "substantially lower confidence in the result")
        return result
    return {"judgement": LOW, "reason": "low risk in every domain"}


ROBINS_ORDER = ["low", "moderate", "serious", "critical"]


def robins_i(tool, domains, convention=None):
    """Sterne et al. 2016: the overall judgement is the most severe domain judgement. "No
    information" overall when no domain is serious or critical and information is lacking in
    one or more domains; the assessor may judge otherwise when the domain lacking
    information is not a key one (an override with its reason)."""
    if _pending(domains):
        return _waiting(_pending(domains))
    known = {k: d["judgement"] for k, d in domains.items()}
    severe = [v for v in known.values() if v in ("serious", "critical")]
    lacking = [k for k, v in known.items() if v == "no_information"]
    if severe:
        worst = worst_of(severe, ROBINS_ORDER)
        keys = [k for k, v in known.items() if v == worst]
        return {"judgement": worst, "reason": f"{worst} risk in {', '.join(keys)}"}
    if lacking:
        return {"judgement": "no_information",
                "reason": f"no information in {', '.join(lacking)} and no domain serious or "
                          "critical"}
    worst = worst_of(list(known.values()), ROBINS_ORDER)
    if worst == "low":
        return {"judgement": "low", "reason": "low risk in every domain"}
    keys = [k for k, v in known.items() if v == "moderate"]
    return {"judgement": "moderate", "reason": f"moderate risk in {', '.join(keys)}, none "
                                               "serious or critical"}


def quadas2(tool, domains, convention=None):
    """Whiting et al. 2011: "low" only when every domain is low; any high makes it high,
    otherwise unclear. Applicability concerns are summarised the same way."""
    result = _three_level([d["judgement"] for d in domains.values()], "risk of bias")
    concerns = [d["applicability"] for d in domains.values() if "applicability" in d]
    result["applicability"] = _three_level(concerns, "applicability")["judgement"]
    return result


def _three_level(values, what):
    if None in values:
        return {"judgement": None, "reason": f"{what} not judged in every domain"}
    if all(v == "low" for v in values):
        return {"judgement": "low", "reason": f"low {what} in every domain"}
    if "high" in values:
        return {"judgement": "high", "reason": f"high {what} in at least one domain"}
    return {"judgement": "unclear", "reason": f"unclear {what} in at least one domain"}


def _totals(domains):
    score = sum(d.get("score") or 0 for d in domains.values())
    maximum = sum(d.get("max_score") or 0 for d in domains.values())
    return score, maximum


def nos(tool, domains, convention=None):
    """Newcastle-Ottawa stars to a quality band. "ahrq" (default): good = selection 3-4 and
    comparability 1-2 and outcome/exposure 2-3; fair = selection 2 with the same; poor =
    selection 0-1 or comparability 0 or outcome/exposure 0-1 (the AHRQ thresholds). "total":
    7-9 stars good, 4-6 fair, 0-3 poor (the common total-score bands)."""
    convention = convention or "ahrq"
    if convention not in NOS_CONVENTIONS:
        raise ValueError(f"unknown NOS convention {convention!r}; use one of {NOS_CONVENTIONS}")
    if _unscored(domains):
        return _waiting(_unscored(domains))
    score, maximum = _totals(domains)
    if convention == "total":
        band = "good" if score >= 7 else "fair" if score >= 4 else "poor"
        return {"judgement": band, "score": score, "max_score": maximum, "convention": "total",
                "reason": f"{score} of {maximum} stars (7-9 good, 4-6 fair, 0-3 poor)"}
    selection, comparability, third = (d.get("score") or 0 for d in domains.values())
    if selection >= 3 and comparability >= 1 and third >= 2:
        band = "good"
    elif selection == 2 and comparability >= 1 and third >= 2:
        band = "fair"
    else:
        band = "poor"
    return {"judgement": band, "score": score, "max_score": maximum, "convention": "ahrq",
            "reason": f"AHRQ thresholds: selection {selection}, comparability {comparability}, "
                      f"outcome/exposure {third}"}


def _unscored(domains):
    return [k for k, d in domains.items() if "score" not in d]


def score_only(tool, domains, convention=None):
    if _unscored(domains):
        return _waiting(_unscored(domains))
    score, maximum = _totals(domains)
    return {"judgement": None, "score": score, "max_score": maximum,
            "reason": f"{score} of {maximum}; the tool sets no quality bands, the reviewers "
                      "judge"}


def worst(tool, domains, convention=None):
    if _pending(domains):
        return _waiting(_pending(domains))
    order = [j["value"] for j in tool["judgements"]]
    value = worst_of([d["judgement"] for d in domains.values()], order)
    return {"judgement": value, "reason": "the most severe domain judgement"}


def assessor(tool, domains, convention=None):
    return {"judgement": None, "reason": "the assessor judges the overall risk of bias"}


OVERALL_RULES = {
    "rob2": rob2,
    "robins_i": robins_i,
    "quadas2": quadas2,
    "nos": nos,
    "score_only": score_only,
    "worst": worst,
    "assessor": assessor,
}
OVERALL_JUDGEMENTS = {
    "rob2": {LOW, SOME, HIGH},
    "robins_i": {"low", "moderate", "serious", "critical", "no_information"},
    "quadas2": {"low", "high", "unclear"},
    "nos": {"good", "fair", "poor"},
}
