"""Designs the demo review's ILLUSTRATIVE outcome values and writes outcomes.json.

The reference review (Cui et al., Stem Cell Res Ther 2022;13:118) prints its pooled results in
Table 3 but the per-study means and SDs only in forest-plot figures. The demo therefore invents
per-study values, chosen so that pooling them the paper's way reproduces every Table 3 row to
the printed two decimals. This script derives them from a few plausible inputs (baseline means,
SD sizes, which study improved more) instead of typing numbers in:

    .venv/bin/python synthesis/demo/data/design_outcomes.py           # rewrite outcomes.json
    .venv/bin/python synthesis/demo/data/design_outcomes.py --check   # compare, write nothing

The paper's method (RevMan): baseline and follow-up treated as two independent groups,
MD_i = baseline mean - follow-up mean (improvement positive), SE_i² = SD_b²/n + SD_f²/n.
Model: DerSimonian-Laird random effects for every row. In the mRSS rows the designed studies are
homogeneous (Q < df, so tau² = 0 and DL equals the fixed-effect model): the printed 6-month
overall 5.09 (3.38 to 6.81) is the fixed-effect combination of its three printed MSC-source
subgroups, which only holds without between-study variance (checked in `check_fe_consistency`).
RCS, VAS, MHISS and CHFS were downgraded for inconsistency in Table 3, and their CIs are far too
wide for any plausible SD on their scales under a fixed-effect model (CHFS would need SDs of
about 70 on a 0-90 scale), so they are designed heterogeneous and reproduced by DL only.

Digital ulcers: Table 3 prints a ratio, 21.10 (3.63 to 122.56), for 36 participants in 4 trials,
but Table 2 gives DU as an endpoint of Park (18) and Wang (5) only. The demo pools those two as
a ratio of mean ulcer counts (baseline over follow-up) and matches the printed estimate and CI;
the participant and trial counts cannot be matched and the target says so.

Every value is stored to two decimals (DU: three), so after rounding a small coordinate search
(`repair_rounding`) nudges the follow-up values until each row prints exactly again.

Pure Python on the statistics engine; imports no Django.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import optimize

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from synthesis.stats import effects, rma  # noqa: E402

OUT_FILE = Path(__file__).resolve().parent / "outcomes.json"
Z = 1.959963984540054  # qnorm(0.975), the engine's z
HALF = 0.005  # a printed two-decimal number stands for [x - 0.005, x + 0.005)

N = {"Almadori 2019": 62, "Blezien 2017": 7, "Francesco 2017": 6, "Granel 2015": 12,
     "Keyszer 2011": 3, "Park 2020": 18, "Scuderi 2013": 6, "Wang 2013": 5, "Zhang 2017": 14}
MSC_SOURCE = {"Almadori 2019": "ADSCs", "Blezien 2017": "ADSCs", "Francesco 2017": "SVF",
              "Granel 2015": "SVF", "Keyszer 2011": "BMSCs", "Park 2020": "SVF",
              "Scuderi 2013": "ADSCs", "Wang 2013": "UC-MSCs", "Zhang 2017": "UC-MSCs"}

OUTCOMES = [
    {"name": "mRSS", "label": "Modified Rodnan skin score", "type": "continuous",
     "unit": "points", "range": [0, 51], "direction": "lower", "mid": 4.0,
     "mid_note": "minimal clinically important difference 3.2-5.3 points (Khanna 2006)"},
    {"name": "RCS", "label": "Raynaud's condition score", "type": "continuous",
     "unit": "points", "range": [0, 10], "direction": "lower", "mid": None},
    {"name": "VAS", "label": "Hand pain, visual analogue scale", "type": "continuous",
     "unit": "mm", "range": [0, 100], "direction": "lower", "mid": 15.0,
     "mid_note": "a common 10-20 mm threshold for chronic pain on a 100 mm VAS"},
    {"name": "MHISS", "label": "Mouth handicap in systemic sclerosis scale",
     "type": "continuous", "unit": "points", "range": [0, 48], "direction": "lower",
     "mid": None},
    {"name": "CHFS", "label": "Cochin hand function scale", "type": "continuous",
     "unit": "points", "range": [0, 90], "direction": "lower", "mid": None},
    {"name": "DU", "label": "Digital ulcers (active ulcers per patient)", "type": "continuous",
     "unit": "ulcers per patient", "range": [0, None], "direction": "lower", "mid": None,
     "description": "A count summarised as mean and SD per patient; pooled as a ratio of "
                    "means (baseline over follow-up), as Table 3 reports a ratio."},
    {"name": "DLCO", "label": "Diffusing capacity for carbon monoxide", "type": "continuous",
     "unit": "% predicted", "range": [0, None], "direction": "higher", "mid": 4.0,
     "mid_note": "3-8 % predicted in SSc-ILD (Kafaja 2018)"},
    {"name": "FVC", "label": "Forced vital capacity", "type": "continuous",
     "unit": "% predicted", "range": [0, None], "direction": "higher", "mid": 3.0,
     "mid_note": "3.0-5.3 % predicted in SSc-ILD (Kafaja 2018)"},
]
TIMEPOINTS = [
    {"label": "Baseline", "months": 0, "baseline": True},
    {"label": "3 months", "months": 3, "baseline": False},
    {"label": "6 months", "months": 6, "baseline": False},
    {"label": "12 months", "months": 12, "baseline": False},
]

# Baseline means: plausible for each scale and population (diffuse SSc treated with IV
# UC-MSCs/BMSCs has higher mRSS than the hand-focused SVF series; Keyszer's three patients
# were refractory). Baseline SDs are derived (see `_baseline_sd`) unless given here.
BASELINE_MEAN = {
    ("Keyszer 2011", "mRSS"): 26.33, ("Wang 2013", "mRSS"): 23.60,
    ("Zhang 2017", "mRSS"): 20.71, ("Granel 2015", "mRSS"): 15.42,
    ("Park 2020", "mRSS"): 12.83,
    ("Granel 2015", "RCS"): 6.92, ("Park 2020", "RCS"): 5.44,
    ("Almadori 2019", "VAS"): 46.85, ("Granel 2015", "VAS"): 56.50, ("Park 2020", "VAS"): 41.28,
    ("Almadori 2019", "MHISS"): 27.45, ("Blezien 2017", "MHISS"): 30.14,
    ("Granel 2015", "CHFS"): 36.75, ("Park 2020", "CHFS"): 21.06,
}

# Reported pre/post correlations for a few studies (the others use the demo's assumed r).
CORR = {("Zhang 2017", "mRSS"): 0.78, ("Granel 2015", "mRSS"): 0.71,
        ("Almadori 2019", "VAS"): 0.55, ("Blezien 2017", "MHISS"): 0.64,
        ("Zhang 2017", "DLCO"): 0.81, ("Zhang 2017", "FVC"): 0.86}
ASSUMED_R = 0.5

# Stored decimals. DU baseline means are about 2-3 ulcers per patient; with a ratio of 21 the
# printed estimate moves by 0.01 for a change of 0.001 there, so DU keeps three decimals.
DECIMALS = {"DU": 3}

# Zhang's 12-month lung function: Table 3 gives no pooled numbers, only "P < 0.05, improved"
# (abstract). Table 2 lists DLco for Zhang alone, so only Zhang has values: gains of about
# 9 and 7 % predicted, significant with the independent-groups MD (z about 2.3 and 2.1).
LUNG = {"DLCO": ((52.36, 9.84), (61.27, 10.42)), "FVC": ((71.48, 8.73), (78.65, 9.12))}

def _grade(inconsistency, imprecision, small_study_effects, certainty):
    return {"study_design": 1, "inconsistency": inconsistency, "imprecision": imprecision,
            "small_study_effects": small_study_effects, "certainty": certainty}


# Table 3 (Cui et al. 2022), as printed: row, analysis, MSC-source level, participants, trials,
# (estimate, lower, upper), measure, and the GRADE columns as levels downgraded (every row one
# level for study design; a: inconsistency, b: imprecision, c: small-study effects).
TABLE3 = [
    ("mRSS 3 m", "mrss_3m", None, 22, 3, (4.11, 2.19, 6.02), "MD",
     _grade(0, 0, 0, "moderate")),
    ("mRSS 6 m", "mrss_6m", None, 52, 5, (5.09, 3.38, 6.81), "MD",
     _grade(0, 0, 0, "moderate")),
    ("mRSS 12 m", "mrss_12m", None, 19, 2, (6.49, 4.61, 8.37), "MD",
     _grade(0, 0, 0, "moderate")),
    ("mRSS SVF", "mrss_6m", "SVF", 30, 2, (4.65, 0.74, 8.57), "MD",
     _grade(0, 0, 0, "moderate")),
    ("mRSS UC-MSCs", "mrss_6m", "UC-MSCs", 19, 2, (5.08, 3.10, 7.05), "MD",
     _grade(0, 0, 0, "moderate")),
    ("mRSS BMSCs", "mrss_6m", "BMSCs", 3, 1, (6.70, -0.22, 13.62), "MD",
     _grade(0, 0, 1, "low")),
    ("RCS 6 m", "rcs_6m", None, 30, 2, (1.80, -3.38, 6.99), "MD",
     _grade(1, 0, 0, "low")),
    ("DU 6 m", "du_6m", None, 36, 4, (21.10, 3.63, 122.56), "ROM",
     _grade(0, 1, 1, "very_low")),
    ("VAS 6 m", "vas_6m", None, 92, 3, (7.58, 0.55, 14.60), "MD",
     _grade(1, 0, 1, "very_low")),
    ("MHISS 12 m", "mhiss_12m", None, 69, 2, (5.52, 2.41, 8.62), "MD",
     _grade(1, 0, 0, "low")),
    ("CHFS 6 m", "chfs_6m", None, 30, 2, (9.05, -27.01, 45.11), "MD",
     _grade(1, 1, 1, "very_low")),
]

# How each analysis is designed. `rel_sd`: relative size of each study's SDs (1 = the row's
# common SD). `contrast`: which study improved more than the pooled effect (direction and
# relative size). Homogeneous rows fix Q as a share of its df (< 1, so tau² = 0); the
# heterogeneous rows fix the SD instead (`sd`, in the scale's units) and let tau² follow.
DESIGN = {
    "mrss_3m": {"outcome": "mRSS", "timepoint": "3 months",
                "studies": ["Keyszer 2011", "Wang 2013", "Zhang 2017"],
                "rel_sd": [1.15, 1.1, 0.95], "contrast": [0.9, -0.7, 0.2], "q_share": 0.45},
    "mrss_12m": {"outcome": "mRSS", "timepoint": "12 months",
                 "studies": ["Wang 2013", "Zhang 2017"],
                 "rel_sd": [1.1, 0.95], "contrast": [-1.0, 1.0], "q_share": 0.3},
    # 6 months: one analysis, subgrouped by MSC source; designed per subgroup (below).
    "mrss_6m_SVF": {"outcome": "mRSS", "timepoint": "6 months",
                    "studies": ["Granel 2015", "Park 2020"],
                    "rel_sd": [1.06, 0.95], "contrast": [1.0, -1.0], "q_share": 0.5},
    "mrss_6m_UC-MSCs": {"outcome": "mRSS", "timepoint": "6 months",
                        "studies": ["Wang 2013", "Zhang 2017"],
                        "rel_sd": [1.1, 0.95], "contrast": [1.0, -1.0], "q_share": 0.4},
    "mrss_6m_BMSCs": {"outcome": "mRSS", "timepoint": "6 months",
                      "studies": ["Keyszer 2011"], "rel_sd": [1.0], "contrast": [0.0],
                      "q_share": 0.0},
    # Heterogeneous: Granel's hands improved markedly, Park's hardly (RCS) or got worse (CHFS);
    # with SDs this size the printed CI needs tau² with I² above 90 %.
    "rcs_6m": {"outcome": "RCS", "timepoint": "6 months", "studies": ["Granel 2015", "Park 2020"],
               "sd": [2.1, 2.4], "contrast": [1.0, -1.0]},
    "chfs_6m": {"outcome": "CHFS", "timepoint": "6 months",
                "studies": ["Granel 2015", "Park 2020"], "sd": [16.5, 13.6],
                "contrast": [1.0, -1.0]},
    "vas_6m": {"outcome": "VAS", "timepoint": "6 months",
               "studies": ["Almadori 2019", "Granel 2015", "Park 2020"],
               "sd": [12.6, 15.5, 14.5], "contrast": [-1.0, 1.4, 0.35]},
    "mhiss_12m": {"outcome": "MHISS", "timepoint": "12 months",
                  "studies": ["Almadori 2019", "Blezien 2017"], "sd": [4.6, 4.0],
                  "contrast": [-1.0, 1.0]},
    # Ratio of mean ulcer counts (log scale). Follow-up counts are what whole ulcers allow:
    # one ulcer left among Park's 18 patients (mean 1/18, SD 0.236) and one among Wang's 5
    # (mean 0.2, SD 0.447). Those nearly-all-zero counts make each log ratio's variance about
    # 1, so the printed CI needs some tau² (I² below 50 %: Table 3 did not downgrade DU for
    # inconsistency); the baseline means then follow from the designed log ratios.
    "du_6m": {"outcome": "DU", "timepoint": "6 months", "studies": ["Park 2020", "Wang 2013"],
              "follow_up": [(0.056, 0.236), (0.2, 0.447)], "baseline_cv": [0.62, 0.48],
              "contrast": [1.0, -1.0]},
}
# The classic log ratio of means (Hedges, Gurevitch & Curtis 1999): with follow-up counts this
# sparse the Lajeunesse bias term (about -0.5) would dominate the effect it corrects.
OPTIONS = {"du_6m": {"rom_correction": "none"}}
ANALYSES = {
    "mrss_3m": ("mRSS", "3 months", "MD", None),
    "mrss_6m": ("mRSS", "6 months", "MD", "msc_source"),
    "mrss_12m": ("mRSS", "12 months", "MD", None),
    "rcs_6m": ("RCS", "6 months", "MD", None),
    "du_6m": ("DU", "6 months", "ROM", None),
    "vas_6m": ("VAS", "6 months", "MD", None),
    "mhiss_12m": ("MHISS", "12 months", "MD", None),
    "chfs_6m": ("CHFS", "6 months", "MD", None),
    "dlco_12m": ("DLCO", "12 months", "MD", None),
    "fvc_12m": ("FVC", "12 months", "MD", None),
}


# ---------------------------------------------------------------- rounding targets


def printed_box(printed, ratio=False):
    """Bounds (analysis scale) within which estimate, lower and upper limit print as given."""
    f = math.log if ratio else (lambda x: x)
    return [(f(p - HALF), f(p + HALF)) for p in printed]


def box_centre(box):
    """(estimate, se) deepest inside the rounding box: a small LP maximising the smallest
    slack of estimate, e - z·se and e + z·se, each relative to its interval's half-width."""
    (e_lo, e_hi), (l_lo, l_hi), (u_lo, u_hi) = box
    w = [(e_hi - e_lo) / 2, (l_hi - l_lo) / 2, (u_hi - u_lo) / 2]
    # variables e, h (= z·se), t; maximise t
    a_ub, b_ub = [], []
    for (lo, hi), (ce, ch), wi in (
        ((e_lo, e_hi), (1, 0), w[0]), ((l_lo, l_hi), (1, -1), w[1]),
        ((u_lo, u_hi), (1, 1), w[2]),
    ):
        a_ub.append([-ce, -ch, wi])  # x - lo >= t·w
        b_ub.append(-lo)
        a_ub.append([ce, ch, wi])  # hi - x >= t·w
        b_ub.append(hi)
    res = optimize.linprog([0, 0, -1], A_ub=a_ub, b_ub=b_ub,
                           bounds=[(None, None), (0, None), (None, None)])
    e, h, _t = res.x
    return e, h / Z


