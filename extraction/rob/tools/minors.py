"""MINORS (Slim et al., ANZ J Surg 2003;73:712-6), the methodological index for
non-randomised studies, as data: 8 items for non-comparative studies, 4 more for comparative
ones; each 0 (not reported), 1 (reported but inadequate) or 2 (reported and adequate). The
index sets no quality bands, so only the scores are proposed. The Chinese text is our
translation, not an official one."""

from .common import option, text

SCALE = [
    option("0", "Not reported", "未报告", 0),
    option("1", "Reported but inadequate", "已报告但不充分", 1),
    option("2", "Reported and adequate", "已报告且充分", 2),
]

ITEMS = [
    ("M1", "A clearly stated aim", "明确给出研究目的",
     "The question addressed should be precise and relevant to the available literature.",
     "研究问题应明确，且与已有文献相关。"),
    ("M2", "Inclusion of consecutive patients", "纳入连续病例",
     "All patients potentially fit for inclusion were included in the study during the "
     "study period.", "研究期间所有可能符合条件的患者均被纳入。"),
    ("M3", "Prospective collection of data", "前瞻性收集数据",
     "Data were collected according to a protocol established before the study began.",
     "按研究开始前制定的方案收集数据。"),
    ("M4", "Endpoints appropriate to the aim of the study", "终点指标与研究目的相符",
     "Clear explanation of the criteria used to evaluate the main outcome, in accordance "
     "with the question addressed.", "清楚说明评价主要结局的标准，并与研究问题一致。"),
    ("M5", "Unbiased assessment of the study endpoint", "终点指标的无偏评估",
     "Blind evaluation of objective endpoints and double-blind evaluation of subjective ones; "
     "otherwise the reasons for not blinding are stated.",
     "客观终点盲法评估，主观终点双盲评估；否则说明未设盲的原因。"),
    ("M6", "Follow-up period appropriate to the aim of the study", "随访时间与研究目的相符",
     "Long enough to assess the main endpoint and possible adverse events.",
     "随访时间足以评估主要终点和可能的不良事件。"),
    ("M7", "Loss to follow up less than 5%", "失访率低于5%",
     "All patients should be included in the follow up; otherwise the proportion lost should "
     "not exceed the proportion experiencing the major endpoint.",
     "所有患者均应纳入随访；否则失访比例不应超过发生主要终点的比例。"),
    ("M8", "Prospective calculation of the study size", "前瞻性计算样本量",
     "Information on the size of detectable difference and the 95% confidence interval, "
     "according to the expected incidence of the outcome event.",
     "根据结局事件的预期发生率，给出可检出差异的大小及其95%置信区间。"),
]
COMPARATIVE_ITEMS = [
    ("M9", "An adequate control group", "有恰当的对照组",
     "Having a gold standard diagnostic test or therapeutic intervention recognised as the "
     "optimal intervention according to the available published data.",
     "对照为现有文献公认的最佳诊断或治疗方法（金标准）。"),
    ("M10", "Contemporary groups", "组间同期",
     "Control and studied group should be managed during the same time period (no "
     "historical comparison).", "对照组与研究组应在同一时期接受处理（非历史对照）。"),
    ("M11", "Baseline equivalence of groups", "组间基线可比",
     "The groups should be similar regarding criteria other than the studied endpoints; "
     "no confounding factor that could bias the interpretation.",
     "除研究终点外各组应相似，不存在可能影响结果解释的混杂因素。"),
    ("M12", "Adequate statistical analyses", "统计分析恰当",
     "Whether the statistics were in accordance with the type of study, with calculation of "
     "confidence intervals or relative risk.",
         "统计方法是否与研究类型相符，并计算了置信区间或相对危险度。"),
]


def _question(key, en, zh, guidance_en, guidance_zh):
    return {"key": key, "text": text(en, zh), "guidance": text(guidance_en, guidance_zh),
            "options": list(SCALE)}


def _tool(key, items, en, zh, designs):
    return {
        "key": key,
        "family": "minors",
        "name": text(en, zh),
        "version": "2003",
        "citation": "Slim K, Nini E, Forestier D, et al. Methodological index for "
                    "non-randomized studies (MINORS): development and validation of a new "
                    "instrument. ANZ J Surg 2003;73:712-6.",
        "designs": designs,
        "translation": "unofficial",
        "judgements": [],
        "overall_rule": "score_only",
        "domains": [{"key": k, "name": text(en_, zh_), "rule": "sum", "max_score": 2,
                     "questions": [_question(k, en_, zh_, g_en, g_zh)]}
                    for k, en_, zh_, g_en, g_zh in items],
    }


NON_COMPARATIVE = _tool("minors_noncomparative", ITEMS,
                        "MINORS (non-comparative studies)", "MINORS（非对照研究）",
                        ["single_arm", "case_series"])
COMPARATIVE = _tool("minors_comparative", ITEMS + COMPARATIVE_ITEMS,
                    "MINORS (comparative studies)", "MINORS（对照研究）",
                    ["non_randomised", "cohort"])
