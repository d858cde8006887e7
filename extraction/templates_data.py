"""Ready-made extraction forms. The study template follows the reference review (MSCs for
systemic sclerosis, Stem Cell Res Ther 2022;13:118, Tables 1 and 2): study characteristics and
an adverse-events table. Pure data."""

DESIGNS = [
    ["single_arm", "Single-arm before/after (self-controlled)"],
    ["rct", "Randomised controlled trial"],
    ["non_randomised", "Non-randomised controlled study"],
    ["cohort", "Cohort study"],
    ["case_control", "Case-control study"],
    ["case_series", "Case series"],
    ["diagnostic", "Diagnostic accuracy study"],
    ["other", "Other"],
]

STUDY_TEMPLATE = {
    "sections": [
        {"key": "study", "title": "Study", "fields": [
            {"key": "country", "label": "Country", "type": "text", "required": True,
             "help": "Where participants were recruited; several countries separated by commas."},
            {"key": "design", "label": "Design", "type": "choice", "required": True,
             "choices": DESIGNS, "help": "As the authors describe it; GRADE starts from it."},
            {"key": "n_patients", "label": "Number of patients", "type": "integer",
             "required": True, "unit": "patients",
             "help": "Patients treated and analysed at baseline."},
            {"key": "female", "label": "Female", "type": "integer", "unit": "patients"},
            {"key": "male", "label": "Male", "type": "integer", "unit": "patients"},
            {"key": "mean_age", "label": "Mean age", "type": "decimal", "unit": "years"},
            {"key": "follow_up", "label": "Follow-up", "type": "text",
             "help": "Time points as reported, e.g. 1/3/6/12 months."},
        ]},
        {"key": "intervention", "title": "Intervention", "fields": [
            {"key": "msc_source", "label": "MSC source", "type": "choice",
             "choices": [["ADSCs", "Adipose-derived MSCs (ADSCs)"],
                         ["SVF", "Stromal vascular fraction (SVF)"],
                         ["BMSCs", "Bone-marrow MSCs (BMSCs)"],
                         ["UC-MSCs", "Umbilical-cord MSCs (UC-MSCs)"],
                         ["other", "Other"]]},
            {"key": "cell_dose", "label": "Cell dose", "type": "text",
             "help": "As reported, e.g. 1 x 10^6/kg; NA when not applicable."},
            {"key": "route", "label": "Route", "type": "choice",
             "choices": [["IH", "Hypodermic (local) injection"], ["IV", "Intravenous infusion"],
                         ["other", "Other"]]},
        ]},
        {"key": "safety", "title": "Adverse events", "fields": [
            {"key": "adverse_events", "label": "Adverse events", "type": "table",
             "help": "One row per type of event; patients with the event out of patients at "
                     "risk.",
             "columns": [
                 {"key": "event", "label": "Event", "type": "text"},
                 {"key": "patients", "label": "Patients with the event", "type": "integer"},
                 {"key": "at_risk", "label": "Patients at risk", "type": "integer"},
                 {"key": "serious", "label": "Serious", "type": "yes_no"},
             ]},
        ]},
    ]
}
