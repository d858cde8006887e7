"""Forest plot as RevMan draws it, from the engine's case spec and its result dict.

Rows: per study the data used, weight, effect with 95% CI as text and as a square (area by
weight) with its CI line; per subgroup a subtotal diamond with its heterogeneity and test
for the overall effect; the pooled diamond, the prediction interval, the heterogeneity and
overall-effect lines and the test for subgroup differences; a log axis for ratio measures.
Everything is laid out in inches on one axes, so long names and many studies only make the
figure wider or taller, never overlap.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import Polygon, Rectangle
from scipy.special import expit, ndtr

from synthesis.stats.rma import Z975
from synthesis.stats.transforms import (
    LOG_SCALE_MEASURES,
    harmonic_mean,
    inverse_arcsine,
    inverse_pft,
)

from .common import (
    FONT_SIZE,
    TextLayer,
    fmt_data,
    fmt_number,
    fmt_p,
    new_figure,
    render,
    text_width,
)

RATIO_MEASURES = LOG_SCALE_MEASURES  # drawn on a log axis and labelled exponentiated
PROPORTIONS = ("PLO", "PFT", "PR", "PAS")
NO_NULL = ("IRLN",)  # a single rate has no "no effect" value, so no line and no favours
MEASURE_NAMES = {
    "MD": "Mean Difference", "SMD": "Std. Mean Difference", "ROM": "Ratio of Means",
    "OR": "Odds Ratio", "RR": "Risk Ratio", "RD": "Risk Difference", "PETO": "Odds Ratio",
    "MC": "Mean Difference", "SMCR": "Std. Mean Change", "SMCC": "Std. Mean Change",
    "PLO": "Proportion", "PFT": "Proportion", "PR": "Proportion", "PAS": "Proportion",
    "IRR": "Rate Ratio", "IRLN": "Rate", "ZCOR": "Correlation", "GEN": "Effect",
}  # fmt: skip
# Every word the plot draws; options["labels"] replaces them (pooled.py: the user's language).
# Statistical symbols (Tau², Chi², df, I², P, Z, t, CI, IV, M-H) stay as RevMan prints them.
LABELS = {
    "study": "Study or Subgroup", "weight": "Weight", "total": "Total (95% CI)",
    "subtotal": "Subtotal (95% CI)", "total_events": "Total events", "pi": "Prediction interval",
    "not_estimable": "Not estimable", "not_applicable": "Not applicable",
    "heterogeneity": "Heterogeneity", "overall": "Test for overall effect",
    "subgroup_diff": "Test for subgroup differences", "favours": "Favours {}",
    "experimental": "Experimental", "control": "Control", "follow_up": "Follow-up",
    "baseline": "Baseline", "mean": "Mean", "sd": "SD", "n": "Total", "events": "Events",
    "time": "Person-time", "r": "r", "effect": "Effect", "se": "SE", "random": "Random",
    "fixed": "Fixed", "study_n": "Study {}",
}  # fmt: skip

ROW_H = 0.19  # inches per table row at 8 pt
PAD = 0.14  # between columns
MARGIN = 0.12
PLOT_W = 2.3
NAME_CHARS = 42


@dataclass
class Row:
    kind: str  # heading, study, subtotal, total, pi, events, note, blank
    cells: dict = field(default_factory=dict)
    label: str = ""
    bold: bool = False
    est: tuple | None = None  # (estimate, lb, ub) on the reporting scale
    weight: float | None = None


# ---------------------------------------------------------------- scales


def _scale(measure):
    if measure in RATIO_MEASURES:
        return "log"
    if measure in PROPORTIONS:
        return "proportion"
    return "linear"


def _report(measure, values, n=None):
    """Analysis-scale values on the reporting scale (n: sample size for Freeman-Tukey)."""
    v = np.asarray(values, dtype=float)
    if measure in RATIO_MEASURES:
        return np.exp(v)
    if measure == "PLO":
        return expit(v)
    if measure == "PFT":
        return inverse_pft(v, n)
    if measure == "PAS":
        return inverse_arcsine(v)
    if measure == "ZCOR":
        return np.tanh(v)
    return v


def _pooled_triplet(measure, res, n=None, back=None):
    """(estimate, lb, ub) of a pooled result on the reporting scale."""
    if back is not None and "pred" in back:
        return back["pred"], back["ci_lb"], back["ci_ub"]
    hm = harmonic_mean(n) if measure == "PFT" else None
    vals = _report(measure, [res["estimate"], res["ci_lb"], res["ci_ub"]], hm)
    return tuple(float(x) for x in vals)


# ---------------------------------------------------------------- columns


def _column_spec(measure, lab, headings):
    """[(group heading, [(data key or callable, column heading)])] for the data columns."""
    exp_h = headings.get("experimental", lab["experimental"])
    ctl_h = headings.get("control", lab["control"])
    if measure in ("MD", "SMD", "ROM"):
        arm = lambda i: [(f"m{i}i", lab["mean"]), (f"sd{i}i", lab["sd"]), (f"n{i}i", lab["n"])]  # noqa: E731
        return [(exp_h, arm(1)), (ctl_h, arm(2))]
    if measure in ("MC", "SMCR", "SMCC"):
        fu = headings.get("experimental", lab["follow_up"])
        bl = headings.get("control", lab["baseline"])
        return [
            (fu, [("m1i", lab["mean"]), ("sd1i", lab["sd"]), ("ni", lab["n"])]),
            (bl, [("m2i", lab["mean"]), ("sd2i", lab["sd"]), ("ni", lab["n"])]),
        ]
    if measure in ("OR", "RR", "RD", "PETO"):
        return [
            (exp_h, [("ai", lab["events"]), ("n1i", lab["n"])]),
            (ctl_h, [("ci", lab["events"]), ("n2i", lab["n"])]),
        ]
    if measure == "IRR":
        return [
            (exp_h, [("x1i", lab["events"]), ("t1i", lab["time"])]),
            (ctl_h, [("x2i", lab["events"]), ("t2i", lab["time"])]),
        ]
    if measure in PROPORTIONS:
        return [("", [("xi", lab["events"]), ("ni", lab["n"])])]
    if measure == "IRLN":
        return [("", [("xi", lab["events"]), ("ti", lab["time"])])]
    if measure == "ZCOR":
        return [("", [("ri", lab["r"]), ("ni", lab["n"])])]
    return [("", [("yi", lab["effect"]), ("sei", lab["se"])])]


def _data_columns(case):
    """Data columns with the derived totals (n1i = ai + bi, sei = √vi) filled in."""
    data = dict(case.get("data") or {})
    k = len(next((v for v in data.values() if isinstance(v, list)), []))

    def col(key):
        val = data.get(key)
        return val if isinstance(val, list) else [val] * k

    if "n1i" not in data and "ai" in data:
        data["n1i"] = [_add(a, b) for a, b in zip(col("ai"), col("bi"), strict=False)]
        data["n2i"] = [_add(c, d) for c, d in zip(col("ci"), col("di"), strict=False)]
    if "sei" not in data and "vi" in data:
        data["sei"] = [None if v is None else math.sqrt(v) for v in col("vi")]
    return {key: col(key) for key in data}, k


def _add(a, b):
    return None if a is None or b is None else a + b


def _sum(values):
    vals = [v for v in values if isinstance(v, int | float)]
    return sum(vals) if vals else None


# ---------------------------------------------------------------- text


def _het_text(res, lab, fe):
    k = res.get("k_used", res.get("k", 1))
    df = k - 1
    if df < 1 or res.get("QE") is None:
        return f"{lab['heterogeneity']}: {lab['not_applicable']}"
    parts = []
    if not fe:
        parts.append(f"Tau\u00b2 = {res.get('tau2') or 0.0:.2f}")
    chi = f"Chi\u00b2 = {res['QE']:.2f}, df = {df} ({fmt_p(res.get('QEp'))})"
    parts.append(chi)
    i2 = res.get("I2")
    parts.append(f"I\u00b2 = {0 if i2 is None else round(i2):.0f}%")
    return f"{lab['heterogeneity']}: " + "; ".join(parts)


def _overall_text(res, lab):
    if "tval" in res:
        stat = f"t = {abs(res['tval']):.2f}, df = {res['df']}"
        return f"{lab['overall']}: {stat} ({fmt_p(res['pval'])})"
    z = res.get("zval")
    if z is None:
        return f"{lab['overall']}: {lab['not_applicable']}"
    return f"{lab['overall']}: Z = {abs(z):.2f} ({fmt_p(res['pval'])})"


def _subgroup_text(result, lab):
    qb, df = result["Qb"], result.get("Qb_df", 1)
    i2 = max(0.0, 100.0 * (qb - df) / qb) if qb > 0 else 0.0
    return (
        f"{lab['subgroup_diff']}: Chi\u00b2 = {qb:.2f}, df = {df} ({fmt_p(result.get('Qbp'))}), "
        f"I\u00b2 = {i2:.1f}%"
    )


def _method_line(case, lab):
    method = case.get("method", "REML")
    if method == "MH":
        return f"M-H, {lab['fixed']}, 95% CI"
    if method == "PETO":
        return f"Peto, {lab['fixed']}, 95% CI"
    if method in ("FE", "EE", "CE"):
        return f"IV, {lab['fixed']}, 95% CI"
    return f"IV, {lab['random']}, 95% CI"


def _effect_text(est, d):
    if est is None:
        return ""
    e, lo, hi = est
    return f"{fmt_number(e, d)} [{fmt_number(lo, d)}, {fmt_number(hi, d)}]"


# ---------------------------------------------------------------- rows


def _column_ids(spec):
    """(column id, data key) for every data column; the same key may show in two arms."""
    return [(f"{g}:{key}", key) for g, (_, columns) in enumerate(spec) for key, _ in columns]


def _cell(cols, key, i):
    col = cols.get(key)
    return fmt_data(col[i]) if col is not None and i < len(col) else ""


def _totals(idx, cols, spec):
    """Summed 'Total' (and events) cells of a block of studies."""
    cells, events = {}, {}
    for cid, key in _column_ids(spec):
        col = cols.get(key) or []
        vals = [col[i] for i in idx if i < len(col)]
        if key in ("n1i", "n2i", "ni", "t1i", "t2i", "ti"):
            cells[cid] = fmt_data(_sum(vals))
        if key in ("ai", "ci", "xi", "x1i", "x2i"):
            events[cid] = fmt_data(_sum(vals))
    return cells, events


def _pooled_rows(kind, label, res, est, weight, cells, events, lab, d, fe, pi=None):
    cells = dict(cells)
    cells["weight"] = "" if weight is None else f"{weight:.1f}%"
    cells["effect"] = _effect_text(est, d)
    rows = [Row(kind, cells, label, bold=True, est=est)]
    if pi is not None:
        text = f"[{fmt_number(pi[0], d)}, {fmt_number(pi[1], d)}]"
        rows.append(Row("pi", {"effect": text}, lab["pi"], est=(None, *pi)))
    if events:
        rows.append(Row("events", dict(events), lab["total_events"]))
    rows.append(Row("note", label=_het_text(res, lab, fe)))
    rows.append(Row("note", label=_overall_text(res, lab)))
    return rows


def _level_result(result, level, idx, yi, vi):
    """A level's pooled result; a one-study level is that study (no heterogeneity)."""
    res = (result.get("subgroups") or {}).get(level)
    if res is not None:
        return dict(res, k_used=sum(yi[i] is not None for i in idx))
    i = next((i for i in idx if yi[i] is not None), None)
    if i is None:
        return None
    se = math.sqrt(vi[i])
    z = yi[i] / se
    return {
        "k": 1, "estimate": yi[i], "se": se, "ci_lb": yi[i] - Z975 * se,
        "ci_ub": yi[i] + Z975 * se, "zval": z, "pval": float(2 * ndtr(-abs(z))),
    }  # fmt: skip