def margin(result, printed, ratio=False):
    """Smallest distance of the pooled estimate and CI limits to a rounding boundary, as a
    share of 0.005 (1 = exactly the printed value, <= 0 = prints differently)."""
    f = math.exp if ratio else (lambda x: x)
    got = (f(result["estimate"]), f(result["ci_lb"]), f(result["ci_ub"]))
    return min((HALF - abs(g - p)) / HALF for g, p in zip(got, printed, strict=True))


# ---------------------------------------------------------------- pooling via the engine


def pool(yi, vi, method="DL"):
    return rma.rma(np.asarray(yi, float), np.asarray(vi, float), method, "z")


def _q(y, v):
    w = 1 / np.asarray(v)
    ybar = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * (np.asarray(y) - ybar) ** 2))


def solve_homogeneous(rel_var, contrast, q_share, est, se):
    """Per-study (yi, vi) with Q = q_share·df and the pooled DL estimate and SE given.

    Scaling every vi by s scales tau² and the pooled SE² by s too (Q held fixed by scaling the
    spread of yi by √s), so s follows from one engine run.
    """
    a = np.asarray(rel_var, float)
    c = np.asarray(contrast, float)
    df = len(a) - 1
    d1 = math.sqrt(q_share * df / _q(c, a)) if df and q_share else 0.0
    base = pool(d1 * c, a)
    s = (se / base["se"]) ** 2
    y = est + math.sqrt(s) * (d1 * c - base["estimate"])
    return y, s * a


