"""ROBINS-I (Sterne et al., BMJ 2016;355:i4919), the 2016 tool, as data. The tool gives no
algorithm from signalling questions to domain judgements, except that "No/PN" to 1.1 (no
potential for confounding) means low risk in domain 1; every other domain is judged by the
assessor. Domain 4 has two variants, by effect of interest. The Chinese text is our
translation, not an official one."""

from .common import NPN, NPNNI, ROBINS_I_JUDGEMENTS, Y_PY_PN_N_NI, YPY, YPYNI, cond, text


def q(key, en, zh, when=None):
    question = {"key": key, "text": text(en, zh), "options": list(Y_PY_PN_N_NI)}
    if when:
        question["when"] = when
    return question


def d(key, en, zh, questions, rule="assessor"):
    return {"key": key, "name": text(en, zh), "rule": rule, "questions": questions,
            "guidance": GUIDANCE[key]}


# The published judgement criteria per domain, paraphrased (Sterne et al. 2016, table 3).
GUIDANCE = {
    "D1": text(
        "Low: no confounding expected. Moderate: confounding expected, but all known "
        "important confounding domains validly measured and controlled for. Serious: at least "
        "one known important domain not appropriately measured or controlled for. Critical: "
        "confounding inherently not controllable, or negative controls strongly suggest "
        "unmeasured confounding.",
        "低：预计无混杂。中等：预计存在混杂，但所有已知重要混杂领域均被有效测量并控制。严重："
        "至少一个已知重要混杂领域未被恰当测量或控制。极严重：混杂本质上无法控制，或阴性对照强烈"
        "提示存在未测量的混杂。"),
    "D2": text(
        "Low: all eligible participants included and follow-up starts with the intervention. "
        "Moderate: selection related to intervention and outcome, or follow-up and "
        "intervention start apart, but adjusted for appropriately. Serious: such selection "
        "or mismatch not adjusted for. Critical: selection very strongly related to "
        "intervention and outcome and not adjustable.",
        "低：纳入了所有符合条件者，且随访与干预同时开始。中等：选择与干预和结局相关，或随访与干预"
        "开始不一致，但已恰当校正。严重：上述问题未校正。极严重：选择与干预和结局高度相关且无法校正。"),
    "D3": text(
        "Low: intervention status well defined and based only on information collected when "
        "the intervention started. Moderate: well defined but some aspects assigned "
        "retrospectively. Serious: not well defined, or major aspects assigned in a way that "
        "could be affected by knowledge of the outcome. Critical: (unusual) classification "
        "very likely determined by the outcome.",
        "低：干预状态定义明确，且仅基于干预开始时收集的信息。中等：定义明确，但部分内容为回顾性"
        "确定。严重：定义不明确，或主要内容的确定可能受结局知晓的影响。极严重：（少见）分类很可能由"
        "结局决定。"),
    "D4": text(
        "Low: no bias expected (deviations reflect usual practice; or, for adhering, "
        "co-interventions balanced, implementation successful, adherence high). Moderate: "
        "bias expected but unlikely to matter. Serious: important imbalanced "
        "co-interventions, implementation failure or non-adherence not addressed. Critical: "
        "substantial deviations present and not addressed.",
        "低：预计无偏倚（偏离符合常规实践；或就坚持干预而言，合并干预均衡、实施成功、依从性高）。"
        "中等：预计有偏倚但影响不大。严重：存在不均衡的重要合并干预、实施失败或不依从且未处理。"
        "极严重：存在大量偏离且未处理。"),
    "D5": text(
        "Low: data nearly complete, or missingness similar across groups, or analyses "
        "showed the result robust to it. Moderate: proportions and reasons similar enough "
        "that substantial bias is unlikely. Serious: proportions or reasons differ "
        "substantially and missingness not addressed. Critical: (unusual) critical "
        "differences not addressed.",
        "低：数据几乎完整，或各组缺失情况相似，或分析表明结果对缺失稳健。中等：缺失比例和原因足够"
        "相似，不太可能造成实质偏倚。严重：缺失比例或原因差异大且未处理。极严重：（少见）存在关键"
        "差异且未处理。"),
    "D6": text(
        "Low: comparable methods, the measure unlikely to be influenced by knowledge of the "
        "intervention (or assessors blinded), errors unrelated to the intervention. Moderate: "
        "comparable methods, assessment could be influenced but only minimally. Serious: a "
        "subjective measure assessed by people aware of the intervention, or errors related "
        "to it. Critical: methods so different that results cannot be compared.",
        "低：方法可比，结局测量不太可能受干预知晓影响（或评估者设盲），误差与干预无关。中等：方法"
        "可比，评估可能受影响但很轻微。严重：由知晓干预者评估主观结局，或误差与干预相关。极严重："
        "方法差异过大，结果无法比较。"),
    "D7": text(
        "Low: clear evidence that reported results match all intended outcomes, analyses and "
        "subgroups. Moderate: consistent with an a priori plan, or clearly defined and "
        "consistent, with no sign of selection. Serious: outcomes or analyses defined "
        "differently across reports, or selective reporting of subgroups likely. Critical: "
        "blatant selective reporting.",
        "低：有明确证据表明报告的结果与所有预定结局、分析和亚组一致。中等：与事先计划一致，或定义"
        "清楚且前后一致，无选择迹象。严重：不同报告中结局或分析定义不一，或可能选择性报告亚组。"
        "极严重：明显的选择性报告。"),
}


