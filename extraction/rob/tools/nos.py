"""Newcastle-Ottawa Scale (Wells et al.), cohort and case-control versions, as data: each
option carries its stars (0 or 1; comparability 0-2). Selection max 4, comparability max 2,
outcome/exposure max 3, total 9. The Chinese text is our translation, not an official one."""

from .common import QUALITY_JUDGEMENTS, option, text


def item(key, en, zh, options, guidance=None):
    question = {"key": key, "text": text(en, zh), "options": options}
    if guidance:
        question["guidance"] = text(*guidance)
    return question


COMPARABILITY = item(
    "C1", "Comparability of groups on the basis of the design or analysis",
    "基于设计或分析的组间可比性",
    [option("none", "Not controlled for any important factor", "未控制重要因素", 0),
     option("main", "Controls for the most important factor", "控制了最重要的因素", 1),
     option("main_and_additional", "Controls for the most important factor and any "
            "additional factor", "控制了最重要的因素及其他因素", 2)],
    ("The review team names the most important factor (and the additional one) in advance.",
     "最重要的因素（及其他因素）应由评价小组事先指定。"),
)

COHORT = {
    "key": "nos_cohort",
    "family": "nos",
    "name": text("Newcastle-Ottawa Scale (cohort studies)", "纽卡斯尔-渥太华量表（队列研究）"),
    "version": "2000s (Wells et al.)",
    "citation": "Wells GA, Shea B, O'Connell D, et al. The Newcastle-Ottawa Scale (NOS) for "
                "assessing the quality of nonrandomised studies in meta-analyses.",
    "designs": ["cohort", "single_arm", "non_randomised"],
    "translation": "unofficial",
    "judgements": QUALITY_JUDGEMENTS,
    "overall_rule": "nos",
    "domains": [
        {"key": "selection", "name": text("Selection", "研究人群选择"), "rule": "sum",
         "max_score": 4, "questions": [
            item("S1", "Representativeness of the exposed cohort", "暴露队列的代表性", [
                option("a", "Truly representative of the average in the community",
                       "真正代表社区中的平均水平", 1),
                option("b", "Somewhat representative of the average in the community",
                       "在一定程度上代表社区中的平均水平", 1),
                option("c", "Selected group (e.g. nurses, volunteers)",
                    "特定人群（如护士、志愿者）", 0),
                option("d", "No description of the derivation of the cohort",
                    "未描述队列来源", 0)]),
            item("S2", "Selection of the non-exposed cohort", "非暴露队列的选择", [
                option("a", "Drawn from the same community as the exposed cohort",
                       "与暴露队列来自同一社区", 1),
                option("b", "Drawn from a different source", "来自不同来源", 0),
                option("c", "No description of the derivation of the non-exposed cohort",
                       "未描述非暴露队列来源", 0)]),
            item("S3", "Ascertainment of exposure", "暴露的确定", [
                option("a", "Secure record (e.g. surgical records)", "可靠记录（如手术记录）", 1),
                option("b", "Structured interview", "结构化访谈", 1),
                option("c", "Written self report", "书面自我报告", 0),
                option("d", "No description", "未描述", 0)]),
            item("S4", "Demonstration that the outcome of interest was not present at the start "
                 "of the study", "证明研究开始时尚无目标结局", [
                option("a", "Yes", "是", 1), option("b", "No", "否", 0)]),
        ]},
        {"key": "comparability", "name": text("Comparability", "组间可比性"), "rule": "sum",
         "max_score": 2, "questions": [COMPARABILITY]},
        {"key": "outcome", "name": text("Outcome", "结局"), "rule": "sum", "max_score": 3,
         "questions": [
            item("O1", "Assessment of outcome", "结局评估", [
                option("a", "Independent blind assessment", "独立盲法评估", 1),
                option("b", "Record linkage", "记录关联", 1),
                option("c", "Self report", "自我报告", 0),
                option("d", "No description", "未描述", 0)]),
            item("O2", "Was follow-up long enough for outcomes to occur?",
                 "随访时间是否足以使结局发生？", [
                option("a", "Yes (follow-up at least as long as the review team set)",
                       "是（随访时间不短于评价小组设定的时长）", 1),
                option("b", "No", "否", 0)]),
            item("O3", "Adequacy of follow-up of cohorts", "队列随访的充分性", [
                option("a", "Complete follow-up: all subjects accounted for",
                    "完整随访：所有对象均有交代", 1),
                option("b", "Subjects lost to follow-up unlikely to introduce bias (small number "
                       "lost, or description of those lost)",
                           "失访不太可能引入偏倚（失访少或对失访者有描述）", 1),
                option("c", "Follow-up rate below the set threshold and no description of those "
                       "lost", "随访率低于设定阈值且未描述失访者", 0),
                option("d", "No statement", "未说明", 0)]),
        ]},
    ],
}