def solve_heterogeneous(v, contrast, est, se):
    """Per-study yi for fixed vi: the spread of yi (hence Q and DL's tau²) that widens the
    pooled SE to the target, then a shift to the target estimate."""
    v = np.asarray(v, float)
    c = np.asarray(contrast, float)
    if pool(np.zeros_like(v), v)["se"] >= se:
        raise ValueError("the studies are already less precise than the target: lower the SDs")

    def gap(d):
        return pool(d * c, v)["se"] - se

    d = optimize.brentq(gap, 1e-9, 1e3, xtol=1e-12)
    y = d * c
    return y + est - pool(y, v)["estimate"], v


# ---------------------------------------------------------------- the design


def check_fe_consistency():
    """The 6-month overall row as the fixed-effect combination of the three printed subgroups:
    the best achievable rounding margin (> 0 means some values inside every printed rounding
    interval are consistent with FE). Returns (margin, [(e, se) per subgroup])."""
    boxes = [printed_box(row[5]) for row in TABLE3 if row[1] == "mrss_6m"]
    overall, groups = boxes[0], boxes[1:]
    x0 = np.concatenate([box_centre(b) for b in groups])

    def slacks(x):
        out = []
        es, ses = x[0::2], x[1::2]
        w = 1 / ses**2
        e_all, se_all = np.sum(w * es) / np.sum(w), 1 / math.sqrt(np.sum(w))
        for (e, s), box in [*zip(zip(es, ses, strict=True), groups, strict=True),
                            ((e_all, se_all), overall)]:
            for val, (lo, hi) in zip((e, e - Z * s, e + Z * s), box, strict=True):
                out += [(val - lo) / HALF, (hi - val) / HALF]
        return np.array(out)

    res = optimize.minimize(lambda xt: -xt[-1], np.append(x0, 0.0), method="SLSQP",
                            constraints=[{"type": "ineq",
                                          "fun": lambda xt: slacks(xt[:-1]) - xt[-1]}],
                            options={"ftol": 1e-12, "maxiter": 500})
    x = res.x[:-1]
    return float(np.min(slacks(x))), [(x[i], x[i + 1]) for i in (0, 2, 4)]


