"""Risk-of-bias figures in the manner of robvis: the traffic-light plot (studies x domains)
and the weighted summary bar chart, plus a score table for NOS and MINORS. Pure: plain data
in, SVG/PNG/PDF bytes (or rows) out; matplotlib's Agg backend, no Django."""

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, Ellipse, Rectangle  # noqa: E402

from .common import font_family  # noqa: E402

FORMATS = ("svg", "png", "pdf")
GREY_STRIP, OVERALL_BACKGROUND, BORDER = "#a9a9a9", "#d3d3d3", "#808080"


class FigureInputError(ValueError):
    """Input a figure cannot be drawn from; the message names the study or domain."""


@dataclass(frozen=True)
class Level:
    value: str
    label: dict  # lang -> label
    symbol: str
    colours: dict  # scheme name -> colour


def _level(value, en, zh, symbol, cochrane, colourblind):
    return Level(value, {"en": en, "zh": zh}, symbol,
                 {"cochrane": cochrane, "colourblind": colourblind})


LOW = _level("low", "Low", "低", "+", "#02C100", "#fed98e")
CONCERNS = _level("some_concerns", "Some concerns", "存在一定风险", "\u2212", "#E2DF07",
                  "#fe9929")
HIGH = _level("high", "High", "高", "\u00d7", "#BF0000", "#d95f0e")
NO_INFO = _level("no_information", "No information", "无信息", "?", "#4EA1F7", "#ffffff")
UNCLEAR = _level("unclear", "Unclear", "不清楚", "\u2212", "#E2DF07", "#fe9929")

# robvis' colour schemes per tool family, judgements from best to worst.
FAMILIES = {
    "rob2": [LOW, CONCERNS, HIGH, NO_INFO],
    "robins_i": [
        LOW,
        _level("moderate", "Moderate", "中等", "\u2212", "#E2DF07", "#fe9929"),
        _level("serious", "Serious", "严重", "\u00d7", "#BF0000", "#d95f0e"),
        _level("critical", "Critical", "极严重", "!", "#820000", "#993404"),
        NO_INFO,
    ],
    "quadas2": [LOW, UNCLEAR, HIGH, NO_INFO],
    "quality": [
        _level("good", "Good", "好", "+", "#02C100", "#fed98e"),
        _level("fair", "Fair", "一般", "\u2212", "#E2DF07", "#fe9929"),
        _level("poor", "Poor", "差", "\u00d7", "#BF0000", "#d95f0e"),
    ],
    "generic": [LOW, CONCERNS, UNCLEAR, HIGH, NO_INFO],
}

DOMAIN_NAMES = {
    "rob2": {
        "D1": "Bias arising from the randomization process.",
        "D2": "Bias due to deviations from intended intervention.",
        "D3": "Bias due to missing outcome data.",
        "D4": "Bias in measurement of the outcome.",
        "D5": "Bias in selection of the reported result.",
    },
    "robins_i": {
        "D1": "Bias due to confounding.",
        "D2": "Bias due to selection of participants.",
        "D3": "Bias in classification of interventions.",
        "D4": "Bias due to deviations from intended interventions.",
        "D5": "Bias due to missing data.",
        "D6": "Bias in measurement of outcomes.",
        "D7": "Bias in selection of the reported result.",
    },
    "quadas2": {
        "D1": "Patient selection.",
        "D2": "Index test.",
        "D3": "Reference standard.",
        "D4": "Flow and timing.",
    },
}


DOMAIN_NAMES_ZH = {
    "rob2": {
        "D1": "随机化过程中产生的偏倚",
        "D2": "偏离既定干预导致的偏倚",
        "D3": "结局数据缺失导致的偏倚",
        "D4": "结局测量中的偏倚",
        "D5": "选择性报告结果导致的偏倚",
    },
    "robins_i": {
        "D1": "混杂导致的偏倚",
        "D2": "研究对象选择中的偏倚",
        "D3": "干预分类中的偏倚",
        "D4": "偏离既定干预导致的偏倚",
        "D5": "数据缺失导致的偏倚",
        "D6": "结局测量中的偏倚",
        "D7": "选择性报告结果导致的偏倚",
    },
    "quadas2": {"D1": "病例选择", "D2": "待评价试验", "D3": "金标准", "D4": "病例流程和时间"},
}
TEXTS = {
    "en": {"domains": "Risk of bias domains", "study": "Study", "overall": "Overall",
           "judgement": "Judgement", "caption": "Domains:", "overall_bar": "Overall risk of bias",
           "risk": "{} risk"},
    "zh": {"domains": "偏倚风险领域", "study": "研究", "overall": "总体", "judgement": "判断",
           "caption": "领域：", "overall_bar": "总体偏倚风险", "risk": "{}偏倚风险"},
}


