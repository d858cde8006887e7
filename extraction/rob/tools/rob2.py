"""RoB 2 (Sterne et al., BMJ 2019;366:l4898; guidance of 22 August 2019), individually
randomised parallel-group trials, as data. Two variants differ in domain 2 only: the effect of
assignment to intervention (intention to treat) and the effect of adhering to intervention.
Question wording follows the published template; guidance is a short paraphrase of the
elaboration. The Chinese text is our translation, not an official one."""

from .common import (
    NA,
    NPN,
    NPNNI,
    ROB2_JUDGEMENTS,
    Y_PY_PN_N,
    Y_PY_PN_N_NI,
    YPY,
    YPYNI,
    cond,
    text,
)


def q(key, en, zh, guidance_en="", guidance_zh="", when=None, options=Y_PY_PN_N_NI, na=False):
    question = {"key": key, "text": text(en, zh), "options": list(options)}
    if guidance_en:
        question["guidance"] = text(guidance_en, guidance_zh)
    if when:
        question["when"] = when
    if na:
        question["options"] = [NA, *question["options"]]
    return question


D1 = {
    "key": "D1",
    "name": text("Bias arising from the randomization process", "随机化过程中产生的偏倚"),
    "rule": "rob2_d1",
    "questions": [
        q("1.1", "Was the allocation sequence random?", "分配序列是否随机？",
          "Yes if a random component was used (computer random numbers, random number table, "
          "coin, cards, dice, lots; minimisation usually counts). No for alternation, dates, "
          "record numbers or clinician choice. NI if the report only says 'randomised'.",
          "若序列生成含随机成分（计算机随机数、随机数字表、抛硬币、洗牌、掷骰、抽签；最小化法通常也算）"
          "答“是”；交替、按日期或病历号、由医生决定等答“否”；仅称“随机”而无细节答“无信息”。"),
        q("1.2", "Was the allocation sequence concealed until participants were enrolled and "
          "assigned to interventions?",
          "在受试者入组并分配干预之前，分配序列是否被隐藏？",
          "Yes for central or remote allocation, or sequentially numbered, opaque, sealed "
          "envelopes or identical numbered containers. No if enrolling staff or participants "
          "could know the next assignment.",
          "采用中心或远程分配，或按顺序编号、不透明、密封的信封或外观相同的编号药盒答“是”；"
          "若招募者或受试者可能预知下一个分配答“否”。"),
        q("1.3", "Did baseline differences between intervention groups suggest a problem with "
          "the randomization process?",
          "各干预组之间的基线差异是否提示随机化过程存在问题？",
          "Differences compatible with chance are not a problem. Yes for group sizes far from "
          "the intended ratio, an excess of significant baseline differences, a key prognostic "
          "imbalance very unlikely by chance, or implausible similarity. NI when no useful "
          "baseline data are reported.",
          "符合机遇的差异不算问题。组间样本量与预定比例差距大、基线显著差异过多、关键预后因素"
          "的不平衡难以用机遇解释或基线过于相似时答“是”；无可用基线资料答“无信息”。"),
    ],
}

