"""Hand-written snapshots for the analysis tests.

`reference_snapshot()` follows the reference review's Table 1 (9 single-arm studies, their
characteristics) and Table 2 (adverse events, NOS scores). The outcome values (mRSS means and
SDs, the per-study risk-of-bias overall judgements) are invented but plausible, so the snapshot
is marked illustrative; which studies report mRSS at which time point follows the study sets
inferred from Table 3's participant counts. `rct_snapshot()` is an invented two-arm review.
"""

import copy

BASELINE, M3, M6, M12, END = 1, 2, 3, 4, 5
MRSS, AE = 10, 11

# label, n, country, female/male, mean age, follow-up, MSC source, cells, route, NOS
TABLE1 = [
    ("Almadori 2019", 62, "America", "61/1", 56, "12.41 +/- 8.64 m", "ADSCs", "NA", "IH", 6),
    ("Blezien 2017", 7, "Italy", "7/0", 46.28, "1/6/12 m", "ADSCs", "NA", "IH", 8),
    ("Francesco 2017", 6, "Italy", "4/2", None, "3 m", "SVF", "NA", "IH", 7),
    ("Granel 2015", 12, "France", "12/0", 54.5, "2/6/12/22/30 m", "SVF", "NA", "IH", 8),
    ("Keyszer 2011", 3, "Germany", "1/2", 54.67, "3/6 m", "BMSCs", "0.7-1.8 x 10^6/kg", "IV", 7),
    ("Park 2020", 18, "Korea", "15/3", None, "2/6/24 w", "SVF", "3.61 x 10^6", "IH", 7),
    ("Scuderi 2013", 6, "Italy", "4/2", None, "12 m", "ADSCs", "8 x 10^5/ml of HA", "IH", 5),
    ("Wang 2013", 5, "China", "2/3", 44.6, "1/3/6/12 m", "UC-MSCs", "1 x 10^6/kg", "IV", 8),
    ("Zhang 2017", 14, "China", "11/3", 37.4, "1/3/6/12 m", "UC-MSCs", "1 x 10^6/kg", "IV", 8),
]

# Illustrative mRSS (mean, SD) by time point; absent = not reported.
MRSS_VALUES = {
    "Granel 2015": {BASELINE: (22.6, 9.1), M6: (23.6, 8.7)},
    "Keyszer 2011": {BASELINE: (25.3, 7.6), M3: (20.0, 5.0), M6: (18.6, 4.0)},
    "Park 2020": {BASELINE: (16.1, 8.4), M6: (8.2, 6.9)},
    "Wang 2013": {BASELINE: (24.0, 6.2), M3: (19.6, 5.8), M6: (18.4, 5.5), M12: (17.0, 5.0)},
    "Zhang 2017": {BASELINE: (19.9, 5.3), M3: (15.9, 4.8), M6: (14.6, 4.6), M12: (13.5, 4.3)},
}
ZHANG_CORR_6M = 0.7  # the one study that reports its pre/post correlation (illustrative)

# Table 2: adverse events (patients with an event, at risk); NA studies report none.
ADVERSE = {
    "Almadori 2019": [("Skin infection", 1, 62)],
    "Granel 2015": [("Transient paresthesia of finger", 2, 12)],
    "Keyszer 2011": [("Minor respiratory tract infection", 3, 3)],
    "Park 2020": [("Transient pale fingers", 3, 18), ("Dizziness after local anesthesia", 1, 18)],
    "Wang 2013": [],
    "Zhang 2017": [("Minor respiratory tract infection", 5, 14), ("Diarrhea", 1, 14)],
}
# Patients with any adverse event (illustrative: Table 2 counts events, not patients).
ANY_AE = {"Almadori 2019": 1, "Granel 2015": 2, "Keyszer 2011": 3, "Park 2020": 4,
          "Wang 2013": 0, "Zhang 2017": 6}
# Illustrative consensus overall judgements from the NOS scores (8 low, 7 some concerns,
# 6 or less high), with Keyszer (n = 3) judged high.
ROB = {8: "low", 7: "some_concerns", 6: "high", 5: "high"}


def _cell(arm, outcome, timepoint, **values):
    converted = dict(values, method="reported")
    return {"outcome": outcome, "timepoint": timepoint, "arm": arm,
            "reported": dict(values), "converted": converted}