def row_targets():
    """(estimate, se) to aim at per designed block (the 6-month subgroups jointly)."""
    targets = {}
    for _label, key, _level, *_rest, printed, measure, _grade in TABLE3:
        if key != "mrss_6m":
            targets[key] = box_centre(printed_box(printed, ratio=measure == "ROM"))
    _m, groups = check_fe_consistency()
    for level, target in zip(("SVF", "UC-MSCs", "BMSCs"), groups, strict=True):
        targets[f"mrss_6m_{level}"] = target
    return targets


def design_effects():
    """{block: (studies, yi, vi)} on the analysis scale."""
    out = {}
    for key, target in row_targets().items():
        spec = DESIGN[key]
        n = np.array([N[s] for s in spec["studies"]], float)
        if key == "du_6m":
            m_f, sd_f = (np.array(col) for col in zip(*spec["follow_up"], strict=True))
            v = np.asarray(spec["baseline_cv"]) ** 2 / n + sd_f**2 / (n * m_f**2)
            y, v = solve_heterogeneous(v, spec["contrast"], *target)
        elif "sd" in spec:
            v = 2 * np.asarray(spec["sd"], float) ** 2 / n
            y, v = solve_heterogeneous(v, spec["contrast"], *target)
        else:
            rel = spec.get("rel_var") or list(np.asarray(spec["rel_sd"]) ** 2 / n)
            y, v = solve_homogeneous(rel, spec["contrast"], spec["q_share"], *target)
        out[key] = (spec["studies"], y, v)
    return out


