"""Answer scales and judgement scales the published tools share (EN/ZH labels as data)."""


def text(en, zh):
    return {"en": en, "zh": zh}


def option(value, en, zh, score=None):
    opt = {"value": value, "label": text(en, zh)}
    if score is not None:
        opt["score"] = score
    return opt


# RoB 2 and ROBINS-I signalling-question answers.
Y_PY_PN_N_NI = [
    option("Y", "Yes", "是"),
    option("PY", "Probably yes", "可能是"),
    option("PN", "Probably no", "可能否"),
    option("N", "No", "否"),
    option("NI", "No information", "无信息"),
]
# RoB 2 question 3.2 has no "No information" answer.
Y_PY_PN_N = Y_PY_PN_N_NI[:4]
NA = option("NA", "Not applicable", "不适用")

YES_NO_UNCLEAR = [
    option("yes", "Yes", "是"),
    option("no", "No", "否"),
    option("unclear", "Unclear", "不清楚"),
]

ROB2_JUDGEMENTS = [
    option("low", "Low risk of bias", "低偏倚风险"),
    option("some_concerns", "Some concerns", "存在一定风险"),
    option("high", "High risk of bias", "高偏倚风险"),
]

ROBINS_I_JUDGEMENTS = [
    option("low", "Low risk of bias", "低偏倚风险"),
    option("moderate", "Moderate risk of bias", "中等偏倚风险"),
    option("serious", "Serious risk of bias", "严重偏倚风险"),
    option("critical", "Critical risk of bias", "极严重偏倚风险"),
    option("no_information", "No information", "无信息"),
]

LOW_HIGH_UNCLEAR = [
    option("low", "Low", "低"),
    option("high", "High", "高"),
    option("unclear", "Unclear", "不清楚"),
]

QUALITY_JUDGEMENTS = [
    option("good", "Good quality", "质量好"),
    option("fair", "Fair quality", "质量一般"),
    option("poor", "Poor quality", "质量差"),
]


def yes_py(*keys):
    """A `when` condition: any of the questions answered Y/PY."""
    return {"any": [{"q": k, "in": ["Y", "PY"]} for k in keys]}


def cond(mode, *pairs):
    """A `when` condition over (question, answers) pairs; mode is "any" or "all"."""
    return {mode: [{"q": q, "in": list(values)} for q, values in pairs]}


YPYNI = ("Y", "PY", "NI")
NPNNI = ("N", "PN", "NI")
NPN = ("N", "PN")
YPY = ("Y", "PY")
