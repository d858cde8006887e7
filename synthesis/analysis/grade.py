"""GRADE certainty per pooled analysis: domains proposed by stated rules, reviewer overrides,
the final certainty in ⊕ symbols, and the summary-of-findings row.

Reads only what pool_analysis returns (the compiled case with its `extra`, and the engine
result). Each domain's proposal carries the rule it follows and the facts it found; a reviewer
confirms or changes it, and a change needs a footnote. Strings come in English and Chinese.
"""

import math

from synthesis.stats import transforms

DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
LEVELS = {4: "high", 3: "moderate", 2: "low", 1: "very_low"}
SYMBOLS = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}
WORDS = {
    "en": {"high": "High", "moderate": "Moderate", "low": "Low", "very_low": "Very low"},
    "zh": {"high": "高", "moderate": "中", "low": "低", "very_low": "极低"},
}
DOMAIN_LABELS = {
    "en": {"risk_of_bias": "risk of bias", "inconsistency": "inconsistency",
           "indirectness": "indirectness", "imprecision": "imprecision",
           "publication_bias": "publication bias", "start": "study design",
           "upgrade": "upgrading"},
    "zh": {"risk_of_bias": "偏倚风险", "inconsistency": "不一致性", "indirectness": "间接性",
           "imprecision": "不精确性", "publication_bias": "发表偏倚", "start": "研究设计",
           "upgrade": "升级"},
}
RULES = {
    "en": {
        "start": "Randomised trials start at high certainty; non-randomised, observational and "
                 "single-arm studies start at low. An analysis with any non-randomised study "
                 "starts at low.",
        "risk_of_bias": "Share of the weight (main analysis) from studies whose consensus overall "
                        "judgement is high risk, or high risk or some concerns (not assessed "
                        "counts as some concerns): 2 levels when high-risk studies carry more "
                        "than 50%; 1 level when high-risk and some-concerns studies together "
                        "carry more than 50%.",
        "inconsistency": "2 levels when I² ≥ 75%; 1 level when I² ≥ 50%, or when the 95% "
                         "prediction interval includes the null effect while the confidence "
                         "interval does not. Not assessable with one study.",
        "indirectness": "Not proposed: the reviewer judges population, intervention, "
                        "comparator and outcome against the review question.",
        "imprecision": "1 level when the 95% CI includes the null effect, or crosses the "
                       "minimal important difference (MID) the owner set; 2 levels when it "
                       "includes both an important benefit and an important harm (beyond ±MID). "
                       "1 more level (at most 2) when the optimal information size is not met: "
                       "fewer than 400 participants (continuous) or 300 events (dichotomous, "
                       "rates).",
        "publication_bias": "With 10 or more studies: 1 level when Egger's regression test "
                            "gives p < 0.10, otherwise undetected. With fewer than 10 studies "
                            "the test is not assessable and nothing is proposed.",
    },
    "zh": {
        "start": "随机对照试验起始为高确定性；非随机、观察性和单臂研究起始为低。"
                 "只要纳入任一非随机研究，该分析起始为低。",
        "risk_of_bias": "主分析中来自共识总体判断为高风险（或高风险与存在一些担忧，未评估按存在一些"
                        "担忧计）的研究所占权重：高风险研究权重超过50%降2级；高风险与存在一些担忧"
                        "研究合计超过50%降1级。",
        "inconsistency": "I² ≥ 75% 降2级；I² ≥ 50%，或95%预测区间包含无效值而置信区间不包含时"
                         "降1级。仅一项研究时无法评估。",
        "indirectness": "不自动建议：由评价员对照研究问题判断人群、干预、对照和结局的间接性。",
        "imprecision": "95%置信区间包含无效值或跨越负责人设定的最小重要差异（MID）时降1级；同时包含"
                       "重要获益和重要危害（超出±MID）时降2级。未达到最优信息量（连续型结局少于400名"
                       "受试者，二分类或率少于300个事件）时再降1级（最多2级）。",
        "publication_bias": "10项及以上研究时：Egger回归检验 p < 0.10 降1级，否则未发现。少于10项"
                            "研究时无法评估，不作建议。",
    },
}
# ROM_independent: the analysis spec's name for a ratio of means between independent groups.
RATIO_MEASURES = transforms.RATIO_MEASURES | {"ROM_independent"}
NO_NULL_MEASURES = frozenset({"PLO", "PFT", "PR", "PAS", "IRLN", "IR"})
STANDARDISED = frozenset({"SMD", "SMCR", "SMCC"})
COUNT_COLUMNS = (("ai", "ci"), ("x1i", "x2i"), ("xi",))