def _baseline_sd(study, outcome, variances):
    """A baseline SD a little above the common SD at the study's most precise time point,
    so every follow-up SD solved from SE_i stays real and close to the baseline's."""
    common = min(math.sqrt(N[study] * v / 2) for v in variances)
    return round(1.03 * common, 2)


def design_cells():
    """Every cell {study, outcome, timepoint, n, mean, sd[, corr]} before rounding repair."""
    blocks = design_effects()
    per_study = {}
    for key, (studies, y, v) in blocks.items():
        spec = DESIGN[key]
        for study, yi, vi in zip(studies, y, v, strict=True):
            per_study.setdefault((study, spec["outcome"]), []).append((spec["timepoint"], yi, vi))
    cells = []
    for (study, outcome), rows in per_study.items():
        if outcome == "DU":
            cells += _du_cells(study, rows)
            continue
        n, m_b = N[study], BASELINE_MEAN[(study, outcome)]
        sd_b = _baseline_sd(study, outcome, [vi for _t, _y, vi in rows])
        cells.append(_cell(study, outcome, "Baseline", m_b, sd_b))
        for timepoint, yi, vi in rows:
            # yi = baseline - follow-up; vi = (sd_b² + sd_f²)/n
            mean, sd = m_b - yi, math.sqrt(n * vi - sd_b**2)
            cells.append(_cell(study, outcome, timepoint, mean, sd))
    for outcome, ((m_b, sd_b), (m_f, sd_f)) in LUNG.items():
        cells.append(_cell("Zhang 2017", outcome, "Baseline", m_b, sd_b))
        cells.append(_cell("Zhang 2017", outcome, "12 months", m_f, sd_f))
    return cells