def _width(text):
    """Rough width in units of one Latin character; CJK characters count double."""
    return sum(2 if ord(ch) > 0x2e80 else 1 for ch in text)


def _names(family, domain_names, lang):
    if lang not in TEXTS:
        raise FigureInputError(f"unknown language {lang!r}; use en or zh")
    source = DOMAIN_NAMES_ZH if lang == "zh" else DOMAIN_NAMES
    names = dict(source.get(family, {}))
    names.update(domain_names or {})
    return names


FONT_BASE = ("DejaVu Sans",)  # robvis' look; font_family adds a CJK font to a text that needs one


def _family(text, lang):
    return list(font_family(lang, text, FONT_BASE))


def _text(target, x, y, s, lang, **kw):
    """`s` at (x, y) of an axes or figure, in robvis' font with the fallback `s` needs."""
    target.text(x, y, s, family=_family(s, lang), color="black", **kw)


def _levels(family, colours):
    if family not in FAMILIES:
        raise FigureInputError(f"unknown tool family {family!r}; use one of "
                               f"{', '.join(FAMILIES)}")
    if colours not in ("cochrane", "colourblind"):
        raise FigureInputError(f"unknown colour scheme {colours!r}; use cochrane or "
                               "colourblind")
    return {lv.value: lv for lv in FAMILIES[family]}


def _check_studies(studies, domains, levels, overall):
    if not isinstance(studies, list) or not studies:
        raise FigureInputError("no studies to draw")
    if not domains:
        raise FigureInputError("no domains to draw")
    for i, study in enumerate(studies):
        label = study.get("label") if isinstance(study, dict) else None
        if not isinstance(label, str) or not label.strip():
            raise FigureInputError(f"study {i + 1} has no label")
        judged = study.get("domains") or {}
        wanted = list(domains) + (["overall"] if overall else [])
        for key in wanted:
            value = study.get("overall") if key == "overall" else judged.get(key)
            if value is None:
                raise FigureInputError(f"{label}: no judgement for {key}")
            if value not in levels:
                raise FigureInputError(f"{label}: {key} judgement {value!r} is not one of "
                                       f"{', '.join(levels)}")


def _save(fig, fmt):
    if fmt not in FORMATS:
        raise FigureInputError(f"unknown format {fmt!r}; use svg, png or pdf")
    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    fig.savefig(buffer, format=fmt, dpi=200 if fmt == "png" else None, metadata=metadata)
    return buffer.getvalue()


def _new_figure(width, height):
    fig = Figure(figsize=(width, height))
    fig.set_facecolor("white")
    return fig