@dataclass
class _Table:
    """What every row builder needs: the case's data, the result's effects, the options."""

    measure: str
    fe: bool
    decimals: int
    lab: dict
    cols: dict
    labels: list
    yi: list
    vi: list
    shown: list  # per study (estimate, (lb, ub)) on the reporting scale, or None
    weights: list | None
    spec: list
    n_pft: list | None  # sample sizes for the Freeman-Tukey inverse

    def study_rows(self, idx):
        rows = []
        for i in idx:
            name = self.labels[i]
            if len(name) > NAME_CHARS:
                name = name[: NAME_CHARS - 1] + "\u2026"
            cells = {cid: _cell(self.cols, key, i) for cid, key in _column_ids(self.spec)}
            est = None if self.shown[i] is None else (self.shown[i][0], *self.shown[i][1])
            w = self.weights[i] if self.weights is not None else None
            cells["weight"] = "" if w is None or est is None else f"{w:.1f}%"
            cells["effect"] = (self.lab["not_estimable"] if est is None
                               else _effect_text(est, self.decimals))  # fmt: skip
            rows.append(Row("study", cells, name, est=est, weight=w))
        return rows

    def pooled_rows(self, kind, res, idx, weight, pi=None, back=None):
        n = [self.n_pft[i] for i in idx] if self.n_pft else None
        est = _pooled_triplet(self.measure, res, n, back)
        cells, events = _totals(idx, self.cols, self.spec)
        label = self.lab["total" if kind == "total" else "subtotal"]
        return _pooled_rows(kind, label, res, est, weight, cells, events, self.lab,
                            self.decimals, self.fe, pi)  # fmt: skip


