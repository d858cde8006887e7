"""What the pure figures share: fonts, text widths, number and P-value formats, output bytes."""

import functools
import io
import logging

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.textpath import text_to_path
from matplotlib.transforms import IdentityTransform

FORMATS = ("svg", "png", "pdf")
# Liberation Sans has Arial's metrics (RevMan's font). One installed family is chosen once:
# a list with missing names makes matplotlib warn about them on every text it lays out.
_PREFERRED = ("Liberation Sans", "Arial", "Helvetica", "DejaVu Sans")


def _installed_family():
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _PREFERRED if name in names), "DejaVu Sans")


FONT_FAMILY = [_installed_family()]
_CSS_FALLBACK = ("Arial", "Helvetica", "sans-serif")
# Chinese text needs a font with its glyphs: the first of these installed (Debian:
# fonts-noto-cjk, fonts-wqy-microhei) is drawn after ours, for the glyphs ours lacks.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
)
FONT_SIZE = 8.0
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "svg.fonttype": "none",  # text stays text: searchable, and much smaller than paths
    "svg.hashsalt": "prismflow",  # stable ids, so the same figure gives the same bytes
    "pdf.fonttype": 42,
}
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
# zlib level 1: a large forest plot encodes in a fifth of the default level's time, ~25% larger.
_EXTRA = {"png": {"pil_kwargs": {"compress_level": 1}}}


class _RegularCJK(logging.Filter):
    """The CJK fonts commonly installed have no bold face: their glyphs in bold text are drawn
    regular, as expected, so matplotlib's warning about it is not news."""

    def filter(self, record):
        return not (
            str(record.msg).startswith("findfont: Failed to find font weight")
            and len(record.args or ()) > 1
            and record.args[1] in CJK_FONTS
        )


logging.getLogger("matplotlib.font_manager").addFilter(_RegularCJK())


@functools.lru_cache(maxsize=1)
def cjk_font():
    """The name of an installed font with Chinese glyphs, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def figure_language(code):
    """The figures' language ("zh" or "en") for a language code such as Django's "zh-hans"."""
    return "zh" if (code or "").lower().startswith("zh") else "en"


@functools.lru_cache(maxsize=8)
def _glyphs(name):
    """The code points the installed font `name` has glyphs for."""
    path = font_manager.findfont(font_manager.FontProperties(family=name))
    return frozenset(font_manager.get_font(path).get_charmap())


def _lacks_glyphs(family, text):
    """Whether some visible character of `text` is in none of the fonts of `family`."""
    have = [_glyphs(name) for name in family]
    return any(
        ch.isprintable() and not ch.isspace() and not any(ord(ch) in g for g in have) for ch in text
    )


@functools.lru_cache(maxsize=8192)
def font_family(lang="en", text="", base=tuple(FONT_FAMILY)):
    """The fonts `text` in `lang` is measured and drawn with: `base` (ours unless a figure has
    its own), and a CJK font after it for a Chinese page or for a text with characters `base`
    lacks, such as a Chinese study name on an English page. matplotlib takes each glyph from
    the first font that has it, so Latin text keeps its look, and text that needs no fallback
    keeps exactly `base` (English figures of Latin data stay byte for byte the same)."""
    cjk = cjk_font()
    if cjk and cjk not in base and (lang == "zh" or _lacks_glyphs(base, text)):
        return (*base, cjk)
    return tuple(base)


def text_props(text, lang="en"):
    """Font keywords for a matplotlib Text showing `text` (axis labels, titles, captions):
    matplotlib falls back from font to font only within a text's own family list, and the
    default family (render's) names ours alone."""
    family = font_family(lang, text)
    return {} if family == tuple(FONT_FAMILY) else {"family": [*family, "sans-serif"]}


def new_figure(width, height):
    """A Figure (no pyplot state, so figures can be drawn in threads) sized in inches."""
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height))