def traffic_light(studies, *, family="rob2", domains=None, domain_names=None, overall=True,
                  colours="cochrane", fmt="svg", symbol_size=1.0, lang="en"):
    """Studies x domains of coloured circles with the judgement's symbol, an "Overall"
    column, the legend and the domain key as caption. `studies`: [{"label", "domains":
    {key: judgement}, "overall": judgement}]. Each circle carries the SVG id
    `rob-cell-<row>-<column>` (both 0-based; the overall column last). `lang`: "en" or
    "zh" for the titles, legend and domain key."""
    levels = _levels(family, colours)
    names = _names(family, domain_names, lang)
    words = TEXTS[lang]
    domains = list(domains or names)
    _check_studies(studies, domains, levels, overall)
    columns = domains + ([None] if overall else [])  # None: the overall column
    cell = 0.42
    label_units = max(2.0, max(_width(s["label"]) for s in studies) * 0.2 + 0.6)
    caption = [words["caption"]] + [f"{k}: {names.get(k, k)}" for k in domains]
    used = [lv for lv in FAMILIES[family]
            if any(s["domains"].get(k) == lv.value for s in studies for k in domains)
            or (overall and any(s.get("overall") == lv.value for s in studies))]
    caption_h = 0.2 * len(caption) + 0.25
    legend_h = 0.25 + 0.22 * len(used)
    bottom = max(caption_h, legend_h) + 0.1
    grid_w = (label_units + len(columns)) * cell
    grid_h = (len(studies) + 1) * cell
    left, top = 0.35, 0.4
    width = left + grid_w + 0.3
    caption_w = max(_width(line) for line in caption) * 0.075 + 0.3
    width = max(width, caption_w + 1.9)
    height = top + grid_h + bottom
    fig = _new_figure(width, height)
    ax = fig.add_axes([left / width, bottom / height, grid_w / width, grid_h / height])
    ax.set_xlim(-label_units, len(columns))
    ax.set_ylim(len(studies) + 1, 0)
    ax.set_aspect("equal")
    ax.axis("off")

    for j, column in enumerate(columns):
        ax.add_patch(Rectangle((j, 0), 1, 1, facecolor=GREY_STRIP, edgecolor=BORDER, lw=0.8))
        _text(ax, j + 0.5, 0.5, column or words["overall"], lang, ha="center", va="center",
              fontsize=9 if column else 8)
    _text(ax, (len(columns)) / 2, -0.35, words["domains"], lang, ha="center", va="bottom",
          fontsize=10)
    _text(ax, -label_units - 0.25, (len(studies) + 2) / 2, words["study"], lang, rotation=90,
          ha="right", va="center", fontsize=10)

    radius = 0.36 * symbol_size
    for i, study in enumerate(studies):
        y = i + 1
        ax.add_patch(Rectangle((-label_units, y), label_units, 1, facecolor=GREY_STRIP,
                               edgecolor=BORDER, lw=0.8))
        _text(ax, -label_units / 2, y + 0.5, study["label"], lang, ha="center", va="center",
              fontsize=9)
        for j, column in enumerate(columns):
            value = study["domains"][column] if column else study["overall"]
            level = levels[value]
            background = "white" if column else OVERALL_BACKGROUND
            ax.add_patch(Rectangle((j, y), 1, 1, facecolor=background, edgecolor=BORDER,
                                   lw=0.8))
            circle = Circle((j + 0.5, y + 0.5), radius, facecolor=level.colours[colours],
                            edgecolor="black", lw=0.6)
            circle.set_gid(f"rob-cell-{i}-{j}")
            ax.add_patch(circle)
            ax.text(j + 0.5, y + 0.5, level.symbol, ha="center", va="center_baseline",
                    fontsize=12 * symbol_size, fontweight="bold", family="DejaVu Sans")

    for n, line in enumerate(caption):  # one text per line: even spacing with any font
        _text(fig, left / width, (bottom - 0.12 - 0.2 * n) / height, line, lang, ha="left",
              va="top", fontsize=8.5)
    _legend(fig, used, colours, (width, height, bottom), lang)
    return _save(fig, fmt)


def _legend(fig, used, colours, box, lang):
    """A vertical "Judgement" key at the bottom right, as robvis places it."""
    width, height, bottom = box
    x = (width - 1.55) / width
    y = (bottom - 0.12) / height
    _text(fig, x, y, TEXTS[lang]["judgement"], lang, ha="left", va="top", fontsize=9)
    for k, level in enumerate(used):
        cy = y - (0.32 + 0.24 * k) / height
        # Sized in inches on each axis so the marker stays round in figure coordinates.
        marker = Ellipse((x + 0.1 / width, cy), 0.17 / width, 0.17 / height,
                         transform=fig.transFigure, facecolor=level.colours[colours],
                         edgecolor="black", lw=0.5)
        marker.set_gid(f"rob-legend-{level.value}")
        fig.add_artist(marker)
        fig.text(x + 0.1 / width, cy, level.symbol, ha="center", va="center_baseline",
                 fontsize=7, fontweight="bold", family="DejaVu Sans")
        _text(fig, x + 0.27 / width, cy, level.label[lang], lang, ha="left", va="center",
              fontsize=8)