def _shown_effects(measure, yi, vi, n_pft):
    """Each study's effect and z-based 95% CI on the reporting scale (None if not estimable)."""
    out = []
    for i, (y, v) in enumerate(zip(yi, vi, strict=True)):
        if y is None or v is None:
            out.append(None)
            continue
        half = Z975 * math.sqrt(v)
        vals = _report(measure, [y, y - half, y + half], n_pft[i] if n_pft else None)
        out.append((float(vals[0]), (float(vals[1]), float(vals[2]))))
    return out


def _table(case, result, opts, lab):
    measure = case["measure"]
    cols, k = _data_columns(case)
    given = list(case.get("data", {}).get("study") or [])
    labels = [lab["study_n"].format(i + 1) if i >= len(given) or given[i] in (None, "")
              else str(given[i]) for i in range(k)]  # fmt: skip
    yi, vi = result.get("yi") or [None] * k, result.get("vi") or [None] * k
    n_pft = cols.get("ni") if measure == "PFT" else None
    return _Table(
        measure=measure, fe=case.get("method", "REML") in ("FE", "EE", "CE", "MH", "PETO"),
        decimals=int(opts.get("decimals", 2)), lab=lab, cols=cols, labels=labels, yi=yi, vi=vi,
        shown=_shown_effects(measure, yi, vi, n_pft), weights=result.get("weights_percent"),
        spec=_column_spec(measure, lab, opts.get("headings", {})), n_pft=n_pft,
    )  # fmt: skip