CASE_CONTROL = {
    "key": "nos_case_control",
    "family": "nos",
    "name": text("Newcastle-Ottawa Scale (case-control studies)",
                 "纽卡斯尔-渥太华量表（病例对照研究）"),
    "version": COHORT["version"],
    "citation": COHORT["citation"],
    "designs": ["case_control"],
    "translation": "unofficial",
    "judgements": QUALITY_JUDGEMENTS,
    "overall_rule": "nos",
    "domains": [
        {"key": "selection", "name": text("Selection", "研究人群选择"), "rule": "sum",
         "max_score": 4, "questions": [
            item("S1", "Is the case definition adequate?", "病例定义是否充分？", [
                option("a", "Yes, with independent validation", "是，且经独立验证", 1),
                option("b", "Yes, e.g. record linkage or based on self reports",
                       "是，如记录关联或基于自我报告", 0),
                option("c", "No description", "未描述", 0)]),
            item("S2", "Representativeness of the cases", "病例的代表性", [
                option("a", "Consecutive or obviously representative series of cases",
                       "连续或明显具有代表性的病例系列", 1),
                option("b", "Potential for selection biases or not stated",
                    "可能存在选择偏倚或未说明", 0)]),
            item("S3", "Selection of controls", "对照的选择", [
                option("a", "Community controls", "社区对照", 1),
                option("b", "Hospital controls", "医院对照", 0),
                option("c", "No description", "未描述", 0)]),
            item("S4", "Definition of controls", "对照的定义", [
                option("a", "No history of disease (endpoint)", "无目标疾病（终点）史", 1),
                option("b", "No description of source", "未描述来源", 0)]),
        ]},
        {"key": "comparability", "name": text("Comparability", "组间可比性"), "rule": "sum",
         "max_score": 2, "questions": [COMPARABILITY]},
        {"key": "exposure", "name": text("Exposure", "暴露"), "rule": "sum", "max_score": 3,
         "questions": [
            item("E1", "Ascertainment of exposure", "暴露的确定", [
                option("a", "Secure record (e.g. surgical records)", "可靠记录（如手术记录）", 1),
                option("b", "Structured interview where blind to case/control status",
                       "在不知病例/对照身份下的结构化访谈", 1),
                option("c", "Interview not blinded to case/control status",
                       "知晓病例/对照身份的访谈", 0),
                option("d", "Written self report or medical record only",
                    "仅书面自我报告或病历", 0),
                option("e", "No description", "未描述", 0)]),
            item("E2", "Same method of ascertainment for cases and controls",
                 "病例和对照是否采用相同的暴露确定方法", [
                option("a", "Yes", "是", 1), option("b", "No", "否", 0)]),
            item("E3", "Non-response rate", "无应答率", [
                option("a", "Same rate for both groups", "两组无应答率相同", 1),
                option("b", "Non-respondents described", "描述了无应答者", 0),
                option("c", "Rate different and no designation", "无应答率不同且未说明", 0)]),
        ]},
    ],
}