def render(fig, fmt="svg", dpi=150):
    """The figure as bytes in fmt (svg, png or pdf)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    for layer in fig.findobj(TextLayer):
        layer.css_fonts = fmt == "svg"
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt], **_EXTRA.get(fmt, {}))
    return buf.getvalue()


@functools.lru_cache(maxsize=8)
def _font_files(bold, family):
    weight = "bold" if bold else "normal"
    return tuple(
        font_manager.findfont(font_manager.FontProperties(family=name, weight=weight))
        for name in family
    )


def _font(bold, family):
    # get_font: one FT2Font per thread, as the renderers use, with the fallback chain they draw
    # with, so a Chinese glyph counts at its own width.
    return font_manager.get_font(_font_files(bold, family))


@functools.lru_cache(maxsize=8192)
def text_width(text, size=FONT_SIZE, bold=False, lang="en"):
    """Width of one line of text in `lang` in inches, measured with the fonts that will draw
    it (font_family's for this text)."""
    if not text:
        return 0.0
    font = _font(bold, font_family(lang, text))
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64.0 / 72.0


def fmt_number(x, decimals=2):
    """x with a fixed number of decimals; '' for a missing value."""
    if x is None:
        return ""
    return f"{x:.{decimals}f}"


def fmt_data(x, decimals=2):
    """A data value as entered: integers without decimals, others with at most `decimals`."""
    if x is None or (isinstance(x, float) and x != x):
        return ""
    if isinstance(x, str):
        return x
    if float(x).is_integer():
        return str(int(x))
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return text or "0"


def fmt_p(p):
    """P as RevMan prints it: 'P < 0.00001' below 1e-5, else with enough decimals to show it."""
    if p is None:
        return "P = NA"
    if p < 1e-5:
        return "P < 0.00001"
    for decimals, floor in ((2, 0.01), (3, 0.001), (4, 0.0001)):
        if p >= floor:
            return f"P = {p:.{decimals}f}"
    return f"P = {p:.5f}"


class TextLayer(Artist):
    """Many short text cells drawn by one artist, positioned by our own width measurement.

    A Text artist per cell costs layout work, and Agg in matplotlib ≥ 3.10 rasterises text glyph
    by glyph in Python; a forest plot has hundreds of cells. So PNG output fills one compound
    glyph path (one C call), and SVG and PDF get one real text element per cell (searchable).
    """

    def __init__(self, ax, lang="en"):
        super().__init__()
        self.ax = ax
        self.lang = lang  # the page's; each cell is drawn with font_family's fonts for its text
        self.cells = []
        # SVG names fonts for the viewer, who may lack ours: render() sets this for SVG so
        # Arial's look-alikes follow our font in the CSS.
        self.css_fonts = False
        self.set_zorder(5)

    def add(self, x, y, text, ha="left", bold=False, size=FONT_SIZE, color="black"):
        """Text centred vertically at data point (x, y); ha: left, right or center of x."""
        if text:
            self.cells.append((x, y, str(text), ha, bool(bold), float(size), color))

    def _anchor(self, x, y, text, ha, bold, size, px_per_in):
        """Left end of the baseline in display pixels (the y axis of the data runs down)."""
        width = text_width(text, size, bold, self.lang)
        dx = {"left": 0.0, "center": 0.5, "right": 1.0}[ha] * width
        px, py = self.ax.transData.transform((x - dx, y))
        # The middle of digits and capitals sits about 0.36 em above the baseline.
        return px, py - 0.36 * size / 72.0 * px_per_in

    def draw(self, renderer):
        if not self.cells:
            return
        px_per_in = renderer.points_to_pixels(72.0)
        if isinstance(renderer, RendererAgg):
            self._draw_as_paths(renderer, px_per_in)
        else:
            self._draw_as_text(renderer, px_per_in)

    def _draw_as_text(self, renderer, px_per_in):
        gc = renderer.new_gc()
        # As Text.draw does: SVG counts y from the top, PDF from the bottom.
        height = renderer.get_canvas_width_height()[1] if renderer.flipy() else None
        css = self.css_fonts
        for x, y, text, ha, bold, size, color in self.cells:
            gc.set_foreground(color)
            px, py = self._anchor(x, y, text, ha, bold, size, px_per_in)
            if height is not None:
                py = height - py
            prop = _prop(bold, size, font_family(self.lang, text), css)
            renderer.draw_text(gc, px, py, text, prop, 0.0)
        gc.restore()

    def _draw_as_paths(self, renderer, px_per_in):
        by_colour = {}
        for x, y, text, ha, bold, size, color in self.cells:
            verts, codes = _glyph_path(text, bold, size, font_family(self.lang, text))
            if not len(verts):
                continue
            px, py = self._anchor(x, y, text, ha, bold, size, px_per_in)
            scale = size / 72.0 * px_per_in / text_to_path.FONT_SCALE
            parts = by_colour.setdefault(color, ([], []))
            parts[0].append(verts * scale + (px, py))
            parts[1].append(codes)
        for color, (verts, codes) in by_colour.items():
            gc = renderer.new_gc()
            gc.set_linewidth(0)
            path = Path(np.concatenate(verts), np.concatenate(codes))
            renderer.draw_path(gc, path, IdentityTransform(), to_rgba(color))
            gc.restore()


@functools.lru_cache(maxsize=32)
def _prop(bold, size, family, css=False):
    weight = "bold" if bold else "normal"
    names = list(family) + list(_CSS_FALLBACK) if css else list(family)
    return font_manager.FontProperties(family=names, weight=weight, size=size)


@functools.lru_cache(maxsize=8192)
def _glyph_path(text, bold, size, family):
    verts, codes = text_to_path.get_text_path(_prop(bold, size, family), text)
    return np.asarray(verts, dtype=float).reshape(-1, 2), np.asarray(codes, dtype=np.uint8)
