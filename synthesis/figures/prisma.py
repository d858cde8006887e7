"""The PRISMA 2020 flow diagram, drawn from a flow dict (`synthesis.prisma.flow`) in English or
Chinese, as SVG, PNG or PDF bytes. Pure: matplotlib only, no Django.

The layout follows the PRISMA 2020 statement's templates (Page et al., BMJ 2021;372:n71,
figure 1): a column for databases and registers, a column for other methods when the review
used any, side bars for Identification, Screening and Included, and for updated reviews a
"previous studies" column whose total joins the new studies.
"""

import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

# A Figure on an Agg canvas, never pyplot: no global backend, safe in any thread.
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch
from matplotlib.textpath import TextToPath

from synthesis.prisma.flow import has_other_methods

from .common import cjk_font, font_family

log = logging.getLogger(__name__)
# fontTools reports each table it drops while subsetting fonts into a PDF; that is not news.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FORMATS = ("svg", "png", "pdf")
LANGUAGES = ("en", "zh")

LABELS = {
    "en": {
        "head_databases": "Identification of studies via databases and registers",
        "head_other": "Identification of studies via other methods",
        "head_databases_new": "Identification of new studies via databases and registers",
        "head_other_new": "Identification of new studies via other methods",
        "head_previous": "Previous studies",
        "bar_identification": "Identification", "bar_screening": "Screening",
        "bar_included": "Included",
        "identified_from": "Records identified from:",
        "databases": "Databases", "registers": "Registers",
        "removed_before": "Records removed before screening:",
        "duplicates": "Duplicate records removed",
        "automation": "Records marked as ineligible by automation tools",
        "removed_other": "Records removed for other reasons",
        "pairs_waiting": "Possible duplicate pairs awaiting a decision",
        "screened": "Records screened", "excluded": "Records excluded",
        "awaiting": "Awaiting a decision",
        "sought": "Reports sought for retrieval", "not_retrieved": "Reports not retrieved",
        "assessed": "Reports assessed for eligibility", "reports_excluded": "Reports excluded",
        "no_reason": "No reason given",
        "studies_included": "Studies included in review",
        "reports_included": "Reports of included studies",
        "new_studies": "New studies included in review",
        "new_reports": "Reports of new included studies",
        "previous_studies": "Studies included in previous version of review",
        "previous_reports": "Reports of studies included in previous version of review",
        "total_studies": "Total studies included in review",
        "total_reports": "Reports of total included studies",
    },
    "zh": {
        "head_databases": "通过数据库和注册平台识别的研究",
        "head_other": "通过其他方法识别的研究",
        "head_databases_new": "通过数据库和注册平台识别的新研究",
        "head_other_new": "通过其他方法识别的新研究",
        "head_previous": "既往研究",
        "bar_identification": "识别", "bar_screening": "筛选", "bar_included": "纳入",
        "identified_from": "检索到的记录来源：",
        "databases": "数据库", "registers": "注册平台",
        "removed_before": "筛选前移除的记录：",
        "duplicates": "移除的重复记录",
        "automation": "经自动化工具标记为不合格的记录",
        "removed_other": "因其他原因移除的记录",
        "pairs_waiting": "待判定的疑似重复记录对",
        "screened": "筛选的记录", "excluded": "排除的记录",
        "awaiting": "待判定",
        "sought": "拟获取全文的报告", "not_retrieved": "未能获取全文的报告",
        "assessed": "评估合格性的全文报告", "reports_excluded": "排除的报告",
        "no_reason": "未注明原因",
        "studies_included": "纳入系统评价的研究",
        "reports_included": "纳入研究的报告",
        "new_studies": "本次新纳入的研究",
        "new_reports": "新纳入研究的报告",
        "previous_studies": "上一版系统评价纳入的研究",
        "previous_reports": "上一版系统评价纳入研究的报告",
        "total_studies": "系统评价纳入的研究总数",
        "total_reports": "纳入研究的报告总数",
    },
}
# Chinese names of the sources whose English name is generic; named databases keep their name.
ZH_SOURCES = {
    "other_database": "其他数据库", "register": "试验注册平台", "website": "网站",
    "citation": "引文检索", "other_method": "其他方法", "cnki": "中国知网 (CNKI)",
    "wanfang": "万方数据 (Wanfang)", "vip": "维普 (VIP)", "cbm": "中国生物医学文献数据库 (CBM)",
    "cochrane": "Cochrane 图书馆/CENTRAL",
}

