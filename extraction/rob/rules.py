"""Published rules from signalling-question answers to domain judgements, and from domain
judgements to the overall judgement. Each rule takes plain data and returns
{"judgement", "reason", ...}; a judgement of None means the assessor decides."""

YPY = {"Y", "PY"}
NPN = {"N", "PN"}
YPYNI = {"Y", "PY", "NI"}
NPNNI = {"N", "PN", "NI"}

LOW, SOME, HIGH = "low", "some_concerns", "high"


def _result(judgement, reason, **extra):
    return {"judgement": judgement, "reason": reason, **extra}


# --- RoB 2 (guidance of 22 August 2019, "Algorithm for suggested judgement") -----------------

def rob2_d1(domain, a):
    if a["1.2"] in NPN:
        return _result(HIGH, "1.2 N/PN: allocation sequence not concealed")
    if a["1.2"] == "NI":
        if a["1.3"] in YPY:
            return _result(HIGH, "1.2 NI and 1.3 Y/PY: no information on concealment and "
                                 "baseline differences suggest a problem")
        return _result(SOME, "1.2 NI: no information on allocation concealment")
    if a["1.1"] in NPN:
        return _result(SOME, "1.1 N/PN: allocation sequence not random")
    if a["1.3"] in YPY:
        return _result(SOME, "1.3 Y/PY: baseline differences suggest a problem")
    return _result(LOW, "1.2 Y/PY, 1.1 Y/PY/NI, 1.3 N/PN/NI")


def _rob2_d2_part1(a):
    if a["2.1"] in NPN and a["2.2"] in NPN:
        return LOW, "2.1 and 2.2 N/PN: participants and carers unaware"
    if a["2.3"] in NPN:
        return LOW, "2.3 N/PN: no deviations because of the trial context"
    if a["2.3"] == "NI":
        return SOME, "2.3 NI: no information on deviations because of the trial context"
    if a["2.4"] in NPN:
        return SOME, "2.4 N/PN: deviations unlikely to have affected the outcome"
    if a["2.5"] in YPY:
        return SOME, "2.5 Y/PY: deviations balanced between groups"
    return HIGH, "2.5 N/PN/NI: deviations that could affect the outcome not shown balanced"


def _rob2_d2_part2(a):
    if a["2.6"] in YPY:
        return LOW, "2.6 Y/PY: appropriate analysis"
    if a["2.7"] in NPN:
        return SOME, "2.7 N/PN: inappropriate analysis without substantial impact"
    return HIGH, "2.7 Y/PY/NI: potential substantial impact of the inappropriate analysis"


def worst_of(judgements, order):
    return max(judgements, key=order.index)


def rob2_d2_assignment(domain, a):
    (j1, r1), (j2, r2) = _rob2_d2_part1(a), _rob2_d2_part2(a)
    judgement = worst_of([j1, j2], [LOW, SOME, HIGH])
    return _result(judgement, f"part 1 {j1} ({r1}); part 2 {j2} ({r2})")


def rob2_d2_adhering(domain, a):
    unaware = a["2.1"] in NPN and a["2.2"] in NPN
    balanced = unaware or a["2.3"] in {"NA", "Y", "PY"}
    problems = a["2.4"] in YPYNI or a["2.5"] in YPYNI
    if balanced and not problems:
        return _result(LOW, "no imbalance in non-protocol interventions, no failures in "
                            "implementation or non-adherence that could affect the outcome")
    if a["2.6"] in YPY:
        return _result(SOME, "2.6 Y/PY: appropriate analysis of the effect of adhering")
    return _result(HIGH, "2.6 N/PN/NI: no appropriate analysis of the effect of adhering")


def rob2_d3(domain, a):
    if a["3.1"] in YPY:
        return _result(LOW, "3.1 Y/PY: outcome data for (nearly) all participants")
    if a["3.2"] in YPY:
        return _result(LOW, "3.2 Y/PY: evidence the result was not biased by missing data")
    if a["3.3"] in NPN:
        return _result(LOW, "3.3 N/PN: missingness could not depend on the true value")
    if a["3.4"] in NPN:
        return _result(SOME, "3.4 N/PN: missingness could, but is unlikely to, depend on the "
                             "true value")
    return _result(HIGH, "3.4 Y/PY/NI: missingness likely depended on the true value")


