"""Figures of a pooled analysis as the pages serve them: the options each figure needs (title,
headings, favours labels, direction) taken from the compiled case, so the forest plot says
what the analysis compared and which side is better."""
from django.utils.translation import gettext as _

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def _flipped(extra):
    sign = extra.get("sign")
    direction = (extra.get("outcome") or {}).get("direction")
    return sign == "baseline_minus_follow_up" or (sign == "improvement_positive"
                                                  and direction == "lower")


def options_for(case, lang=None):
    """Title, headings, favours labels and direction for the figure of a compiled case."""
    extra = case.get("extra") or {}
    outcome = extra.get("outcome") or {}
    direction = outcome.get("direction") or "lower"
    comparison = (extra.get("comparison") or {}).get("kind")
    if comparison == "before_after":
        exp, ctl = _("Follow-up"), _("Baseline")
        if _flipped(extra):
            exp, ctl = ctl, exp
            direction = "higher" if direction == "lower" else "lower"
    else:
        exp, ctl = _("Intervention"), _("Control")
    return {"title": case.get("name") or outcome.get("name"),
            "headings": {"experimental": exp, "control": ctl},
            "favours": {"experimental": _("Favours %(arm)s") % {"arm": exp.lower()},
                        "control": _("Favours %(arm)s") % {"arm": ctl.lower()}},
            "direction": direction}


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