class GradeInputError(ValueError):
    """An override a reviewer has to fix (e.g. a changed domain without a footnote)."""


# ---------------------------------------------------------------- proposals


def _start(extra, lang):
    designs = [d or "other" for d in extra.get("designs", [])]
    level = 4 if designs and all(d == "rct" for d in designs) else 2
    counts = {d: designs.count(d) for d in dict.fromkeys(designs)}
    reason = ", ".join(f"{n} {d.replace('_', '-')}" for d, n in counts.items())
    return {"level": level, "certainty": LEVELS[level], "rule": RULES[lang]["start"],
            "reason": reason}


def _weights(result):
    w = result.get("weights_percent")
    if w:
        return w
    vi = result.get("vi") or []
    total = sum(1 / v for v in vi) or 1.0
    return [100 / v / total for v in vi]


def _risk_of_bias(extra, result):
    weights = _weights(result)
    judged = extra.get("risk_of_bias") or [None] * len(weights)
    high = sum(w for w, j in zip(weights, judged, strict=False) if j == "high")
    some = sum(w for w, j in zip(weights, judged, strict=False) if j == "some_concerns")
    unassessed = sum(w for w, j in zip(weights, judged, strict=False) if j is None)
    levels = 2 if high > 50 else 1 if high + some + unassessed > 50 else 0
    reason = (f"weight from high risk {high:.0f}%, some concerns {some:.0f}%, "
              f"not assessed {unassessed:.0f}%")
    return levels, reason


def _null_for(measure):
    return None if measure in NO_NULL_MEASURES else 0.0


def _includes(lb, ub, value):
    return lb is not None and ub is not None and lb <= value <= ub


def _inconsistency(extra, result):
    k = result.get("k", 0)
    if k < 2:
        return 0, "not assessable: one study"
    i2 = result.get("I2") or 0.0
    null = _null_for(extra["measure"])
    levels = 2 if i2 >= 75 else 1 if i2 >= 50 else 0
    reason = f"I² = {i2:.0f}%"
    if null is not None and result.get("pi_lb") is not None:
        pi_crosses = _includes(result["pi_lb"], result["pi_ub"], null)
        ci_crosses = _includes(result["ci_lb"], result["ci_ub"], null)
        if pi_crosses and not ci_crosses:
            levels = max(levels, 1)
            reason += "; the prediction interval includes the null effect, the CI does not"
    return levels, reason


def _mid_on_analysis_scale(measure, mid):
    if mid is None or mid <= 0:
        return None
    if measure in RATIO_MEASURES:
        return abs(math.log(mid)) if mid != 1 else None
    return float(mid)


def _events(case):
    data = case.get("data", {})
    for columns in COUNT_COLUMNS:
        if all(c in data for c in columns):
            return sum(sum(data[c]) for c in columns)
    return None


def _imprecision(case, result, mid):
    extra = case["extra"]
    measure = extra["measure"]
    lb, ub = result.get("ci_lb"), result.get("ci_ub")
    null = _null_for(measure)
    levels, reasons = 0, []
    if null is not None and _includes(lb, ub, null):
        levels, reasons = 1, ["the 95% CI includes the null effect"]
    threshold = _mid_on_analysis_scale(measure, mid)
    if threshold is not None and null is not None:
        if lb < -threshold and ub > threshold:
            levels, reasons = 2, ["the 95% CI includes important benefit and important harm"]
        elif _includes(lb, ub, threshold) or _includes(lb, ub, -threshold):
            levels = max(levels, 1)
            reasons.append(f"the 95% CI crosses the MID ({mid:g})")
    ois = _optional_information_size(case, extra)
    if ois:
        levels = min(2, levels + 1)
        reasons.append(ois)
    return levels, "; ".join(reasons) or "the 95% CI excludes the null and the OIS is met"


def _optional_information_size(case, extra):
    if extra.get("outcome", {}).get("type") == "continuous":
        n = sum(p for p in extra.get("participants", []) if p)
        return f"{n:g} participants, below the 400 of the OIS rule of thumb" if n < 400 else None
    events = _events(case)
    if events is not None and events < 300:
        return f"{events:g} events, below the 300 of the OIS rule of thumb"
    return None