# "No information" to 1.2 is read as "No" (a baseline analysis) and to 1.3 as "Yes" (time-varying
# confounding), the more demanding branch; the tool names only the Y/PY and N/PN routes.
_BASELINE = cond("any", ("1.2", NPNNI), ("1.3", NPN))

D1 = d("D1", "Bias due to confounding", "混杂导致的偏倚", [
    q("1.1", "Is there potential for confounding of the effect of intervention in this study?",
      "本研究中干预效应是否可能存在混杂？"),
    q("1.2", "Was the analysis based on splitting participants' follow up time according to "
      "intervention received?", "分析是否按照所接受的干预对受试者的随访时间进行了拆分？",
      when=cond("any", ("1.1", YPY))),
    q("1.3", "Were intervention discontinuations or switches likely to be related to factors "
      "that are prognostic for the outcome?", "中止或更换干预是否可能与结局的预后因素相关？",
      when=cond("any", ("1.2", YPY))),
    q("1.4", "Did the authors use an appropriate analysis method that controlled for all the "
      "important confounding domains?", "作者是否采用了控制所有重要混杂领域的恰当分析方法？",
      when=_BASELINE),
    q("1.5", "Were confounding domains that were controlled for measured validly and reliably "
      "by the variables available in this study?",
          "所控制的混杂领域是否由本研究可得的变量有效且可靠地测量？",
      when=cond("any", ("1.4", YPY))),
    q("1.6", "Did the authors control for any post-intervention variables that could have "
      "been affected by the intervention?", "作者是否控制了可能受干预影响的干预后变量？",
      when=_BASELINE),
    q("1.7", "Did the authors use an appropriate analysis method that adjusted for all the "
      "important confounding domains and for time-varying confounding?",
      "作者是否采用了校正所有重要混杂领域及时变混杂的恰当分析方法？",
      when=cond("any", ("1.3", YPYNI))),
    q("1.8", "Were confounding domains that were adjusted for measured validly and reliably "
      "by the variables available in this study?",
          "所校正的混杂领域是否由本研究可得的变量有效且可靠地测量？",
      when=cond("any", ("1.7", YPY))),
], rule="robins_i_d1")

D2 = d("D2", "Bias in selection of participants into the study", "研究对象选择中的偏倚", [
    q("2.1", "Was selection of participants into the study (or into the analysis) based on "
      "participant characteristics observed after the start of intervention?",
      "研究（或分析）对象的选择是否基于干预开始后观察到的受试者特征？"),
    q("2.2", "Were the post-intervention variables that influenced selection likely to be "
      "associated with intervention?", "影响选择的干预后变量是否可能与干预相关？",
      when=cond("any", ("2.1", YPY))),
    q("2.3", "Were the post-intervention variables that influenced selection likely to be "
      "influenced by the outcome or a cause of the outcome?",
      "影响选择的干预后变量是否可能受结局或结局的原因影响？", when=cond("any", ("2.2", YPY))),
    q("2.4", "Do start of follow-up and start of intervention coincide for most participants?",
      "对大多数受试者而言，随访开始与干预开始是否一致？"),
    q("2.5", "Were adjustment techniques used that are likely to correct for the presence of "
      "selection biases?", "是否使用了可能纠正选择偏倚的校正方法？",
      when={"any": [{"q": "2.3", "in": list(YPY)}, {"q": "2.4", "in": list(NPN)}]}),
])

D3 = d("D3", "Bias in classification of interventions", "干预分类中的偏倚", [
    q("3.1", "Were intervention groups clearly defined?", "干预组是否定义明确？"),
    q("3.2", "Was the information used to define intervention groups recorded at the start of "
      "the intervention?", "用于界定干预组的信息是否在干预开始时记录？"),
    q("3.3", "Could classification of intervention status have been affected by knowledge of "
      "the outcome or risk of the outcome?",
          "干预状态的分类是否可能受到对结局或结局风险知晓的影响？"),
])