def rob2_d4(domain, a):
    if a["4.1"] in YPY:
        return _result(HIGH, "4.1 Y/PY: inappropriate method of measurement")
    if a["4.2"] in YPY:
        return _result(HIGH, "4.2 Y/PY: measurement could differ between groups")
    # With 4.2 NI the branch that would reach "low" reaches "some concerns" instead.
    floor = SOME if a["4.2"] == "NI" else LOW
    prefix = "4.2 NI; " if floor == SOME else ""
    if a["4.3"] in NPN:
        return _result(floor, prefix + "4.3 N/PN: assessors unaware of the intervention")
    if a["4.4"] in NPN:
        return _result(floor, prefix + "4.4 N/PN: assessment could not be influenced")
    if a["4.5"] in NPN:
        return _result(SOME, prefix + "4.5 N/PN: assessment could be, but unlikely was, "
                                      "influenced")
    return _result(HIGH, prefix + "4.5 Y/PY/NI: assessment likely influenced by knowledge of "
                                  "the intervention")


def rob2_d5(domain, a):
    selected = {a["5.2"], a["5.3"]}
    if selected & YPY:
        return _result(HIGH, "5.2 or 5.3 Y/PY: result likely selected")
    if "NI" in selected:
        return _result(SOME, "5.2 or 5.3 NI: no information on selection of the result")
    if a["5.1"] in YPY:
        return _result(LOW, "5.1 Y/PY and 5.2, 5.3 N/PN: pre-specified analysis followed")
    return _result(SOME, "5.1 N/PN/NI: no pre-specified plan, though 5.2, 5.3 N/PN")


# --- ROBINS-I (2016): only domain 1 has a published shortcut --------------------------------

def robins_i_d1(domain, a):
    if a["1.1"] in NPN:
        return _result("low", "1.1 N/PN: no potential for confounding (the tool: low risk)")
    return assessor(domain, a)


def assessor(domain, a):
    return _result(None, "the tool gives no algorithm for this domain; the assessor judges")


# --- scored, checklist and custom tools -----------------------------------------------------

def domain_score(domain, a):
    """(score, max_score) over the domain's questions; options without a score (not
    applicable) drop out of the maximum."""
    score = maximum = 0
    for question in domain["questions"]:
        by_value = {o["value"]: o for o in question["options"]}
        chosen = by_value.get(a.get(question["key"]))
        if chosen is None or "score" not in chosen:
            continue
        score += chosen["score"]
        maximum += max(o.get("score", 0) for o in question["options"])
    return score, maximum


def sum_rule(domain, a):
    score, maximum = domain_score(domain, a)
    return _result(None, f"{score} of {maximum}", score=score, max_score=maximum)


def quadas2(domain, a):
    signalling = [q["key"] for q in domain["questions"] if q.get("role") != "applicability"]
    values = [a[k] for k in signalling]
    extra = {}
    concern = [q["key"] for q in domain["questions"] if q.get("role") == "applicability"]
    if concern:
        extra["applicability"] = a[concern[0]]
    if all(v == "yes" for v in values):
        return _result("low", "all signalling questions yes", **extra)
    noes = [k for k, v in zip(signalling, values, strict=True) if v == "no"]
    if noes:
        return _result("high", f"{', '.join(noes)} no: flags potential for bias", **extra)
    return _result("unclear", "some signalling questions unclear, none no", **extra)


def worst_answer(domain, a, order):
    judgements = []
    for question in domain["questions"]:
        by_value = {o["value"]: o for o in question["options"]}
        chosen = by_value.get(a.get(question["key"]))
        if chosen and chosen.get("judgement"):
            judgements.append(chosen["judgement"])
    if not judgements:
        return _result(None, "no answer carries a judgement; the assessor judges")
    return _result(worst_of(judgements, order), "the most severe judgement among the answers")


DOMAIN_RULES = {
    "rob2_d1": rob2_d1,
    "rob2_d2_assignment": rob2_d2_assignment,
    "rob2_d2_adhering": rob2_d2_adhering,
    "rob2_d3": rob2_d3,
    "rob2_d4": rob2_d4,
    "rob2_d5": rob2_d5,
    "robins_i_d1": robins_i_d1,
    "assessor": assessor,
    "sum": sum_rule,
    "quadas2": quadas2,
    "worst_answer": None,  # needs the tool's judgement order; dispatched in propose
}
# The judgement values a rule can produce; a tool using the rule must define them.
RULE_JUDGEMENTS = {
    **{k: {LOW, SOME, HIGH} for k in DOMAIN_RULES if k.startswith("rob2_")},
    "robins_i_d1": {"low"},
    "quadas2": {"low", "high", "unclear"},
}