def _prediction_interval(t, result, opts):
    if not opts.get("prediction_interval", True) or result.get("pi_lb") is None:
        return None
    if len(t.yi) < 2:
        return None
    back = result.get("back_transformed") or {}
    if "pi_lb" in back:
        return back["pi_lb"], back["pi_ub"]
    n = harmonic_mean(t.n_pft) if t.n_pft else None
    lo, hi = _report(t.measure, [result["pi_lb"], result["pi_ub"]], n)
    return float(lo), float(hi)


def _subgroup_rows(t, result, groups):
    rows = []
    order = {}
    for i, g in enumerate(groups):
        order.setdefault(str(g), []).append(i)
    for level, idx in order.items():
        rows.append(Row("heading", label=level, bold=True))
        rows += t.study_rows(idx)
        res = _level_result(result, level, idx, t.yi, t.vi)
        if res is None:
            cells = {"effect": t.lab["not_estimable"]}
            rows.append(Row("subtotal", cells, t.lab["subtotal"], bold=True))
        else:
            w = sum(t.weights[i] for i in idx) if t.weights else None
            rows += t.pooled_rows("subtotal", res, idx, w)
        rows.append(Row("blank"))
    return rows


def _build_rows(case, result, opts, lab):
    t = _table(case, result, opts, lab)
    k = len(t.yi)
    groups = case.get("subgroup")
    rows = _subgroup_rows(t, result, groups) if groups else t.study_rows(range(k)) + [Row("blank")]
    res = dict(result, k_used=sum(y is not None for y in t.yi))
    pi = _prediction_interval(t, result, opts)
    weight = 100.0 if t.weights else None
    total = t.pooled_rows("total", res, range(k), weight, pi, result.get("back_transformed"))
    n_plot = sum(r.kind != "note" for r in total)
    notes = total[n_plot:]
    if groups and result.get("Qb") is not None:
        notes.append(Row("note", label=_subgroup_text(result, lab)))
    return rows + total[:n_plot], notes, t.spec