def _du_cells(study, rows):
    """Baseline from the designed log ratio yi = log(m_b/m_f) and the chosen follow-up."""
    spec = DESIGN["du_6m"]
    i = spec["studies"].index(study)
    (timepoint, yi, _vi), = rows
    m_f, sd_f = spec["follow_up"][i]
    m_b = m_f * math.exp(yi)
    return [_cell(study, "DU", "Baseline", m_b, spec["baseline_cv"][i] * m_b),
            _cell(study, "DU", timepoint, m_f, sd_f)]


def _cell(study, outcome, timepoint, mean, sd):
    places = DECIMALS.get(outcome, 2)
    cell = {"study": study, "outcome": outcome, "timepoint": timepoint, "n": N[study],
            "mean": round(mean, places), "sd": round(sd, places)}
    corr = CORR.get((study, outcome))
    if corr is not None and timepoint != "Baseline":
        cell["corr"] = corr
    return cell


# ---------------------------------------------------------------- checking and repair


def analysis_rows(analysis_key, cells, level=None):
    """(studies, engine data columns) of one analysis, optionally one MSC-source level.
    Independent groups: group 1 = baseline, group 2 = follow-up (improvement positive)."""
    outcome, timepoint, _measure, _subgroup = ANALYSES[analysis_key]
    index = {(c["study"], c["outcome"], c["timepoint"]): c for c in cells}
    studies = sorted({c["study"] for c in cells
                      if c["outcome"] == outcome and c["timepoint"] == timepoint})
    if level is not None:
        studies = [s for s in studies if MSC_SOURCE[s] == level]
    base = [index[(s, outcome, "Baseline")] for s in studies]
    follow = [index[(s, outcome, timepoint)] for s in studies]
    data = {"m1i": [c["mean"] for c in base], "sd1i": [c["sd"] for c in base],
            "n1i": [c["n"] for c in base], "m2i": [c["mean"] for c in follow],
            "sd2i": [c["sd"] for c in follow], "n2i": [c["n"] for c in follow]}
    return studies, data


