"""QUADAS-2 (Whiting et al., Ann Intern Med 2011;155:529-36), as data: 4 domains with
signalling questions (yes / no / unclear), a risk-of-bias judgement per domain and, for the
first three, an applicability concern the assessor rates (low / high / unclear). The Chinese
text is our translation, not an official one."""

from .common import LOW_HIGH_UNCLEAR, YES_NO_UNCLEAR, text


def q(key, en, zh):
    return {"key": key, "text": text(en, zh), "options": list(YES_NO_UNCLEAR)}


def applicability(key, en, zh):
    return {"key": key, "text": text(en, zh), "options": list(LOW_HIGH_UNCLEAR),
            "role": "applicability"}


QUADAS2 = {
    "key": "quadas2",
    "family": "quadas2",
    "name": text("QUADAS-2", "QUADAS-2"),
    "version": "2011",
    "citation": "Whiting PF, Rutjes AWS, Westwood ME, et al. QUADAS-2: a revised tool for the "
                "quality assessment of diagnostic accuracy studies. Ann Intern Med "
                "2011;155:529-36.",
    "designs": ["diagnostic"],
    "translation": "unofficial",
    "judgements": LOW_HIGH_UNCLEAR,
    "overall_rule": "quadas2",
    "domains": [
        {"key": "D1", "name": text("Patient selection", "病例选择"), "rule": "quadas2",
         "guidance": text("Could the selection of patients have introduced bias?",
                          "病例的选择是否可能引入偏倚？"),
         "questions": [
            q("1.1", "Was a consecutive or random sample of patients enrolled?",
              "是否纳入了连续或随机抽样的患者？"),
            q("1.2", "Was a case-control design avoided?", "是否避免了病例对照设计？"),
            q("1.3", "Did the study avoid inappropriate exclusions?",
                "研究是否避免了不恰当的排除？"),
            applicability("1.A", "Is there concern that the included patients do not match the "
                          "review question?", "是否担心纳入的患者与系统评价问题不符？"),
         ]},
        {"key": "D2", "name": text("Index test", "待评价试验"), "rule": "quadas2",
         "guidance": text("Could the conduct or interpretation of the index test have "
                          "introduced bias?", "待评价试验的实施或解释是否可能引入偏倚？"),
         "questions": [
            q("2.1", "Were the index test results interpreted without knowledge of the results "
              "of the reference standard?",
                  "待评价试验结果的解释是否在不知晓金标准结果的情况下进行？"),
            q("2.2", "If a threshold was used, was it pre-specified?",
                "若使用了阈值，是否为预先设定？"),
            applicability("2.A", "Is there concern that the index test, its conduct, or "
                          "interpretation differ from the review question?",
                          "是否担心待评价试验及其实施或解释与系统评价问题不符？"),
         ]},
        {"key": "D3", "name": text("Reference standard", "金标准"), "rule": "quadas2",
         "guidance": text("Could the reference standard, its conduct, or its interpretation "
                          "have introduced bias?", "金标准及其实施或解释是否可能引入偏倚？"),
         "questions": [
            q("3.1", "Is the reference standard likely to correctly classify the target "
              "condition?", "金标准是否可能正确区分目标疾病？"),
            q("3.2", "Were the reference standard results interpreted without knowledge of the "
              "results of the index test?",
                  "金标准结果的解释是否在不知晓待评价试验结果的情况下进行？"),
            applicability("3.A", "Is there concern that the target condition as defined by the "
                          "reference standard does not match the review question?",
                          "是否担心金标准所界定的目标疾病与系统评价问题不符？"),
         ]},
        {"key": "D4", "name": text("Flow and timing", "病例流程和时间"), "rule": "quadas2",
         "guidance": text("Could the patient flow have introduced bias?",
                          "病例流程是否可能引入偏倚？"),
         "questions": [
            q("4.1", "Was there an appropriate interval between index test(s) and reference "
              "standard?", "待评价试验与金标准之间的间隔是否恰当？"),
            q("4.2", "Did all patients receive a reference standard?",
                "是否所有患者均接受了金标准检测？"),
            q("4.3", "Did patients receive the same reference standard?",
                "患者是否接受了相同的金标准？"),
            q("4.4", "Were all patients included in the analysis?", "是否所有患者均纳入了分析？"),
         ]},
    ],
}
