"""Figures of a pooled analysis as the pages serve them: the options each figure needs (title,
headings, favours labels, direction) taken from the compiled case, so the forest plot says
what the analysis compared and which side is better, and every word of the forest and funnel
plots in the user's language."""
import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .common import cjk_font, figure_language

log = logging.getLogger(__name__)
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def _flipped(extra):
    sign = extra.get("sign")
    direction = (extra.get("outcome") or {}).get("direction")
    return sign == "baseline_minus_follow_up" or (sign == "improvement_positive"
                                                  and direction == "lower")


def _forest_labels():
    """forest.LABELS in the active language; "r" (a symbol) stays as it is."""
    return {
        "study": pgettext("forest plot", "Study or Subgroup"),
        "weight": pgettext("forest plot", "Weight"),
        "total": pgettext("forest plot", "Total (95% CI)"),
        "subtotal": pgettext("forest plot", "Subtotal (95% CI)"),
        "total_events": pgettext("forest plot", "Total events"),
        "pi": pgettext("forest plot", "Prediction interval"),
        "not_estimable": pgettext("forest plot", "Not estimable"),
        "not_applicable": pgettext("forest plot", "Not applicable"),
        "heterogeneity": pgettext("forest plot", "Heterogeneity"),
        "overall": pgettext("forest plot", "Test for overall effect"),
        "subgroup_diff": pgettext("forest plot", "Test for subgroup differences"),
        "favours": pgettext("forest plot", "Favours {}"),
        "experimental": pgettext("forest plot", "Experimental"),
        "control": pgettext("forest plot", "Control"),
        "follow_up": pgettext("forest plot", "Follow-up"),
        "baseline": pgettext("forest plot", "Baseline"),
        "mean": pgettext("forest plot", "Mean"),
        "sd": pgettext("forest plot", "SD"),
        "n": pgettext("forest plot", "Total"),
        "events": pgettext("forest plot", "Events"),
        "time": pgettext("forest plot", "Person-time"),
        "effect": pgettext("forest plot", "Effect"),
        "se": pgettext("forest plot", "SE"),
        "random": pgettext("forest plot", "Random"),
        "fixed": pgettext("forest plot", "Fixed"),
        "study_n": pgettext("forest plot", "Study {}"),
    }


def _measure_names():
    """forest.MEASURE_NAMES in the active language."""
    md, smc = pgettext("effect measure", "Mean Difference"), pgettext("effect measure",
                                                                      "Std. Mean Change")
    odds, proportion = pgettext("effect measure", "Odds Ratio"), pgettext("effect measure",
                                                                          "Proportion")
    return {
        "MD": md, "SMD": pgettext("effect measure", "Std. Mean Difference"),
        "ROM": pgettext("effect measure", "Ratio of Means"), "OR": odds,
        "RR": pgettext("effect measure", "Risk Ratio"),
        "RD": pgettext("effect measure", "Risk Difference"), "PETO": odds, "MC": md,
        "SMCR": smc, "SMCC": smc, "PLO": proportion, "PFT": proportion, "PR": proportion,
        "PAS": proportion, "IRR": pgettext("effect measure", "Rate Ratio"),
        "IRLN": pgettext("effect measure", "Rate"),
        "ZCOR": pgettext("effect measure", "Correlation"),
        "GEN": pgettext("effect measure", "Effect"),
    }  # fmt: skip


def _funnel_labels():
    """funnel.LABELS in the active language."""
    return {
        "standard_error": pgettext("funnel plot", "Standard error"),
        "log_scale": pgettext("funnel plot", "{} (log scale)"),
        "egger": pgettext("funnel plot", "Egger's test for funnel plot asymmetry: {stat}, {p}"),
        "egger_few": pgettext("funnel plot",
                              "Egger's test not shown: fewer than {min_k} studies (k = {k})"),
        "trimfill": pgettext("funnel plot",
                             "Trim and fill: {imputed}; adjusted estimate {estimate}"),
        "imputed": pgettext("funnel plot", "{k0} studies imputed on the {side} (open circles)"),
        "none_imputed": pgettext("funnel plot", "no studies imputed"),
        "left": pgettext("funnel plot", "left"), "right": pgettext("funnel plot", "right"),
    }


def _language(lang):
    """The language code to label a figure in: `lang`, else the active one; English when it is
    Chinese and no installed font has Chinese glyphs (the labels would be empty boxes)."""
    lang = lang or translation.get_language() or "en"
    if figure_language(lang) == "zh" and cjk_font() is None:
        log.warning("no font with Chinese glyphs is installed; drawing the forest and funnel "
                    "plots in English (install fonts-noto-cjk or fonts-wqy-microhei)")
        return "en"
    return lang


def options_for(case, lang=None):
    """Title, headings, favours labels, direction and every fixed word for the figures of a
    compiled case, in `lang` (a language code such as "zh-hans"; the active one if None)."""
    lang = _language(lang)
    extra = case.get("extra") or {}
    outcome = extra.get("outcome") or {}
    direction = outcome.get("direction") or "lower"
    comparison = (extra.get("comparison") or {}).get("kind")
    with translation.override(lang):
        if comparison == "before_after":
            exp, ctl = _("Follow-up"), _("Baseline")
            if _flipped(extra):
                exp, ctl = ctl, exp
                direction = "higher" if direction == "lower" else "lower"
        else:
            exp, ctl = _("Intervention"), _("Control")
        # The forest plot words the favours labels with labels["favours"].
        return {"title": case.get("name") or outcome.get("name"),
                "headings": {"experimental": exp, "control": ctl},
                "favours": {"experimental": exp.lower(), "control": ctl.lower()},
                "direction": direction, "lang": figure_language(lang),
                "labels": {**_forest_labels(), **_funnel_labels()},
                "measure_names": _measure_names()}


def figure(kind, output, fmt, lang=None):
    from .forest import forest_plot
    from .funnel import funnel_plot

    draw = forest_plot if kind == "forest" else funnel_plot
    case = output["spec"]
    return draw(case, output["result"], options_for(case, lang), fmt=fmt)


def forest_svg(output, lang=None):
    """The forest plot as inline SVG for a page (declaration and DOCTYPE dropped)."""
    import re

    svg = figure("forest", output, "svg", lang).decode("utf-8")
    return re.sub(r"^.*?(<svg)", r"\1", svg, count=1, flags=re.S)