def _publication_bias(result):
    k = result.get("k", 0)
    if k < 10:
        return 0, f"not assessable: {k} studies (Egger's test needs 10 or more)"
    reg = result.get("regtest") or {}
    p = reg.get("pval")
    if p is None:
        return 0, "not assessable: Egger's test could not be computed"
    if p < 0.10:
        return 1, f"Egger's test p = {p:.3f}"
    return 0, f"undetected (Egger's test p = {p:.3f})"


def propose_domains(pooled, *, mid=None, lang="en"):
    """{domain: {"proposed", "rule", "reason"}} for the five GRADE domains."""
    case, result = pooled["spec"], pooled["result"]
    extra = case["extra"]
    proposals = {
        "risk_of_bias": _risk_of_bias(extra, result),
        "inconsistency": _inconsistency(extra, result),
        "indirectness": (None, "reviewer's judgement"),
        "imprecision": _imprecision(case, result, mid),
        "publication_bias": _publication_bias(result),
    }
    return {key: {"proposed": levels, "rule": RULES[lang][key], "reason": reason}
            for key, (levels, reason) in proposals.items()}


# ---------------------------------------------------------------- reviewer decisions


def _override(entry, key, proposed):
    if entry is None:
        return proposed, "proposed" if proposed is not None else "reviewer", None
    if not isinstance(entry, dict):
        raise GradeInputError(f"{key}: an override is {{'levels': 0-2, 'footnote': text}}")
    levels = entry.get("levels", proposed if proposed is not None else 0)
    if isinstance(levels, bool) or levels not in (0, 1, 2):
        raise GradeInputError(f"{key}: levels must be 0, 1 or 2, not {levels!r}")
    footnote = (entry.get("footnote") or "").strip() or None
    if levels != proposed and proposed is not None and footnote is None:
        raise GradeInputError(f"{key}: a changed judgement needs a footnote with the reason")
    if proposed is None and levels and footnote is None:
        raise GradeInputError(f"{key}: a downgrade needs a footnote with the reason")
    status = "confirmed" if levels == proposed else "changed" if proposed is not None else "judged"
    return levels, status, footnote


def grade_outcome(pooled, *, mid=None, overrides=None, lang="en"):
    """GRADE for one pooled analysis (pool_analysis's output).

    mid: the minimal important difference on the measure's natural scale (outcome units for
    MD/MC, a ratio such as 1.25 for RR); by default the outcome's `mid` from the snapshot for
    unstandardised measures. overrides: {domain: {"levels": 0|1|2, "footnote": text}}, plus
    optional "start" {"level": 4|2, "footnote"} and "upgrade" {"levels": 0-2, "footnote"}
    (large effect, dose response, plausible confounding).
    """
    if pooled.get("result") is None:
        raise GradeInputError("the analysis has no pooled result to grade")
    if pooled["result"].get("estimate") is None:
        raise GradeInputError("a meta-regression has no single pooled effect to grade")
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(DOMAINS) - {"start", "upgrade"})
    if unknown:
        raise GradeInputError(f"unknown GRADE domain(s): {', '.join(unknown)}")
    extra = pooled["spec"]["extra"]
    if mid is None and extra["measure"] not in STANDARDISED:
        mid = extra.get("outcome", {}).get("mid")
    start = _start(extra, lang)
    if "start" in overrides:
        start = _start_override(start, overrides["start"])
    domains = propose_domains(pooled, mid=mid, lang=lang)
    for key, domain in domains.items():
        levels, status, footnote = _override(overrides.get(key), key, domain["proposed"])
        domain.update(levels=levels or 0, status=status, footnote=footnote,
                      label=DOMAIN_LABELS[lang][key])
    upgrade = _upgrade(overrides.get("upgrade"))
    total = sum(d["levels"] for d in domains.values())
    level = max(1, min(4, start["level"] - total + upgrade["levels"]))
    return {"analysis": extra.get("analysis"), "start": start, "domains": domains,
            "upgrade": upgrade, "mid": mid, "final": certainty(level, lang)}


def _start_override(start, entry):
    level = (entry or {}).get("level")
    footnote = ((entry or {}).get("footnote") or "").strip()
    if level not in (4, 2) or not footnote:
        raise GradeInputError("start: give level 4 (high) or 2 (low) with a footnote")
    return dict(start, level=level, certainty=LEVELS[level], footnote=footnote,
                status="changed" if level != start["level"] else "confirmed")