def row_result(row, cells):
    _label, key, level, *_rest, measure, _grade = row
    _studies, data = analysis_rows(key, cells, level)
    es = effects.escalc(measure, data, OPTIONS.get(key))
    return pool(es.yi, es.vi)


def row_margins(cells):
    return {row[0]: margin(row_result(row, cells), row[5], ratio=row[6] == "ROM")
            for row in TABLE3}


def deviation(result, printed, ratio=False):
    """Sum of squared distances of estimate and CI limits to the printed values, in units of
    0.005: a smooth guide for the search while a row is still far off."""
    f = math.exp if ratio else (lambda x: x)
    got = (f(result["estimate"]), f(result["ci_lb"]), f(result["ci_ub"]))
    return sum(((g - p) / HALF) ** 2 for g, p in zip(got, printed, strict=True))


def _coordinate_search(cells, free, places, score, steps, max_passes=200):
    """Greedy steps of one stored unit (or a few) on one value at a time while `score`
    (higher is better) improves."""
    unit = 10.0 ** -places
    current = score()
    for _ in range(max_passes):
        improved = False
        for cell in free:
            for stat in ("mean", "sd"):
                for step in steps:
                    old = cell[stat]
                    cell[stat] = round(old + step * unit, places)
                    trial = score()
                    if trial > current + 1e-12:
                        current, improved = trial, True
                    else:
                        cell[stat] = old
        if not improved:
            break
    return current


def repair_rounding(cells, goal=0.4):
    """Makes every Table 3 row print exactly after the values are rounded to their stored
    decimals: per analysis, a coordinate search over its follow-up means and SDs (for DU also
    the baselines, which nothing else shares), first towards the printed numbers, then away
    from the rounding boundaries."""
    for key in dict.fromkeys(row[1] for row in TABLE3):
        outcome, timepoint, _m, _s = ANALYSES[key]
        rows = [row for row in TABLE3 if row[1] == key]
        # DU: the sparse follow-up counts stay whole-ulcer values; its baselines move instead.
        times = ("Baseline",) if outcome == "DU" else (timepoint,)
        free = [c for c in cells if c["outcome"] == outcome and c["timepoint"] in times]
        places = DECIMALS.get(outcome, 2)

        def worst(rows=rows):
            return min(margin(row_result(row, cells), row[5], ratio=row[6] == "ROM")
                       for row in rows)

        def closeness(rows=rows):
            return -sum(deviation(row_result(row, cells), row[5], ratio=row[6] == "ROM")
                        for row in rows)

        if worst() < goal:
            _coordinate_search(cells, free, places, closeness, (-10, -3, -1, 1, 3, 10))
            _coordinate_search(cells, free, places, worst, (-2, -1, 1, 2))
    return cells


# ---------------------------------------------------------------- the file