# ---------------------------------------------------------------- axis


def _nice_up(x):
    """The smallest of 1, 2, 2.5, 5 × 10^n that is at least x."""
    if x <= 0 or not math.isfinite(x):
        return 1.0
    exp10 = 10.0 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * exp10 >= x * (1 - 1e-12):
            return m * exp10
    return 10.0 * exp10


LOG_TICKS = {
    2: [0.5, 0.7, 1, 1.5, 2], 5: [0.2, 0.5, 1, 2, 5], 10: [0.1, 0.2, 0.5, 1, 2, 5, 10],
    20: [0.05, 0.2, 1, 5, 20], 50: [0.02, 0.1, 1, 10, 50], 100: [0.01, 0.1, 1, 10, 100],
    200: [0.005, 0.1, 1, 10, 200], 500: [0.002, 0.1, 1, 10, 500],
    1000: [0.001, 0.1, 1, 10, 1000],
}  # fmt: skip


def _axis(scale, values, xlim=None):
    """(lo, hi, ticks, null) of the plot axis on the reporting scale."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    if scale == "log":
        vals = [v for v in vals if v > 0]
        if xlim:
            lo, hi = xlim
            return lo, hi, [t for t in sorted({lo, 1.0, hi}) if lo <= t <= hi], 1.0
        span = max([abs(math.log(v)) for v in vals] + [math.log(1.5)])
        c = next((c for c in LOG_TICKS if math.log(c) >= span * (1 - 1e-9)), 1000)
        return 1.0 / c, float(c), LOG_TICKS[c], 1.0
    if scale == "proportion":
        lo, hi = xlim or (0.0, 1.0)
        if not xlim and vals:
            lo = max(0.0, math.floor(min(vals) * 5) / 5)
            hi = min(1.0, math.ceil(max(vals) * 5) / 5)
            hi = hi if hi > lo else min(1.0, lo + 0.2)
        step = _nice_up((hi - lo) / 5)
        ticks = list(np.round(np.arange(lo, hi + step / 2, step), 10))
        return lo, hi, ticks, None
    if xlim:
        lo, hi = xlim
        return lo, hi, sorted({lo, 0.0, hi} if lo < 0 < hi else {lo, hi}), 0.0
    span = _nice_up(max([abs(v) for v in vals] + [1e-12]))
    return -span, span, [-span, -span / 2, 0.0, span / 2, span], 0.0


def _tick_label(t):
    return f"{t:g}"


# ---------------------------------------------------------------- drawing


@dataclass
class _Layout:
    x: dict  # column key -> (x position, alignment)
    group_x: list  # (centre, heading) for arm group headings
    plot: tuple  # (x0, x1)
    width: float


def _layout(rows, notes, spec, lab, title_lines, eff_head, lang):
    def widest(texts, bold=False):
        return max([text_width(t, FONT_SIZE, bold, lang) for t in texts if t] + [0.0])

    x = MARGIN
    pos = {}
    name_w = max(
        widest([lab["study"]], bold=True),
        widest([r.label for r in rows if not r.bold and r.kind not in ("note",)]),
        widest([r.label for r in rows if r.bold], bold=True),
    )
    pos["label"] = (x, "left")
    x += name_w + PAD
    group_x = []
    for g, (heading, columns) in enumerate(spec):
        start = x
        for key, head in columns:
            cid = f"{g}:{key}"
            w = max(widest([head], True), widest([r.cells.get(cid, "") for r in rows]),
                    widest([r.cells.get(cid, "") for r in rows if r.bold], True))  # fmt: skip
            pos[cid] = (x + w, "right")
            x += w + PAD
        gw = widest([heading], True)
        if gw > x - PAD - start:  # a long arm heading widens its last column
            x = start + gw + PAD
        group_x.append(((start + x - PAD) / 2, heading))
    w = max(widest([lab["weight"]]), widest([r.cells.get("weight", "") for r in rows], True))
    pos["weight"] = (x + w, "right")
    x += w + PAD * 1.5
    w = max(widest(eff_head, True), widest([r.cells.get("effect", "") for r in rows], True))
    pos["effect"] = (x + w / 2, "center")
    x += w + PAD * 1.5
    notes_w = widest([r.label for r in rows if r.kind == "note"])
    x = max(x, MARGIN + notes_w + PAD)
    plot = (x, x + PLOT_W)
    foot_w = widest([r.label for r in notes])
    width = max(plot[1] + MARGIN, MARGIN + foot_w + MARGIN, widest(title_lines, True) + 2 * MARGIN)
    return _Layout(pos, group_x, plot, width)


def _mapper(scale, lo, hi, x0, x1):
    if scale == "log":
        a, b = math.log(lo), math.log(hi)
        return lambda v: x0 + (math.log(v) - a) / (b - a) * (x1 - x0) if v > 0 else -math.inf
    return lambda v: x0 + (v - lo) / (hi - lo) * (x1 - x0)


def _favours(opts, lab, spec):
    """(left label, right label): direction says which side favours the experimental arm."""
    fav = opts.get("favours") or {}
    names = [spec[0][0] or lab["experimental"], spec[-1][0] if len(spec) > 1 else lab["control"]]
    exp_name = fav.get("experimental", names[0])
    ctl_name = fav.get("control", names[1])
    fmt = lambda s: s if s.lower().startswith("favours") else lab["favours"].format(s)  # noqa: E731
    exp_lab, ctl_lab = fmt(exp_name), fmt(ctl_name)
    direction = opts.get("direction", "lower")
    if direction not in ("lower", "higher"):
        raise ValueError('display option "direction" must be "lower" or "higher"')
    return (exp_lab, ctl_lab) if direction == "lower" else (ctl_lab, exp_lab)


def pooled_result(result):
    """The result dict inside a run_case answer; ValueError when there is no pooled effect."""
    if "error" in result and "result" not in result:
        raise ValueError(f"the analysis has no result to plot: {result['error']}")
    result = result.get("result", result)
    if result.get("estimate") is None:
        raise ValueError(
            "the result has no pooled estimate (a meta-regression?); forest and funnel plots "
            "need a pooled, intercept-only analysis"
        )
    return result


def measure_name(measure, opts):
    """The measure's name as the axis and column heading say it (options["measure_names"])."""
    names = opts.get("measure_names") or {}
    return names.get(measure) or MEASURE_NAMES.get(measure, measure)