def _study(i, row):
    label, n, country, fm, age, follow, source, cells, route, nos = row
    sid, arm = 100 + i, 200 + i
    study = {
        "id": sid, "label": label,
        "reports": [{"record": 300 + i, "title": f"{label} report", "year": int(label[-4:]),
                     "doi": None}],
        "excluded_after_extraction": False,
        "characteristics": {"country": country, "design": "Self-control", "n_patients": n,
                            "female_male": fm, "mean_age": age, "follow_up": follow,
                            "msc_source": source, "cells": cells, "route": route},
        "design": "single_arm",
        "arms": [{"id": arm, "label": "MSC", "role": "single"}],
        "cells": [],
        "adverse_events": [{"event": e, "patients": p, "at_risk": r, "serious": False}
                           for e, p, r in ADVERSE.get(label, [])],
        "risk_of_bias": [{"tool": "nos_cohort", "result": None,
                          "overall": "high" if label == "Keyszer 2011" else ROB[nos],
                          "score": nos, "max_score": 9, "domains": {}}],
    }
    for tp, (mean, sd) in MRSS_VALUES.get(label, {}).items():
        study["cells"].append(_cell(arm, MRSS, tp, n=n, mean=mean, sd=sd))
    if label == "Zhang 2017":
        study["cells"][-2]["reported"]["corr"] = ZHANG_CORR_6M
    if label in ANY_AE:
        study["cells"].append({"outcome": AE, "timepoint": END, "arm": arm,
                               "reported": {"events": ANY_AE[label], "total": n},
                               "converted": {"events": ANY_AE[label], "total": n,
                                             "method": "reported"}})
    return study


_REFERENCE = {
    "format": "prismflow.snapshot", "version": 1,
    "review": {"id": 1, "title": "Mesenchymal stem cells for systemic sclerosis"},
    "number": 1, "created_at": "2026-12-06T12:00:00Z", "created_by": "demo-owner",
    "illustrative": True,
    "form": {"version": 1, "sections": []},
    "outcomes": [
        {"id": MRSS, "name": "mRSS", "type": "continuous", "unit": "points",
         "direction": "lower", "mid": 4.0},
        {"id": AE, "name": "Any adverse event", "type": "dichotomous", "unit": None,
         "direction": "lower", "mid": None},
    ],
    "timepoints": [
        {"id": BASELINE, "label": "Baseline", "months": 0, "baseline": True},
        {"id": M3, "label": "3 months", "months": 3, "baseline": False},
        {"id": M6, "label": "6 months", "months": 6, "baseline": False},
        {"id": M12, "label": "12 months", "months": 12, "baseline": False},
        {"id": END, "label": "End of follow-up", "months": None, "baseline": False},
    ],
    "studies": [_study(i, row) for i, row in enumerate(TABLE1)],
    "hash": "0" * 64,
}


def reference_snapshot():
    return copy.deepcopy(_REFERENCE)


FVC, SAE = 20, 21
# label, (MSC mean, SD, n), (control mean, SD, n), SAE (MSC events, n), (control events, n)
RCTS = [
    ("Alpha 2018", (78.2, 12.1, 20), (74.0, 13.0, 19), (1, 20), (3, 19)),
    ("Beta 2019", (76.0, 10.4, 32), (79.9, 11.2, 30), (2, 32), (2, 30)),
    ("Gamma 2020", (72.3, 14.8, 15), (70.1, 15.5, 16), (0, 15), (2, 16)),
    ("Delta 2021", (76.9, 9.6, 40), (71.8, 10.1, 41), (3, 40), (6, 41)),
]


def _rct(i, row):
    label, fvc_i, fvc_c, sae_i, sae_c = row
    sid = 500 + i
    arms = [{"id": 600 + 2 * i, "label": "MSC", "role": "intervention"},
            {"id": 601 + 2 * i, "label": "Placebo", "role": "control"}]
    cells = []
    for arm, (mean, sd, n), (events, total) in zip(arms, (fvc_i, fvc_c), (sae_i, sae_c),
                                                  strict=True):
        cells.append(_cell(arm["id"], FVC, M12, n=n, mean=mean, sd=sd))
        cells.append({"outcome": SAE, "timepoint": M12, "arm": arm["id"],
                      "reported": {"events": events, "total": total},
                      "converted": {"events": events, "total": total, "method": "reported"}})
    return {"id": sid, "label": label, "reports": [], "excluded_after_extraction": False,
            "characteristics": {"route": "IV" if i % 2 else "IH",
                                "n_patients": fvc_i[2] + fvc_c[2]},
            "design": "rct", "arms": arms, "cells": cells, "adverse_events": [],
            "risk_of_bias": [{"tool": "rob2", "result": None,
                              "overall": ("low", "some_concerns", "low", "high")[i],
                              "domains": {}}]}


_RCT = {
    "format": "prismflow.snapshot", "version": 1,
    "review": {"id": 2, "title": "MSCs versus placebo (invented)"},
    "number": 1, "created_at": "2026-12-06T12:00:00Z", "created_by": "owner",
    "illustrative": True, "form": {"version": 1, "sections": []},
    "outcomes": [
        {"id": FVC, "name": "FVC", "type": "continuous", "unit": "% predicted",
         "direction": "higher", "mid": 5.0},
        {"id": SAE, "name": "Serious adverse events", "type": "dichotomous", "unit": None,
         "direction": "lower", "mid": None},
    ],
    "timepoints": [
        {"id": BASELINE, "label": "Baseline", "months": 0, "baseline": True},
        {"id": M12, "label": "12 months", "months": 12, "baseline": False},
    ],
    "studies": [_rct(i, row) for i, row in enumerate(RCTS)],
    "hash": "1" * 64,
}


def rct_snapshot():
    return copy.deepcopy(_RCT)