D2_ASSIGNMENT = {
    "key": "D2",
    "name": text("Bias due to deviations from intended interventions (effect of assignment "
                 "to intervention)", "偏离既定干预导致的偏倚（分配干预的效应）"),
    "rule": "rob2_d2_assignment",
    "questions": [
        q("2.1", "Were participants aware of their assigned intervention during the trial?",
          "试验期间受试者是否知晓其被分配的干预？",
          "Answer Yes/PY if side effects specific to one intervention revealed it.",
          "若某干预特有的不良反应使其暴露，答“是/可能是”。"),
        q("2.2", "Were carers and people delivering the interventions aware of participants' "
          "assigned intervention during the trial?",
          "试验期间照护者和干预实施者是否知晓受试者被分配的干预？",
          "If allocation was not concealed they were probably aware.",
          "若分配未隐藏，他们很可能知晓。"),
        q("2.3", "Were there deviations from the intended intervention that arose because of "
          "the trial context?",
          "是否存在因试验情境而产生的对既定干预的偏离？",
          "Yes/PY only with evidence or strong reason to believe the trial context led to "
          "failure to implement the protocol interventions; deviations that could also happen "
          "outside the trial are No/PN.",
          "仅当有证据或充分理由认为试验情境导致方案干预未能实施时答“是/可能是”；"
          "在试验外同样会发生的偏离答“否/可能否”。",
          when=cond("any", ("2.1", YPYNI), ("2.2", YPYNI))),
        q("2.4", "Were these deviations likely to have affected the outcome?",
          "这些偏离是否可能影响结局？", when=cond("any", ("2.3", YPY))),
        q("2.5", "Were these deviations from intended intervention balanced between groups?",
          "这些对既定干预的偏离在组间是否均衡？", when=cond("any", ("2.4", YPYNI))),
        q("2.6", "Was an appropriate analysis used to estimate the effect of assignment to "
          "intervention?",
          "是否采用了恰当的分析方法来估计分配干预的效应？",
          "ITT and modified ITT (excluding only those with missing outcomes) are appropriate; "
          "naive per-protocol and as-treated analyses are not.",
          "意向性分析（ITT）及仅排除结局缺失者的修正ITT属恰当；单纯符合方案分析和实际接受治疗分析"
          "不恰当。"),
        q("2.7", "Was there potential for a substantial impact (on the result) of the failure "
          "to analyse participants in the group to which they were randomized?",
          "未按随机分组分析受试者是否可能对结果产生实质性影响？",
          "No fixed threshold: even under 5% may matter if the outcome is rare or exclusions "
          "relate to prognosis.",
          "没有固定阈值：若结局罕见或排除与预后相关，即便少于5%也可能有实质影响。",
          when=cond("any", ("2.6", NPNNI))),
    ],
}

D2_ADHERING = {
    "key": "D2",
    "name": text("Bias due to deviations from intended interventions (effect of adhering to "
                 "intervention)", "偏离既定干预导致的偏倚（坚持干预的效应）"),
    "rule": "rob2_d2_adhering",
    "questions": [
        D2_ASSIGNMENT["questions"][0],
        D2_ASSIGNMENT["questions"][1],
        q("2.3", "[If applicable:] Were important non-protocol interventions balanced across "
          "intervention groups?",
          "［如适用］重要的方案外干预在各干预组之间是否均衡？",
          "Asked only if the preliminary considerations address non-protocol interventions; "
          "otherwise NA.",
          "仅当预先考虑中涉及方案外干预时回答，否则答“不适用”。",
          when=cond("any", ("2.1", YPYNI), ("2.2", YPYNI)), na=True),
        q("2.4", "[If applicable:] Were there failures in implementing the intervention that "
          "could have affected the outcome?",
          "［如适用］干预实施中是否存在可能影响结局的失败？",
          "No/PN if implementation succeeded for most participants; NA if not addressed.",
          "若大多数受试者干预实施成功答“否/可能否”；未纳入考虑时答“不适用”。", na=True),
        q("2.5", "[If applicable:] Was there non-adherence to the assigned intervention regimen "
          "that could have affected participants' outcomes?",
          "［如适用］是否存在可能影响受试者结局的、不依从分配干预方案的情况？",
          "Yes/PY if the share not adhering is high enough to raise concerns; NA if not "
          "addressed.",
          "若不依从比例高到令人担忧答“是/可能是”；未纳入考虑时答“不适用”。", na=True),
        q("2.6", "Was an appropriate analysis used to estimate the effect of adhering to the "
          "intervention?",
          "是否采用了恰当的分析方法来估计坚持干预的效应？",
          "Instrumental-variable or inverse-probability-weighted analyses can be appropriate; "
          "ITT, naive per-protocol and as-treated analyses usually are not.",
          "工具变量分析或逆概率加权分析可能恰当；ITT、单纯符合方案分析和实际接受治疗分析通常不恰当。",
          when=cond("any", ("2.3", NPNNI), ("2.4", YPYNI), ("2.5", YPYNI))),
    ],
}