# Geometry, in inches (the axes are drawn in inches, y downwards).
BOX_W, SIDE_W, GAP_X, COL_GAP = 2.5, 2.5, 0.32, 0.38
BAR_W, MARGIN, ROW_GAP, HEADER_H = 0.34, 0.18, 0.3, 0.42
PAD, INDENT, FONT = 0.08, 0.14, 8.0
LINE = FONT * 1.38 / 72
COLOURS = {"databases": "#FFC000", "other": "#D9D9D9", "previous": "#D9D9D9",
           "bar": "#9DC3E6", "box": "white", "edge": "black"}


_TEXT_PATH = TextToPath()


# --- text -----------------------------------------------------------------------------------

_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# Spaces break lines; a Chinese character may break anywhere; "(n = 12)" never breaks
# (its spaces are no-break spaces, which this does not match).
_TOKEN = re.compile(f"[ \\t]+|[{_WIDE}]|[^ \\t{_WIDE}]+")


FONT_BASE = ("DejaVu Sans",)  # font_family adds a CJK font to a text that needs one


@lru_cache(maxsize=4096)
def _width(text, lang="en"):
    """The width of `text` in inches at FONT points, measured with the fonts drawn with."""
    prop = FontProperties(family=list(font_family(lang, text, FONT_BASE)), size=FONT)
    width, _h, _d = _TEXT_PATH.get_text_width_height_descent(text.replace(NBSP, " "), prop,
                                                             ismath=False)
    return width / 72


def _wrap(text, width, lang="en"):
    """Lines no wider than `width` inches: Latin text breaks at spaces, Chinese anywhere."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        blank = not token.strip(" \t")
        if line.strip() and not blank and _width(line + token, lang) > width:
            lines.append(line.rstrip())
            line = ""
        if not (blank and not line):
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


NBSP = "\u00a0"


def _n(label, n):
    return f"{label} (n{NBSP}={NBSP}{n:,})"


@dataclass
class Box:
    """A box's text as (indent level, text) items, wrapped to its width when laid out."""

    items: list
    width: float = BOX_W
    fill: str = COLOURS["box"]
    lines: list = field(default_factory=list)

    def layout(self, lang="en"):
        self.lines = []
        for level, text in self.items:
            inner = self.width - 2 * PAD - level * INDENT
            for i, part in enumerate(_wrap(text, inner, lang)):
                self.lines.append((level + (0.5 if i else 0), part))
        return self

    @property
    def height(self):
        return len(self.lines) * LINE + 2 * PAD


# --- what each box says -------------------------------------------------------------------

def _source_name(source, lang):
    if lang == "zh" and not source.get("detail"):
        return ZH_SOURCES.get(source["source"], source["name"])
    return source["name"]


def _identified(column, lang, kinds):
    t = LABELS[lang]
    items = [(0, t["identified_from"])]
    for kind in kinds:
        sources = [s for s in column["sources"] if s["kind"] == kind]
        if kind in ("database", "register"):
            key = "databases" if kind == "database" else "registers"
            items.append((1, _n(t[key], sum(s["n"] for s in sources))))
            items += [(2, _n(_source_name(s, lang), s["n"])) for s in sources]
        else:
            items += [(1, _n(_source_name(s, lang), s["n"])) for s in sources]
    return items


def _removed(column, lang, pairs_waiting):
    t = LABELS[lang]
    items = [(0, t["removed_before"]), (1, _n(t["duplicates"], column["duplicates_removed"])),
             (1, _n(t["automation"], column["removed_by_automation"])),
             (1, _n(t["removed_other"], column["removed_other"]))]
    if pairs_waiting:
        items.append((1, _n(t["pairs_waiting"], pairs_waiting)))
    return items


def _with_awaiting(label, n, awaiting, lang):
    items = [(0, _n(label, n))]
    if awaiting:
        items.append((1, _n(LABELS[lang]["awaiting"], awaiting)))
    return items


def _reports_excluded(column, lang):
    t = LABELS[lang]
    reasons = column["reports_excluded"]
    if not reasons:
        return [(0, _n(t["reports_excluded"], 0))]
    named = [(r.get("reason_zh") if lang == "zh" and r.get("reason_zh") else r["reason"])
             or t["no_reason"] for r in reasons]
    return [(0, t["reports_excluded"] + ("：" if lang == "zh" else ":"))] + [
        (1, _n(name, r["n"])) for name, r in zip(named, reasons, strict=True)]


def _column_boxes(column, lang, kinds, *, pairs_waiting=0, full=True):
    """The boxes of one column by row: {row: (main box items, side box items or None)}."""
    t = LABELS[lang]
    rows = {"identification": (_identified(column, lang, kinds),
                               _removed(column, lang, pairs_waiting) if full else None)}
    if full:
        rows["screened"] = (_with_awaiting(t["screened"], column["screened"],
                                           column["awaiting_screening"], lang),
                            [(0, _n(t["excluded"], column["excluded"]))])
    rows["sought"] = ([(0, _n(t["sought"], column["sought"]))],
                      [(0, _n(t["not_retrieved"], column["not_retrieved"]))])
    rows["assessed"] = (_with_awaiting(t["assessed"], column["assessed"],
                                       column["awaiting_assessment"], lang),
                        _reports_excluded(column, lang))
    return rows