def summary(studies, *, family="rob2", domains=None, domain_names=None, overall=True,
            weighted=True, colours="cochrane", fmt="svg", lang="en"):
    """Horizontal stacked bars: the share of studies (or of their weights, when `weighted`
    and every study has a positive "weight") at each judgement, per domain, "Overall
    risk of bias" on top in bold."""
    levels = _levels(family, colours)
    names = _names(family, domain_names, lang)
    domains = list(domains or names)
    _check_studies(studies, domains, levels, overall)
    weights = _weights(studies, weighted)
    rows = [(k, names.get(k, k).rstrip(".")) for k in domains]
    if overall:
        rows.insert(0, ("overall", TEXTS[lang]["overall_bar"]))
    shares = {key: _shares(studies, key, weights) for key, _ in rows}

    order = [lv for lv in FAMILIES[family]]
    used = [lv for lv in order if any(shares[k].get(lv.value) for k, _ in rows)]
    label_w = max(_width(label) for _, label in rows) * 0.065 + 0.3
    bar_h = 0.42
    width = label_w + 5.2
    height = 0.2 + len(rows) * bar_h + 0.85
    fig = _new_figure(width, height)
    ax = fig.add_axes([label_w / width, 0.85 / height, 4.9 / width,
                       len(rows) * bar_h / height])
    for i, (key, _) in enumerate(rows):
        start = 0.0
        for level in used:
            share = shares[key].get(level.value, 0.0)
            if share:
                bar = ax.barh(i, share, left=start, height=0.7, color=level.colours[colours],
                              edgecolor="black", linewidth=0.6)
                bar.patches[0].set_gid(f"rob-bar-{key}-{level.value}")
            start += share
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_yticks(range(len(rows)), [label for _, label in rows], fontsize=9)
    for tick in ax.get_yticklabels():
        tick.set_family(_family(tick.get_text(), lang))
    if overall and lang == "en":  # the CJK fallback font has no bold face
        ax.get_yticklabels()[0].set(fontweight="bold", family="DejaVu Sans")
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, facecolor=lv.colours[colours], edgecolor="black",
                         lw=0.6) for lv in used]
    labels = [_risk_label(lv, lang) for lv in used]
    legend = fig.legend(handles, labels, loc="lower center", ncol=len(used), fontsize=8,
                        frameon=True, edgecolor="black", fancybox=False,
                        bbox_to_anchor=(0.5, 0.02),
                        prop={"family": _family("".join(labels), lang), "size": 8})
    legend.get_frame().set_linewidth(0.6)
    return _save(fig, fmt)


def _risk_label(level, lang):
    if level.value in ("low", "high", "moderate", "serious", "critical"):
        return TEXTS[lang]["risk"].format(level.label[lang])
    return level.label[lang]


def _weights(studies, weighted):
    given = [s.get("weight") for s in studies]
    if not weighted or all(w is None for w in given):
        return [1.0] * len(studies)
    for study, weight in zip(studies, given, strict=True):
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise FigureInputError(f"{study['label']}: weight {weight!r} is not a positive "
                                   "number")
    return [float(w) for w in given]


def _shares(studies, key, weights):
    total = sum(weights)
    shares = {}
    for study, weight in zip(studies, weights, strict=True):
        value = study["overall"] if key == "overall" else study["domains"][key]
        shares[value] = shares.get(value, 0.0) + weight / total
    return shares


def judgement_shares(studies, *, family="rob2", domains=None, overall=True, weighted=True):
    """The numbers the summary chart draws: {domain key or "overall": {judgement: share}}."""
    levels = _levels(family, "cochrane")
    domains = list(domains or DOMAIN_NAMES.get(family, {}))
    _check_studies(studies, domains, levels, overall)
    weights = _weights(studies, weighted)
    keys = (["overall"] if overall else []) + domains
    return {key: _shares(studies, key, weights) for key in keys}


def score_table(assessments, tool):
    """Rows for a CSV/XLSX export of a scored tool (NOS stars, MINORS points):
    [{"study", <domain key>: score, ..., "total", "max_score", "quality"}]. `assessments`:
    [{"label", "proposal" or "final": the rob core's result}] for one scored tool."""
    domain_keys = [d["key"] for d in tool["domains"]]
    rows = []
    for entry in assessments:
        result = entry.get("final") or entry.get("proposal")
        if not isinstance(result, dict) or result.get("tool") != tool["key"]:
            raise FigureInputError(f"{entry.get('label')}: no {tool['key']} result")
        if "max_score" not in result:
            raise FigureInputError(f"{tool['key']} is not a scored tool")
        row = {"study": entry["label"]}
        for key in domain_keys:
            row[key] = result["domains"][key].get("score")
        overall = result["overall"]
        row.update(total=result["score"], max_score=result["max_score"],
                   quality=overall.get("final", overall.get("judgement")))
        rows.append(row)
    return rows


def studies_from_snapshot(snapshot, tool_key):
    """The figure input for one tool from a locked extraction snapshot (docs/snapshot.md):
    the consensus judgements of every study assessed with it, in snapshot order."""
    studies = []
    for study in snapshot.get("studies", []):
        for entry in study.get("risk_of_bias") or []:
            if entry.get("tool") == tool_key:
                studies.append({
                    "label": study["label"],
                    "domains": {k: d.get("judgement") for k, d in entry["domains"].items()},
                    "overall": entry.get("overall"),
                })
                break
    return studies
