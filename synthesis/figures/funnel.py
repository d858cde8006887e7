"""Funnel plot: effect against its standard error (inverted), with pseudo 95% limits.

Studies are filled circles, trim-and-fill's imputed studies open circles; the vertical line is
the pooled estimate, the dashed funnel its pseudo 95% confidence limits (estimate ± 1.96·SE).
Ratio measures are drawn on a log axis with back-transformed tick labels. With k ≥ 10 the
caption carries Egger's test from the result (`regtest`), as the Cochrane Handbook advises
against the test with fewer studies.
"""

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from synthesis.stats.rma import Z975

from .common import FONT_SIZE, fmt_p, new_figure, render, text_props
from .forest import RATIO_MEASURES, measure_name, pooled_result

EGGER_MIN_K = 10
# Every word the plot draws; options["labels"] replaces them (pooled.py: the user's language).
LABELS = {
    "standard_error": "Standard error", "log_scale": "{} (log scale)",
    "egger": "Egger's test for funnel plot asymmetry: {stat}, {p}",
    "egger_few": "Egger's test not shown: fewer than {min_k} studies (k = {k})",
    "trimfill": "Trim and fill: {imputed}; adjusted estimate {estimate}",
    "imputed": "{k0} studies imputed on the {side} (open circles)",
    "none_imputed": "no studies imputed", "left": "left", "right": "right",
}  # fmt: skip


def funnel_data(result, with_trimfill=True):
    """The points of the plot on the analysis scale: {yi, sei, filled_yi, filled_sei, estimate}.

    Studies without an effect (a double-zero table) are left out. The centre is the pooled
    estimate; with trim-and-fill shown, the funnel is centred on the filled data's estimate,
    as metafor draws it.
    """
    pairs = [(y, v) for y, v in zip(result.get("yi") or [], result.get("vi") or [], strict=False)
             if y is not None and v is not None and v > 0]  # fmt: skip
    tf = result.get("trimfill") if with_trimfill else None
    filled = []
    if tf:
        filled = list(zip(tf.get("filled_yi") or [], tf.get("filled_vi") or [], strict=False))
    centre = tf["estimate"] if tf and filled else result["estimate"]
    return {
        "yi": [y for y, _ in pairs],
        "sei": [math.sqrt(v) for _, v in pairs],
        "filled_yi": [y for y, _ in filled],
        "filled_sei": [math.sqrt(v) for _, v in filled],
        "estimate": centre,
    }


def _caption(result, k, with_trimfill, decimals, ratio, lab):
    lines = []
    reg = result.get("regtest")
    if reg and reg.get("tval", reg.get("zval")) is None:
        reg = None  # the engine could not fit it (JSON null)
    if reg and k >= EGGER_MIN_K:
        stat = f"t = {reg['tval']:.2f}" if "tval" in reg else f"z = {reg['zval']:.2f}"
        lines.append(lab["egger"].format(stat=stat, p=fmt_p(reg["pval"])))
    elif reg is not None or k >= 3:
        lines.append(lab["egger_few"].format(min_k=EGGER_MIN_K, k=k))
    tf = result.get("trimfill")
    if with_trimfill and tf:
        back = math.exp if ratio else (lambda x: x)
        est = back(tf["estimate"])
        ci = ""
        if tf.get("ci_lb") is not None:
            ci = f" [{back(tf['ci_lb']):.{decimals}f}, {back(tf['ci_ub']):.{decimals}f}]"
        if tf.get("k0"):
            side = lab.get(tf["side"], tf["side"])
            what = lab["imputed"].format(k0=tf["k0"], side=side)
        else:
            what = lab["none_imputed"]
        lines.append(lab["trimfill"].format(imputed=what, estimate=f"{est:.{decimals}f}{ci}"))
    return lines


def funnel_plot(case, result, options=None, fmt="svg"):
    """The funnel plot of one pooled case as bytes (fmt: svg, png or pdf).

    options: title, xlabel, decimals (2), trimfill (True: show imputed studies), labels
    (overrides of LABELS), measure_names (overrides of forest's MEASURE_NAMES), lang ("en";
    "zh" adds a font with Chinese glyphs), dpi (150).
    """
    opts = dict(options or {})
    lab = dict(LABELS, **(opts.get("labels") or {}))
    result = pooled_result(result)
    measure = case["measure"]
    ratio = measure in RATIO_MEASURES
    with_tf = bool(opts.get("trimfill", True))
    pts = funnel_data(result, with_tf)
    k = len(pts["yi"])
    if k == 0:
        raise ValueError("no study has an effect size to plot")
    caption = _caption(result, k, with_tf, int(opts.get("decimals", 2)), ratio, lab)
    fig = new_figure(5.2, 4.4 + 0.17 * len(caption))
    bottom = (0.55 + 0.17 * len(caption)) / (4.4 + 0.17 * len(caption))
    ax = fig.add_axes((0.13, bottom, 0.82, 0.88 - bottom + 0.05))
    tr = np.exp if ratio else np.asarray

    all_se = pts["sei"] + pts["filled_sei"]
    se_max = max(all_se) * 1.08
    centre = pts["estimate"]
    se_grid = np.array([0.0, se_max])
    ax.plot(tr(centre - Z975 * se_grid), se_grid, ls="--", color="0.45", lw=0.8)
    ax.plot(tr(centre + Z975 * se_grid), se_grid, ls="--", color="0.45", lw=0.8)
    ax.axvline(tr(centre), color="black", lw=0.9)
    if with_tf and pts["filled_yi"]:
        ax.scatter(tr(np.array(pts["filled_yi"])), pts["filled_sei"], s=26, facecolors="white",
                   edgecolors="black", linewidths=0.8, zorder=3, gid="funnel-filled")  # fmt: skip
    ax.scatter(tr(np.array(pts["yi"])), pts["sei"], s=26, color="#1f5fbf", edgecolors="black",
               linewidths=0.5, zorder=4, gid="funnel-studies")  # fmt: skip
    ax.set_ylim(se_max, 0)
    _x_axis(ax, ratio, pts, centre, se_max, tr)
    lang = opts.get("lang", "en")
    ax.set_ylabel(lab["standard_error"], fontsize=FONT_SIZE + 1,
                  **text_props(lab["standard_error"], lang))  # fmt: skip
    name = measure_name(measure, opts)
    xlabel = opts.get("xlabel") or (lab["log_scale"].format(name) if ratio else name)
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE + 1, **text_props(xlabel, lang))
    ax.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if opts.get("title"):
        ax.set_title(opts["title"], fontsize=FONT_SIZE + 2, fontweight="bold", loc="left",
                     **text_props(opts["title"], lang))  # fmt: skip
    for j, line in enumerate(caption):
        fig.text(0.02, 0.02 + 0.17 * (len(caption) - 1 - j) / fig.get_figheight(), line,
                 fontsize=FONT_SIZE, va="bottom", **text_props(line, lang))  # fmt: skip
    return render(fig, fmt, dpi=opts.get("dpi", 150))


def _x_axis(ax, ratio, pts, centre, se_max, tr):
    """x limits that hold every point and the funnel's mouth, with a log axis for ratios."""
    ys = pts["yi"] + pts["filled_yi"]
    lo = min(min(ys), centre - Z975 * se_max)
    hi = max(max(ys), centre + Z975 * se_max)
    pad = 0.05 * (hi - lo or 1.0)
    ax.set_xlim(tr(lo - pad), tr(hi + pad))
    if ratio:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
