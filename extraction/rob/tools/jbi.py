"""JBI critical appraisal checklist for case series (Munn et al., JBI Evid Synth 2020;18:
2127-33), as data: 10 items answered Yes / No / Unclear / Not applicable. JBI asks for an
overall appraisal (include / exclude / seek further information) made by the reviewers, so the
proposal counts "Yes" answers and leaves the decision to them. The Chinese text is our
translation, not the JBI centre's."""

from .common import option, text

SCALE = [
    option("yes", "Yes", "是", 1),
    option("no", "No", "否", 0),
    option("unclear", "Unclear", "不清楚", 0),
    option("not_applicable", "Not applicable", "不适用"),
]

ITEMS = [
    ("J1", "Were there clear criteria for inclusion in the case series?",
     "病例系列是否有明确的纳入标准？"),
    ("J2", "Was the condition measured in a standard, reliable way for all participants "
     "included in the case series?",
         "是否对所有纳入的研究对象以标准、可靠的方式测量了该疾病/状况？"),
    ("J3", "Were valid methods used for identification of the condition for all participants "
     "included in the case series?", "是否对所有纳入的研究对象采用了有效的方法识别该疾病/状况？"),
    ("J4", "Did the case series have consecutive inclusion of participants?",
     "病例系列是否连续纳入研究对象？"),
    ("J5", "Did the case series have complete inclusion of participants?",
     "病例系列是否完整纳入研究对象？"),
    ("J6", "Was there clear reporting of the demographics of the participants in the study?",
     "是否清楚报告了研究对象的人口学特征？"),
    ("J7", "Was there clear reporting of clinical information of the participants?",
     "是否清楚报告了研究对象的临床信息？"),
    ("J8", "Were the outcomes or follow up results of cases clearly reported?",
     "是否清楚报告了病例的结局或随访结果？"),
    ("J9", "Was there clear reporting of the presenting site(s)/clinic(s) demographic "
     "information?", "是否清楚报告了就诊地点/诊所的人口学信息？"),
    ("J10", "Was statistical analysis appropriate?", "统计分析是否恰当？"),
]

CASE_SERIES = {
    "key": "jbi_case_series",
    "family": "jbi",
    "name": text("JBI checklist for case series", "JBI病例系列研究质量评价清单"),
    "version": "2020",
    "citation": "Munn Z, Barker TH, Moola S, et al. Methodological quality of case series "
                "studies: an introduction to the JBI critical appraisal tool. JBI Evid Synth "
                "2020;18:2127-33.",
    "designs": ["case_series", "single_arm"],
    "translation": "unofficial",
    "judgements": [
        option("include", "Include", "纳入"),
        option("seek_further_info", "Seek further information", "需进一步获取信息"),
        option("exclude", "Exclude", "排除"),
    ],
    "overall_rule": "score_only",
    "domains": [{"key": key, "name": text(en, zh), "rule": "sum", "max_score": 1,
                 "questions": [{"key": key, "text": text(en, zh), "options": list(SCALE)}]}
                for key, en, zh in ITEMS],
}