def build():
    cells = repair_rounding(design_cells())
    order = {o["name"]: i for i, o in enumerate(OUTCOMES)}
    tp = {t["label"]: i for i, t in enumerate(TIMEPOINTS)}
    cells.sort(key=lambda c: (order[c["outcome"]], c["study"], tp[c["timepoint"]]))
    return {
        "format": "prismflow.demo_outcomes",
        "version": 1,
        "illustrative": True,
        "notice": "ILLUSTRATIVE values invented for the demo review. The reference review "
                  "prints per-study data only in figures; these means and SDs were designed "
                  "(synthesis/demo/data/design_outcomes.py) so that pooling them as the paper "
                  "did reproduces its Table 3 to two decimals. They are not the studies' data.",
        "reference": {"citation": "Cui J, et al. Efficacy and safety of mesenchymal stem cells "
                                  "in the treatment of systemic sclerosis: a systematic review "
                                  "and meta-analysis. Stem Cell Res Ther. 2022;13:118.",
                      "doi": "10.1186/s13287-022-02786-3"},
        "assumed_r": ASSUMED_R,
        "outcomes": OUTCOMES,
        "timepoints": TIMEPOINTS,
        "cells": cells,
        "analyses": [_analysis(key) for key in ANALYSES],
        "targets": [_target(row) for row in TABLE3] + _lung_targets(),
    }


def _analysis(key):
    outcome, timepoint, measure, subgroup = ANALYSES[key]
    analysis = {
        "id": key, "outcome": outcome, "timepoint": timepoint, "baseline": "Baseline",
        "comparison": "before_after", "groups": "independent",
        "measure": measure, "sign": "improvement_positive", "method": "DL", "test": "z",
        "subgroup": subgroup,
        "engine": {"measure": measure, "m1i": "baseline", "m2i": timepoint},
    }
    if measure == "ROM":
        analysis["note"] = ("ratio of means, baseline over follow-up (above 1 = fewer ulcers), "
                            "classic log ratio without the Lajeunesse bias term")
    analysis["options"] = OPTIONS.get(key, {})
    if key in ("dlco_12m", "fvc_12m"):  # higher is better: improvement = follow-up - baseline
        analysis["engine"] = {"measure": "MD", "m1i": timepoint, "m2i": "baseline"}
    return analysis


def _target(row):
    label, key, level, participants, trials, (est, lb, ub), measure, grade = row
    studies = sorted({s for s in DESIGN.get(f"{key}_{level}" if level else key,
                                            {}).get("studies", [])})
    if key == "mrss_6m" and level is None:
        studies = sorted(s for lv in ("SVF", "UC-MSCs", "BMSCs")
                         for s in DESIGN[f"mrss_6m_{lv}"]["studies"])
    target = {"row": label, "analysis": key, "subgroup_level": level,
              "scale": "ratio" if measure == "ROM" else "difference",
              "estimate": est, "ci_lb": lb, "ci_ub": ub,
              "participants": participants, "trials": trials, "studies": studies,
              "counts_match": key != "du_6m", "published_grade": grade}
    if key == "du_6m":
        target["note"] = (
            "Table 3 prints 36 participants in 4 trials, but Table 2 lists digital ulcers as an "
            "endpoint of Park (18) and Wang (5) only, and no four studies with DU data add up "
            "to 36. The demo pools the two studies Table 2 allows (23 participants) as a ratio "
            "of mean ulcer counts, designed to give the printed estimate and CI.")
    return target


def _lung_targets():
    return [{"row": f"{name} 12 m", "analysis": f"{name.lower()}_12m", "subgroup_level": None,
             "scale": "difference", "pval_below": 0.05, "direction": "improved",
             "studies": ["Zhang 2017"], "participants": 14, "trials": 1, "counts_match": True,
             "note": "Table 3 has no pooled numbers; the abstract reports P < 0.05 (improved) "
                     "at 12 months. Table 2 lists DLco as an endpoint of Zhang alone."}
            for name in LUNG]


def main(argv):
    data = build()
    margins = row_margins(data["cells"])
    for row in TABLE3:
        res = row_result(row, data["cells"])
        f = math.exp if row[6] == "ROM" else (lambda x: x)
        print(f"{row[0]:14s} printed {row[5]}  designed {f(res['estimate']):.4f} "
              f"({f(res['ci_lb']):.4f} to {f(res['ci_ub']):.4f})  I2 {res['I2']:.1f}%  "
              f"margin {margins[row[0]]:.2f}")
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if "--check" in argv:
        same = OUT_FILE.exists() and OUT_FILE.read_text(encoding="utf-8") == text
        print("outcomes.json is up to date" if same else "outcomes.json differs from the design")
        return 0 if same else 1
    OUT_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {OUT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