D3 = {
    "key": "D3",
    "name": text("Bias due to missing outcome data", "结局数据缺失导致的偏倚"),
    "rule": "rob2_d3",
    "questions": [
        q("3.1", "Were data for this outcome available for all, or nearly all, participants "
          "randomized?",
          "该结局的数据是否对全部或几乎全部随机化受试者可得？",
          "'Nearly all' depends on the outcome: enough that missing data could not "
          "materially change the result.",
          "“几乎全部”因结局而异：缺失量不足以实质改变结果。"),
        q("3.2", "Is there evidence that the result was not biased by missing outcome data?",
          "是否有证据表明结果未因结局数据缺失而产生偏倚？",
          "For example sensitivity analyses that correct for bias.",
          "例如校正偏倚的敏感性分析。",
          when=cond("any", ("3.1", NPNNI)), options=Y_PY_PN_N),
        q("3.3", "Could missingness in the outcome depend on its true value?",
          "结局的缺失是否可能取决于其真实值？", when=cond("any", ("3.2", NPN))),
        q("3.4", "Is it likely that missingness in the outcome depended on its true value?",
          "结局的缺失是否很可能取决于其真实值？",
          "Yes/PY if reasons for missingness differ between groups or relate to health status.",
          "缺失原因组间不同或与健康状况相关时答“是/可能是”。",
          when=cond("any", ("3.3", YPYNI))),
    ],
}

D4 = {
    "key": "D4",
    "name": text("Bias in measurement of the outcome", "结局测量中的偏倚"),
    "rule": "rob2_d4",
    "questions": [
        q("4.1", "Was the method of measuring the outcome inappropriate?",
          "结局的测量方法是否不恰当？",
          "Yes/PY if the measure is insensitive to plausible effects or has poor validity.",
          "测量方法对可能的效应不敏感或效度差时答“是/可能是”。"),
        q("4.2", "Could measurement or ascertainment of the outcome have differed between "
          "intervention groups?",
          "结局的测量或确定在各干预组之间是否可能不同？"),
        q("4.3", "Were outcome assessors aware of the intervention received by study "
          "participants?",
          "结局评估者是否知晓受试者接受的干预？",
          "For participant-reported outcomes the assessor is the participant.",
          "对受试者自报结局，评估者即受试者本人。",
          when=cond("all", ("4.1", NPNNI), ("4.2", NPNNI))),
        q("4.4", "Could assessment of the outcome have been influenced by knowledge of "
          "intervention received?",
          "对所接受干预的知晓是否可能影响结局评估？",
          "Unlikely for outcomes without judgement such as all-cause mortality.",
          "对全因死亡等无需主观判断的结局不太可能。",
          when=cond("any", ("4.3", YPYNI))),
        q("4.5", "Is it likely that assessment of the outcome was influenced by knowledge of "
          "intervention received?",
          "对所接受干预的知晓是否很可能影响了结局评估？",
          when=cond("any", ("4.4", YPYNI))),
    ],
}

D5 = {
    "key": "D5",
    "name": text("Bias in selection of the reported result", "选择性报告结果导致的偏倚"),
    "rule": "rob2_d5",
    "questions": [
        q("5.1", "Were the data that produced this result analysed in accordance with a "
          "pre-specified analysis plan that was finalized before unblinded outcome data were "
          "available for analysis?",
          "产生该结果的数据是否按照在获得非盲结局数据之前已定稿的预设分析计划进行分析？"),
        q("5.2", "Is the numerical result being assessed likely to have been selected, on the "
          "basis of the results, from multiple eligible outcome measurements (e.g. scales, "
          "definitions, time points) within the outcome domain?",
          "所评估的数值结果是否可能根据结果从该结局领域内多个合格的结局测量"
          "（如量表、定义、时间点）中选择而来？"),
        q("5.3", "Is the numerical result being assessed likely to have been selected, on the "
          "basis of the results, from multiple eligible analyses of the data?",
          "所评估的数值结果是否可能根据结果从数据的多种合格分析中选择而来？"),
    ],
}


def _tool(key, variant_en, variant_zh, d2):
    return {
        "key": key,
        "family": "rob2",
        "name": text(f"RoB 2 ({variant_en})", f"RoB 2（{variant_zh}）"),
        "version": "2019-08-22",
        "citation": "Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing "
                    "risk of bias in randomised trials. BMJ 2019;366:l4898.",
        "designs": ["rct"],
        "translation": "unofficial",
        "judgements": ROB2_JUDGEMENTS,
        "overall_rule": "rob2",
        "domains": [D1, d2, D3, D4, D5],
    }


ROB2 = _tool("rob2", "effect of assignment to intervention", "分配干预的效应", D2_ASSIGNMENT)
ROB2_ADHERING = _tool("rob2_adhering", "effect of adhering to intervention", "坚持干预的效应",
                      D2_ADHERING)