def _included(flow, lang):
    t = LABELS[lang]
    inc = flow["included"]
    if flow.get("previous"):
        return [(0, _n(t["new_studies"], inc["studies"])),
                (0, _n(t["new_reports"], inc["reports"]))]
    return [(0, _n(t["studies_included"], inc["studies"])),
            (0, _n(t["reports_included"], inc["reports"]))]


# --- layout and drawing -------------------------------------------------------------------

ROWS = ("identification", "screened", "sought", "assessed", "included")


class _Canvas:
    def __init__(self, width, height, lang):
        self.fig = Figure(figsize=(width, height))
        FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.set_axis_off()
        self.lang = lang

    def rect(self, x, y, w, h, fill, *, rounded=False, edge=COLOURS["edge"]):
        style = "round,pad=0,rounding_size=0.09" if rounded else "square,pad=0"
        self.ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=fill,
                                         edgecolor=edge, linewidth=0.8))

    def text(self, x, y, s, **kw):
        family = list(font_family(self.lang, s, FONT_BASE))
        self.ax.text(x, y, s, **{"fontsize": FONT, "family": family, **kw})

    def box(self, box, x, y):
        self.rect(x, y, box.width, box.height, box.fill)
        for i, (level, line) in enumerate(box.lines):
            self.text(x + PAD + level * INDENT, y + PAD + i * LINE + LINE * 0.5, line,
                      va="center", ha="left")

    def arrow(self, *points):
        """A line through the points with an arrowhead at the last one."""
        xs, ys = zip(*points, strict=True)
        if len(points) > 2:
            self.ax.plot(xs[:-1], ys[:-1], color="black", linewidth=0.8,
                         solid_capstyle="butt")
        self.ax.annotate("", xy=points[-1], xytext=points[-2],
                         arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 0.8,
                                     "shrinkA": 0, "shrinkB": 0, "mutation_scale": 9})


@dataclass
class _Placed:
    box: Box
    x: float
    y: float = 0.0

    @property
    def bottom(self):
        return self.y + self.box.height

    @property
    def right(self):
        return self.x + self.box.width

    @property
    def mid_y(self):
        return self.y + self.box.height / 2


class _Layout:
    """Columns left to right, rows top to bottom; each row as tall as its tallest box."""

    def __init__(self, flow, lang):
        self.flow, self.lang = flow, lang
        self.updated = bool(flow.get("previous"))
        self.other = has_other_methods(flow)
        other = flow["other_methods"]
        # The other-methods column shows only the template's boxes unless some of its
        # records were removed or screened out before retrieval: then it shows them too.
        self.other_full = self.other and other["identified"] != other["sought"]
        self.placed = {}  # (column, row, "main"|"side") -> _Placed
        self._columns()
        self._rows()

    def _columns(self):
        x = MARGIN + BAR_W + 0.16
        self.x = {}
        if self.updated:
            self.x["previous"] = x
            x += BOX_W + COL_GAP
        self.x["databases"] = x
        x += BOX_W + GAP_X + SIDE_W + COL_GAP
        if self.other:
            self.x["other"] = x
            x += BOX_W + GAP_X + SIDE_W + COL_GAP
        self.width = x - COL_GAP + MARGIN

    def _boxes(self):
        lang, flow = self.lang, self.flow
        t = LABELS[lang]
        columns = {"databases": _column_boxes(
            flow["databases_and_registers"], lang, ("database", "register"),
            pairs_waiting=flow.get("duplicate_pairs_waiting", 0))}
        if self.other:
            columns["other"] = _column_boxes(flow["other_methods"], lang, ("other_method",),
                                             full=self.other_full)
        columns["databases"]["included"] = (_included(flow, lang), None)
        if self.updated:
            prev, total = flow["previous"], flow["total"]
            columns["previous"] = {
                "identification": ([(0, _n(t["previous_studies"], prev["studies"])),
                                    (0, _n(t["previous_reports"], prev["reports"]))], None),
                "included": ([(0, _n(t["total_studies"], total["studies"])),
                              (0, _n(t["total_reports"], total["reports"]))], None)}
        return columns

    def _rows(self):
        for column, rows in self._boxes().items():
            x = self.x[column]
            for row, (main, side) in rows.items():
                self.placed[column, row, "main"] = _Placed(Box(main).layout(self.lang), x)
                if side is not None:
                    self.placed[column, row, "side"] = _Placed(
                        Box(side, width=SIDE_W).layout(self.lang), x + BOX_W + GAP_X)
        y = MARGIN + HEADER_H + ROW_GAP
        self.row_y = {}
        for row in ROWS:
            here = [p for (c, r, s), p in self.placed.items() if r == row]
            height = max((p.box.height for p in here), default=0)
            if row == "included":  # room for the side bar's label
                label = LABELS[self.lang]["bar_included"]
                height = max(height, _width(label, self.lang) + 0.3)
            for p in here:
                p.y = y + (height - p.box.height) / 2
            self.row_y[row] = (y, y + height)
            y += height + ROW_GAP
        self.height = y - ROW_GAP + MARGIN