D4_ASSIGNMENT = d("D4", "Bias due to deviations from intended interventions",
                  "偏离既定干预导致的偏倚", [
    q("4.1", "Were there deviations from the intended intervention beyond what would be "
      "expected in usual practice?", "是否存在超出常规实践预期的对既定干预的偏离？"),
    q("4.2", "Were these deviations from intended intervention unbalanced between groups and "
      "likely to have affected the outcome?", "这些偏离在组间是否不均衡且可能影响结局？",
      when=cond("any", ("4.1", YPY))),
])

D4_ADHERING = d("D4", "Bias due to deviations from intended interventions",
                "偏离既定干预导致的偏倚", [
    q("4.3", "Were important co-interventions balanced across intervention groups?",
      "重要的合并干预在各组之间是否均衡？"),
    q("4.4", "Was the intervention implemented successfully for most participants?",
      "干预是否在大多数受试者中成功实施？"),
    q("4.5", "Did study participants adhere to the assigned intervention regimen?",
      "研究对象是否依从分配的干预方案？"),
    q("4.6", "Was an appropriate analysis used to estimate the effect of starting and adhering "
      "to the intervention?", "是否采用了恰当的分析方法估计开始并坚持干预的效应？",
      when=cond("any", ("4.3", NPN), ("4.4", NPN), ("4.5", NPN))),
])

_MISSING = {"any": [{"q": "5.1", "in": list(NPN)}, {"q": "5.2", "in": list(YPY)},
                    {"q": "5.3", "in": list(YPY)}]}
D5 = d("D5", "Bias due to missing data", "数据缺失导致的偏倚", [
    q("5.1", "Were outcome data available for all, or nearly all, participants?",
      "是否获得了全部或几乎全部受试者的结局数据？"),
    q("5.2", "Were participants excluded due to missing data on intervention status?",
      "是否因干预状态数据缺失而排除了受试者？"),
    q("5.3", "Were participants excluded due to missing data on other variables needed for the "
      "analysis?", "是否因分析所需其他变量数据缺失而排除了受试者？"),
    q("5.4", "Are the proportion of participants and reasons for missing data similar across "
      "interventions?", "各干预组之间数据缺失的比例和原因是否相似？", when=_MISSING),
    q("5.5", "Is there evidence that results were robust to the presence of missing data?",
      "是否有证据表明结果对数据缺失是稳健的？", when=_MISSING),
])

D6 = d("D6", "Bias in measurement of outcomes", "结局测量中的偏倚", [
    q("6.1", "Could the outcome measure have been influenced by knowledge of the intervention "
      "received?", "结局测量是否可能受到对所接受干预知晓的影响？"),
    q("6.2", "Were outcome assessors aware of the intervention received by study "
      "participants?", "结局评估者是否知晓受试者接受的干预？"),
    q("6.3", "Were the methods of outcome assessment comparable across intervention groups?",
      "各干预组之间的结局评估方法是否可比？"),
    q("6.4", "Were any systematic errors in measurement of the outcome related to intervention "
      "received?", "结局测量中的系统误差是否与所接受的干预相关？"),
])

D7 = d("D7", "Bias in selection of the reported result", "选择性报告结果导致的偏倚", [
    q("7.1", "Is the reported effect estimate likely to be selected, on the basis of the "
      "results, from multiple outcome measurements within the outcome domain?",
      "所报告的效应估计是否可能根据结果从该结局领域内的多个结局测量中选择？"),
    q("7.2", "Is the reported effect estimate likely to be selected, on the basis of the "
      "results, from multiple analyses of the intervention-outcome relationship?",
      "所报告的效应估计是否可能根据结果从干预-结局关系的多种分析中选择？"),
    q("7.3", "Is the reported effect estimate likely to be selected, on the basis of the "
      "results, from different subgroups?", "所报告的效应估计是否可能根据结果从不同亚组中选择？"),
])


def _tool(key, variant_en, variant_zh, d4):
    return {
        "key": key,
        "family": "robins_i",
        "name": text(f"ROBINS-I ({variant_en})", f"ROBINS-I（{variant_zh}）"),
        "version": "2016",
        "citation": "Sterne JAC, Hernán MA, Reeves BC, et al. ROBINS-I: a tool for assessing "
                    "risk of bias in non-randomised studies of interventions. BMJ "
                    "2016;355:i4919.",
        "designs": ["non_randomised", "cohort"],
        "translation": "unofficial",
        "judgements": ROBINS_I_JUDGEMENTS,
        "overall_rule": "robins_i",
        "domains": [D1, D2, D3, d4, D5, D6, D7],
    }


ROBINS_I = _tool("robins_i", "effect of assignment to intervention", "分配干预的效应",
                 D4_ASSIGNMENT)
ROBINS_I_ADHERING = _tool("robins_i_adhering", "effect of starting and adhering to "
                          "intervention", "开始并坚持干预的效应", D4_ADHERING)