def _upgrade(entry):
    if not entry:
        return {"levels": 0, "footnote": None}
    levels, footnote = entry.get("levels", 0), (entry.get("footnote") or "").strip()
    if isinstance(levels, bool) or levels not in (0, 1, 2):
        raise GradeInputError("upgrade: levels must be 0, 1 or 2")
    if levels and not footnote:
        raise GradeInputError("upgrade: an upgrade needs a footnote with the reason")
    return {"levels": levels, "footnote": footnote or None}


def certainty(level, lang="en"):
    """{"level", "certainty", "symbols", "label"} for a level 1 (very low) to 4 (high)."""
    name = LEVELS[level]
    return {"level": level, "certainty": name, "symbols": SYMBOLS[level],
            "label": WORDS[lang][name]}


# ---------------------------------------------------------------- summary of findings


EFFECT_NAMES = {"MD_independent": "MD (independent groups)",
                "ROM_independent": "Ratio of means (independent groups)", "PLO": "Proportion",
                "PFT": "Proportion", "PR": "Proportion", "PAS": "Proportion",
                "IRLN": "Rate", "IR": "Rate"}
STUDIES = {"en": "{n} ({k} studies)", "zh": "{n}（{k} 项研究）"}
STUDY_ONE = {"en": "{n} (1 study)", "zh": "{n}（1 项研究）"}
DOWNGRADED = {"en": "Downgraded {n} level{s} for {domain}: {reason}",
              "zh": "因{domain}降{n}级：{reason}"}
NOT_DOWNGRADED = {"en": "Not downgraded for {domain}: {reason}", "zh": "未因{domain}降级：{reason}"}
UPGRADED = {"en": "Upgraded {n} level{s}: {reason}", "zh": "升{n}级：{reason}"}
START_LOW = {"en": "Non-randomised studies ({reason}): certainty starts at low",
             "zh": "非随机研究（{reason}）：确定性起始为低"}


def _natural(pooled):
    result = pooled["result"]
    back = result.get("back_transformed")
    if back:
        return back["pred"], back["ci_lb"], back["ci_ub"]
    return result["estimate"], result["ci_lb"], result["ci_ub"]


def _effect_text(pooled, digits):
    measure = pooled["spec"]["extra"]["measure"]
    est, lb, ub = _natural(pooled)
    name = EFFECT_NAMES.get(measure, measure)
    fmt = f"{{:.{digits}f}}"
    return f"{name} {fmt.format(est)} ({fmt.format(lb)} to {fmt.format(ub)})"


def _footnotes(grade, lang):
    notes = []
    start = grade["start"]
    if start.get("footnote"):
        notes.append(start["footnote"])
    elif start["level"] == 2:
        notes.append(START_LOW[lang].format(reason=start["reason"]))
    for domain in grade["domains"].values():
        n = domain["levels"]
        reason = domain["footnote"] or domain["reason"]
        if n:
            notes.append(DOWNGRADED[lang].format(n=n, s="s" if n > 1 else "",
                                                 domain=domain["label"], reason=reason))
        elif domain["status"] == "changed":
            notes.append(NOT_DOWNGRADED[lang].format(domain=domain["label"], reason=reason))
    up = grade["upgrade"]
    if up["levels"]:
        notes.append(UPGRADED[lang].format(n=up["levels"], s="s" if up["levels"] > 1 else "",
                                           reason=up["footnote"]))
    return [{"letter": chr(ord("a") + i), "text": text} for i, text in enumerate(notes)]


def sof_row(pooled, grade, *, lang="en", digits=2):
    """One summary-of-findings row: outcome, participants (studies), certainty, effect, notes."""
    extra, result = pooled["spec"]["extra"], pooled["result"]
    participants = sum(p for p in extra.get("participants", []) if p)
    k = result["k"]
    template = STUDY_ONE if k == 1 else STUDIES
    footnotes = _footnotes(grade, lang)
    letters = ",".join(f["letter"] for f in footnotes)
    final = grade["final"]
    return {
        "outcome": extra["outcome"].get("name"),
        "timepoint": extra.get("timepoint"),
        "analysis": extra.get("analysis"),
        "participants": participants,
        "studies": k,
        "participants_studies": template[lang].format(n=f"{participants:g}", k=k),
        "certainty": final["symbols"],
        "certainty_label": final["label"],
        "certainty_text": f"{final['symbols']} {final['label']}" + (
            f" {letters}" if letters else ""),
        "effect": _effect_text(pooled, digits),
        "measure_label": extra.get("measure_label"),
        "unit": extra["outcome"].get("unit"),
        "pval": result.get("pval"),
        "footnotes": footnotes,
    }