def _draw(layout, canvas):
    lang, placed = layout.lang, layout.placed
    t = LABELS[lang]
    top = MARGIN
    # The CJK fonts commonly installed have no bold face: Chinese labels stay regular.
    strong = {} if lang == "zh" else {"weight": "bold"}
    new = "_new" if layout.updated else ""  # the updated template speaks of new studies
    heads = [("databases", t["head_databases" + new], BOX_W + GAP_X + SIDE_W)]
    if layout.other:
        heads.append(("other", t["head_other" + new], BOX_W + GAP_X + SIDE_W))
    if layout.updated:
        heads.append(("previous", t["head_previous"], BOX_W))
    for column, label, width in heads:
        canvas.rect(layout.x[column], top, width, HEADER_H, COLOURS[column], rounded=True)
        canvas.text(layout.x[column] + width / 2, top + HEADER_H / 2, label, ha="center",
                    va="center", **strong)
    bars = [("bar_identification", "identification", "identification"),
            ("bar_screening", "screened", "assessed"), ("bar_included", "included", "included")]
    for key, first, last in bars:
        y0, y1 = layout.row_y[first][0], layout.row_y[last][1]
        canvas.rect(MARGIN, y0, BAR_W, y1 - y0, COLOURS["bar"], rounded=True)
        canvas.text(MARGIN + BAR_W / 2, (y0 + y1) / 2, t[key], rotation=90, ha="center",
                    va="center", **strong)
    for p in placed.values():
        canvas.box(p.box, p.x, p.y)
    _arrows(layout, canvas)


def _arrows(layout, canvas):
    placed = layout.placed
    for column in ("databases", "other"):
        mains = [placed[column, row, "main"] for row in ROWS if (column, row, "main") in placed]
        for a, b in zip(mains, mains[1:], strict=False):
            x = a.x + BOX_W / 2
            canvas.arrow((x, a.bottom), (x, b.y))
        for row in ROWS:
            side = placed.get((column, row, "side"))
            if side is not None:
                main = placed[column, row, "main"]
                canvas.arrow((main.right, main.mid_y), (side.x, main.mid_y))
    included = placed["databases", "included", "main"]
    if layout.other:
        last = placed["other", "assessed", "main"]
        x = last.x + BOX_W / 2
        canvas.arrow((x, last.bottom), (x, included.mid_y), (included.right, included.mid_y))
    if layout.updated:
        prev, total = placed["previous", "identification", "main"], placed[
            "previous", "included", "main"]
        x = prev.x + BOX_W / 2
        canvas.arrow((x, prev.bottom), (x, total.y))
        canvas.arrow((included.x, included.mid_y), (total.right, included.mid_y))


def _language(lang, fmt):
    """The language to draw in, and whether SVG text stays text: Chinese needs a CJK font,
    except in SVG where the text can stay text for the browser's fonts."""
    cjk = cjk_font()
    if lang == "zh" and not cjk and fmt != "svg":
        log.warning("no font with Chinese glyphs is installed; drawing the PRISMA diagram "
                    "in English (install fonts-noto-cjk or fonts-wqy-microhei)")
        return "en", False
    return lang, lang == "zh" and not cjk


def draw(flow, *, fmt="svg", lang="en"):
    """The diagram of `flow` as bytes in `fmt` (svg, png, pdf), labelled in `lang` (en, zh)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    lang, svg_text = _language(lang, fmt)
    layout = _Layout(flow, lang)
    settings = {"svg.fonttype": "none" if svg_text else "path", "svg.hashsalt": "prismflow",
                "pdf.fonttype": 42}
    with rc_context(settings), warnings.catch_warnings():
        # SVG text left to the browser's fonts may lack glyphs here; that is expected.
        if svg_text:
            warnings.filterwarnings("ignore", message="Glyph .* missing")
        canvas = _Canvas(layout.width, layout.height, lang)
        _draw(layout, canvas)
        out = io.BytesIO()
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
        canvas.fig.savefig(out, format=fmt, dpi=200, metadata=metadata)
    return out.getvalue()