def forest_rows(case, result, options=None):
    """The table behind the plot: (rows, footnotes) of Row, in drawing order.

    Also what a page can show as an HTML table next to the figure.
    """
    opts = dict(options or {})
    lab = dict(LABELS, **(opts.get("labels") or {}))
    rows, notes, _ = _build_rows(case, pooled_result(result), opts, lab)
    return rows, notes


def forest_plot(case, result, options=None, fmt="svg"):
    """The forest plot of one pooled case as bytes (fmt: svg, png or pdf).

    case: the engine's case spec (measure, data with optional "study" labels, method, test,
    subgroup). result: the engine's result dict for it (pool_case, or run_case's "result").
    options: title, headings {experimental, control}, favours {experimental, control},
    direction ("lower": effects below the null favour the experimental arm; "higher"),
    decimals (2), effect_label, xlim (reporting scale), prediction_interval (True), labels
    (overrides of the fixed English strings in LABELS), measure_names (overrides of
    MEASURE_NAMES), lang ("en"; "zh" adds a font with Chinese glyphs to every text, as
    common.font_family does for any text with characters ours lacks), dpi (150, PNG).
    """
    opts = dict(options or {})
    result = pooled_result(result)
    lab = dict(LABELS, **(opts.get("labels") or {}))
    measure = case["measure"]
    scale = _scale(measure)
    rows, notes, spec = _build_rows(case, result, opts, lab)
    eff_head = [opts.get("effect_label") or measure_name(measure, opts),
                _method_line(case, lab)]  # fmt: skip
    title_lines = [opts["title"]] if opts.get("title") else []
    lang = opts.get("lang", "en")
    lay = _layout(rows, notes, spec, lab, title_lines, eff_head, lang)
    values = []
    for r in rows:
        if r.est is not None:
            values += [v for v in r.est[1:]]
    lo, hi, ticks, null = _axis(scale, values, opts.get("xlim"))
    if measure in NO_NULL or (null is not None and not lo < null < hi):
        null = None  # no line, and no sides to favour, when the null is off the axis
    xmap = _mapper(scale, lo, hi, *lay.plot)

    top = MARGIN + len(title_lines) * ROW_H * 1.4
    head_y = top + ROW_H * 0.5
    first_row = head_y + ROW_H * 2.1
    axis_y = first_row + ROW_H * len(rows) + ROW_H * 0.2
    fav = None if null is None else _favours(opts, lab, spec)
    height = max(axis_y + ROW_H * (0.9 + (fav is not None) * 1.0),
                 axis_y + ROW_H * (len(notes) + 0.3)) + MARGIN  # fmt: skip
    fig = new_figure(lay.width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    layer = TextLayer(ax, lang)
    ax.add_artist(layer)
    text = _texter(layer)

    if title_lines:
        text(MARGIN, MARGIN + ROW_H * 0.5, title_lines[0], fontweight="bold", fontsize=9)
    _draw_header(text, lay, spec, lab, eff_head, head_y)
    ax.plot([MARGIN, lay.width - MARGIN], [first_row - ROW_H * 0.55] * 2, lw=0.6, color="0.55")
    colour = "#1f5fbf" if measure in ("OR", "RR", "RD", "PETO", "IRR") else "#2e8b57"
    _draw_rows(ax, text, rows, lay, xmap, lo, hi, first_row, colour)
    _draw_axis(ax, text, lay, xmap, ticks, null, axis_y, first_row, fav)
    for j, r in enumerate(notes):
        text(MARGIN, axis_y + ROW_H * (j + 0.3), r.label)
    return render(fig, fmt, dpi=opts.get("dpi", 150))


def _texter(layer):
    """text(x, y, s, ha=, fontweight=, fontsize=) onto one TextLayer (centred on y)."""

    def text(x, y, s, ha="left", fontweight="normal", fontsize=FONT_SIZE):
        layer.add(x, y, s, ha=ha, bold=fontweight == "bold", size=fontsize)

    return text


def _draw_header(text, lay, spec, lab, eff_head, y):
    for centre, heading in lay.group_x:
        if heading:
            text(centre, y, heading, ha="center", fontweight="bold")
    y2 = y + ROW_H
    text(lay.x["label"][0], y2, lab["study"], fontweight="bold")
    for g, (_, columns) in enumerate(spec):
        for key, head in columns:
            text(lay.x[f"{g}:{key}"][0], y2, head, ha="right", fontweight="bold")
    text(lay.x["weight"][0], y2, lab["weight"], ha="right", fontweight="bold")
    for x in (lay.x["effect"][0], sum(lay.plot) / 2):
        text(x, y, eff_head[0], ha="center", fontweight="bold")
        text(x, y2, eff_head[1], ha="center", fontweight="bold")


def _draw_rows(ax, text, rows, lay, xmap, lo, hi, y0, colour):
    x0, x1 = lay.plot
    weights = [r.weight for r in rows if r.kind == "study" and r.est and r.weight is not None]
    # Area by weight, the heaviest study largest; many light studies stay small (20% floor).
    wmax = max(weights + [20.0])
    squares, lines, arrows = [], [], []
    for j, r in enumerate(rows):
        y = y0 + j * ROW_H
        weight = "bold" if r.bold else "normal"
        if r.kind == "note":
            text(lay.x["label"][0], y, r.label)
            continue
        if r.label:
            text(lay.x["label"][0], y, r.label, fontweight=weight)
        for key, val in r.cells.items():
            if val and key in lay.x:
                xpos, align = lay.x[key]
                text(xpos, y, val, ha=align, fontweight=weight)
        if r.est is None:
            continue
        est, elo, ehi = r.est
        if r.kind == "study":
            _ci_line(xmap, elo, ehi, lo, hi, x0, x1, y, lines, arrows)
            if lo <= est <= hi:
                side = 0.045 + 0.115 * math.sqrt(max(r.weight or 0.0, 0.0) / wmax)
                cx, h = xmap(est), side / 2
                squares.append([(cx - h, y - h), (cx + h, y - h), (cx + h, y + h), (cx - h, y + h)])
        elif r.kind in ("subtotal", "total"):
            pts = [(max(x0, min(x1, xmap(v))), y + dy) for v, dy in
                   ((elo, 0), (est, -0.07), (ehi, 0), (est, 0.07))]  # fmt: skip
            ax.add_patch(Polygon(pts, closed=True, facecolor="black", edgecolor="black", lw=0.5))
        elif r.kind == "pi":
            a, b = max(x0, xmap(elo)), min(x1, xmap(ehi))
            ax.add_patch(Rectangle((a, y - 0.03), b - a, 0.06, facecolor="0.35", edgecolor="none"))
    if lines:
        ax.add_collection(LineCollection(lines, colors="black", linewidths=0.8))
    if squares:
        ax.add_collection(PolyCollection(squares, facecolors=colour, edgecolors=colour, lw=0.3))
    if arrows:
        ax.add_collection(PolyCollection(arrows, facecolors="black", edgecolors="black", lw=0.3))


def _ci_line(xmap, elo, ehi, lo, hi, x0, x1, y, lines, arrows):
    """A study's CI line clipped to the axis, with an arrowhead where it runs off."""
    if ehi < lo or elo > hi:
        a, b = (x0, x0 + 0.12) if ehi < lo else (x1 - 0.12, x1)
    else:
        a, b = max(x0, xmap(elo)), min(x1, xmap(ehi))
    lines.append([(a, y), (b, y)])
    if elo < lo:
        arrows.append([(x0, y), (x0 + 0.07, y - 0.035), (x0 + 0.07, y + 0.035)])
    if ehi > hi:
        arrows.append([(x1, y), (x1 - 0.07, y - 0.035), (x1 - 0.07, y + 0.035)])


def _draw_axis(ax, text, lay, xmap, ticks, null, y, first_row, fav):
    x0, x1 = lay.plot
    segs = [[(x0, y), (x1, y)]]
    for t in ticks:
        segs.append([(xmap(t), y), (xmap(t), y + 0.05)])
        text(xmap(t), y + 0.14, _tick_label(t), ha="center", fontsize=FONT_SIZE - 0.5)
    if null is not None:
        segs.append([(xmap(null), first_row - ROW_H * 0.5), (xmap(null), y)])
    ax.add_collection(LineCollection(segs, colors="black", linewidths=0.7))
    if fav is not None:
        xn = xmap(null)
        text((x0 + xn) / 2, y + 0.34, fav[0], ha="center", fontsize=FONT_SIZE - 0.5)
        text((xn + x1) / 2, y + 0.34, fav[1], ha="center", fontsize=FONT_SIZE - 0.5)
