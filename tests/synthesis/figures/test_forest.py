"""Forest plots drawn from the engine's own results: formats, content, layout rules."""

import math
import re

import numpy as np
import pytest

from synthesis.figures.common import text_width
from synthesis.figures.forest import forest_plot, forest_rows
from synthesis.stats.engine import pool_case
from tests.synthesis.figures import svgtext

STUDIES = ["Granel 2015", "Keyszer 2011", "Park 2020", "Wang 2013", "Zhang 2017",
           "Almadori 2019", "Blezien 2017", "Christopher 2020", "Daumas 2017"]  # fmt: skip
# Single-arm before/after (follow-up m1i, baseline m2i), as the reference review's mRSS.
MC_CASE = {
    "measure": "MC", "method": "REML",
    "data": {"study": STUDIES,
             "m1i": [19.6, 22.3, 13.9, 16.0, 12.1, 14.2, 10.1, 18.5, 12.0],
             "sd1i": [8.1, 9.0, 6.2, 7.5, 5.0, 6.1, 4.2, 7.0, 5.5],
             "m2i": [24.1, 30.0, 18.8, 22.5, 18.4, 19.8, 14.3, 22.9, 17.1],
             "sd2i": [8.8, 10.1, 6.9, 8.0, 5.9, 6.8, 5.0, 7.7, 6.2],
             "ni": [12, 3, 18, 5, 14, 62, 7, 12, 10], "ri": [0.5] * 9},
}  # fmt: skip
OR_CASE = {
    "measure": "OR", "method": "MH",
    "data": {"study": ["Aronson 1948", "Ferguson & Simes 1949", "Rosenthal 1960", "Hart 1977"],
             "ai": [4, 6, 3, 62], "bi": [119, 300, 228, 13536],
             "ci": [11, 29, 11, 248], "di": [128, 274, 209, 12619]},
}  # fmt: skip


def _ci(est, lb, ub, d=2):
    return f"{est:.{d}f} [{lb:.{d}f}, {ub:.{d}f}]"


@pytest.fixture(scope="module")
def mc():
    return MC_CASE, pool_case(MC_CASE)


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG\r\n\x1a\n"),
                                            ("pdf", b"%PDF-")])  # fmt: skip
def test_each_format_gives_valid_bytes(mc, fmt, magic):
    out = forest_plot(*mc, fmt=fmt)
    assert out.startswith(magic) and len(out) > 1000
    if fmt == "svg":
        svgtext.parse(out)  # well-formed XML


def test_an_unknown_format_is_refused(mc):
    with pytest.raises(ValueError, match="format"):
        forest_plot(*mc, fmt="gif")


def test_the_svg_names_every_study_and_the_pooled_result_as_computed(mc):
    case, res = mc
    texts = [t for t, _, _ in svgtext.texts(forest_plot(case, res))]
    for name in STUDIES:
        assert name in texts
    assert _ci(res["estimate"], res["ci_lb"], res["ci_ub"]) in texts
    assert f"[{res['pi_lb']:.2f}, {res['pi_ub']:.2f}]" in texts
    het = next(t for t in texts if t.startswith("Heterogeneity"))
    assert f"Tau\u00b2 = {res['tau2']:.2f}" in het and f"Chi\u00b2 = {res['QE']:.2f}, df = 8" in het
    overall = next(t for t in texts if t.startswith("Test for overall"))
    assert f"Z = {abs(res['zval']):.2f}" in overall
    # the single-arm data columns: follow-up and baseline mean, SD and n of the first study
    assert {"19.6", "8.1", "24.1", "8.8", "12"} <= set(texts)


def test_study_weights_sum_to_100_and_match_the_engine(mc):
    case, res = mc
    rows, _ = forest_rows(case, res)
    study = [r for r in rows if r.kind == "study"]
    assert len(study) == 9
    assert sum(r.weight for r in study) == pytest.approx(100.0)
    assert [r.cells["weight"] for r in study] == [f"{w:.1f}%" for w in res["weights_percent"]]
    total = next(r for r in rows if r.kind == "total")
    assert total.cells["weight"] == "100.0%"


def test_a_subgroup_plot_has_one_subtotal_per_level_with_its_own_pooled_result():
    groups = ["SVF", "BMSCs", "SVF", "UC-MSCs", "UC-MSCs", "ADSCs", "ADSCs", "ADSCs", "ADSCs"]
    case = dict(MC_CASE, subgroup=groups)
    res = pool_case(case)
    rows, notes = forest_rows(case, res)
    subtotals = [r for r in rows if r.kind == "subtotal"]
    assert len(subtotals) == 4 == sum(r.kind == "heading" for r in rows)
    svf = res["subgroups"]["SVF"]
    assert subtotals[0].cells["effect"] == _ci(svf["estimate"], svf["ci_lb"], svf["ci_ub"])
    # a one-study level (BMSCs) is that study, with heterogeneity not applicable
    assert subtotals[1].est == next(r.est for r in rows if r.label == "Keyszer 2011")
    texts = [t for t, _, _ in svgtext.texts(forest_plot(case, res))]
    assert texts.count("Subtotal (95% CI)") == 4
    assert "Heterogeneity: Not applicable" in texts
    diff = next(t for t in texts if t.startswith("Test for subgroup differences"))
    assert f"Chi\u00b2 = {res['Qb']:.2f}, df = 3" in diff and diff == notes[-1].label


def test_favours_labels_follow_the_direction(mc):
    case, res = mc
    fav = {"experimental": "MSCs", "control": "baseline"}

    def left_to_right(direction):
        texts = svgtext.texts(forest_plot(case, res, {"favours": fav, "direction": direction}))
        found = sorted((x, t) for t, x, _ in texts if t.startswith("Favours"))
        return [t for _, t in found]

    assert left_to_right("lower") == ["Favours MSCs", "Favours baseline"]
    assert left_to_right("higher") == ["Favours baseline", "Favours MSCs"]
    with pytest.raises(ValueError, match="direction"):
        forest_plot(case, res, {"direction": "up"})


def test_ratio_measures_are_back_transformed_on_a_log_axis():
    res = pool_case(OR_CASE)
    texts = svgtext.texts(forest_plot(OR_CASE, res))
    words = [t for t, _, _ in texts]
    assert _ci(*(math.exp(res[k]) for k in ("estimate", "ci_lb", "ci_ub"))) in words
    yi, vi = res["yi"][0], res["vi"][0]
    half = 1.959964 * math.sqrt(vi)
    assert _ci(math.exp(yi), math.exp(yi - half), math.exp(yi + half)) in words
    assert {"Events", "Total events", "Odds Ratio", "M-H, Fixed, 95% CI"} <= set(words)
    # log axis: 1 sits halfway between reciprocal limits (e.g. 0.1 and 10)
    tick_y = max(y for t, _, y in texts if t == "1")
    ticks = {t: x + text_width(t, 7.5) * 36 for t, x, y in texts  # centre of each tick label
             if re.fullmatch(r"[\d.]+", t) and y == tick_y}  # fmt: skip
    lo, hi = min(ticks, key=float), max(ticks, key=float)
    assert float(lo) * float(hi) == pytest.approx(1.0)
    assert ticks["1"] == pytest.approx((ticks[lo] + ticks[hi]) / 2, abs=0.5)


def test_proportions_are_back_transformed():
    case = {"measure": "PLO", "method": "REML",
            "data": {"xi": [3, 10, 7, 0], "ni": [20, 40, 30, 15]}}  # fmt: skip
    res = pool_case(case)
    back = res["back_transformed"]
    words = [t for t, _, _ in svgtext.texts(forest_plot(case, res))]
    assert _ci(back["pred"], back["ci_lb"], back["ci_ub"]) in words
    assert "Proportion" in words and not any(t.startswith("Favours") for t in words)


def test_one_study_missing_values_and_a_double_zero_table_still_draw():
    one = {"measure": "MD", "method": "REML", "data": {
        "study": ["Solo 2020"], "m1i": [5.0], "sd1i": [2.0], "n1i": [20],
        "m2i": [3.0], "sd2i": [2.5], "n2i": [22]}}  # fmt: skip
    texts = [t for t, _, _ in svgtext.texts(forest_plot(one, pool_case(one)))]
    assert "Solo 2020" in texts and "Heterogeneity: Not applicable" in texts
    zero = {"measure": "RR", "method": "MH", "data": {
        "study": ["A", "B", "C"], "ai": [0, 4, 6], "bi": [10, 16, 14], "ci": [0, 8, 9],
        "di": [10, 12, 11]}}  # fmt: skip
    res = pool_case(zero)
    assert res["yi"][0] is None
    texts = [t for t, _, _ in svgtext.texts(forest_plot(zero, res))]
    assert "Not estimable" in texts
    gen = {"measure": "GEN", "method": "DL", "data": {"yi": [0.1, 0.3], "vi": [0.04, 0.05],
                                                     "study": ["X", None]}}  # fmt: skip
    texts = [t for t, _, _ in svgtext.texts(forest_plot(gen, pool_case(gen)))]
    assert "Study 2" in texts  # a missing label is numbered
    assert "SE" in texts and "0.2" in texts  # generic data: yi and its SE


def _size(png):
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _generic(k, name="Study"):
    rng = np.random.default_rng(k)
    v = rng.uniform(0.02, 0.2, k)
    return {"measure": "GEN", "method": "REML",
            "data": {"yi": rng.normal(0.2, 0.3, k).tolist(), "vi": v.tolist(),
                     "study": [f"{name} {i}" for i in range(k)]}}  # fmt: skip


def test_height_scales_with_the_number_of_studies():
    small, big = _generic(10), _generic(60)
    h_small = _size(forest_plot(small, pool_case(small), fmt="png"))[1]
    h_big = _size(forest_plot(big, pool_case(big), fmt="png"))[1]
    # 50 more rows at 0.19 in and 150 dpi
    assert h_big - h_small == pytest.approx(50 * 0.19 * 150, abs=3)


def test_long_study_names_widen_the_name_column_then_are_shortened():
    short = _generic(5, "A")
    long = _generic(5, "A very long study name of a multicentre trial in many countries")
    w_short = _size(forest_plot(short, pool_case(short), fmt="png"))[0]
    w_long = _size(forest_plot(long, pool_case(long), fmt="png"))[0]
    assert w_long > w_short
    rows, _ = forest_rows(long, pool_case(long))
    assert all(len(r.label) <= 42 for r in rows if r.kind == "study")
    assert rows[0].label.endswith("\u2026")


def test_the_plot_never_puts_text_on_top_of_other_text(mc):
    groups = ["SVF", "BMSCs", "SVF", "UC-MSCs", "UC-MSCs", "ADSCs", "ADSCs", "ADSCs", "ADSCs"]
    case = dict(MC_CASE, subgroup=groups)
    texts = svgtext.texts(forest_plot(case, pool_case(case), {"title": "mRSS at 6 months"}))
    boxes = [(x, x + text_width(t) * 72, y) for t, x, y in texts]
    for i, (a0, a1, ay) in enumerate(boxes):
        for b0, b1, by in boxes[i + 1 :]:
            if abs(ay - by) < 8:  # same line (8 pt font)
                assert a1 <= b0 + 0.5 or b1 <= a0 + 0.5, (texts[i], (b0, b1, by))


@pytest.mark.shared_data
def test_every_reference_case_draws_or_is_refused_with_a_reason():
    """The metafor reference suite covers every measure and method the engine has."""
    import json

    from synthesis.figures.funnel import funnel_plot
    from synthesis.stats.engine import run_case
    from tests.conftest import shared_path

    cases = json.loads(shared_path("meta", "reference_cases.json").read_text())["cases"]
    # The first case of every measure, count method and kind keeps this quick.
    first = {}
    for case in cases:
        method = case["method"] if case["method"] in ("MH", "PETO", "FE") else "RE"
        for key in (case["measure"], method, bool(case.get("moderators")),
                    bool(case.get("subgroup")), case.get("test")):  # fmt: skip
            first.setdefault(key, case["name"])
    chosen = set(first.values())
    drawn = 0
    for case in (c for c in cases if c["name"] in chosen):
        out = run_case(case)
        if case.get("moderators"):
            with pytest.raises(ValueError, match="meta-regression"):
                forest_plot(case, out)
            continue
        svg = forest_plot(case, out)
        assert svg.startswith(b"<?xml"), case["name"]
        funnel_plot(case, out)
        drawn += 1
    assert drawn >= 15


def test_a_single_rate_has_no_null_line_or_favours_labels():
    case = {"measure": "IRLN", "method": "REML",
            "data": {"xi": [4, 9, 12], "ti": [100.0, 250.0, 180.0]}}  # fmt: skip
    words = [t for t, _, _ in svgtext.texts(forest_plot(case, pool_case(case)))]
    assert not any(t.startswith("Favours") for t in words) and "Rate" in words


def test_svg_text_names_fallback_fonts_for_viewers_without_ours(mc):
    svg = forest_plot(*mc).decode()
    assert "'Arial', 'Helvetica', sans-serif" in svg


def test_a_chosen_axis_keeps_its_limits_and_arrows_mark_what_runs_off(mc):
    case, res = mc
    texts = svgtext.texts(forest_plot(case, res, {"xlim": (-8, -2)}))
    words = [t for t, _, _ in texts]
    assert {"-8", "-2"} <= set(words) and "0" not in words
    assert not any(t.startswith("Favours") for t in words)  # the null is off this axis


def _chinese_options(case):
    """The options a page in Chinese gives the figures (synthesis/figures/pooled.py)."""
    from synthesis.figures.pooled import options_for

    return options_for(case, "zh-hans")


def test_a_chinese_page_gets_every_word_of_the_forest_plot_in_chinese(cjk):
    from synthesis.figures.forest import LABELS

    groups = ["SVF", "BMSCs", "SVF", "UC-MSCs", "UC-MSCs", "ADSCs", "ADSCs", "ADSCs", "ADSCs"]
    case = dict(MC_CASE, subgroup=groups, data=dict(MC_CASE["data"], study=STUDIES[:8] + [None]))
    res = pool_case(case)
    svg = forest_plot(case, res, _chinese_options(case)).decode()
    words = [t for t, _, _ in svgtext.texts(svg)]
    assert "研究或亚组" in words and "均数差" in words and "IV, 随机, 95% CI" in words
    assert words.count("小计 (95% CI)") == 4 and "合计 (95% CI)" in words and "研究 9" in words
    het = [t for t in words if t.startswith("异质性: ")][-1]  # the footnotes: all studies
    assert f"Tau\u00b2 = {res['tau2']:.2f}" in het and f"Chi\u00b2 = {res['QE']:.2f}, df = 8" in het
    overall = [t for t in words if t.startswith("总体效应检验: ")][-1]
    assert f"Z = {abs(res['zval']):.2f}" in overall
    assert any(t.startswith("亚组间差异检验: Chi\u00b2 = ") for t in words)
    english = {v.replace("{}", "").strip() for k, v in LABELS.items() if k != "r"}
    left = {w for w in english for t in words if re.search(rf"\b{re.escape(w)}\b", t)}
    assert left == set(), left
    # The text names the CJK font after ours, so viewers and converters draw the glyphs.
    assert f"'{cjk}'" in svg.split("研究或亚组")[0].rsplit("<text", 1)[1]


def test_chinese_glyphs_come_from_a_font_that_has_them(cjk):
    import warnings

    case, res = OR_CASE, pool_case(OR_CASE)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        for fmt in ("png", "svg", "pdf"):
            forest_plot(case, res, _chinese_options(case), fmt=fmt)


def test_chinese_words_widen_their_columns_and_never_overlap(cjk):
    names = [f"{name[:-5]}等 多中心随机对照试验{name[-4:]}" for name in STUDIES]
    case = dict(
        MC_CASE, subgroup=["甲组"] * 4 + ["乙组"] * 5, data=dict(MC_CASE["data"], study=names)
    )
    texts = svgtext.texts(forest_plot(case, pool_case(case), _chinese_options(case)))
    boxes = [(x, x + text_width(t, lang="zh") * 72, y) for t, x, y in texts]
    for i, (a0, a1, ay) in enumerate(boxes):
        for b0, b1, by in boxes[i + 1 :]:
            if abs(ay - by) < 8:
                assert a1 <= b0 + 0.5 or b1 <= a0 + 0.5, (texts[i], (b0, b1, by))


def test_an_english_page_draws_the_same_bytes_as_the_figures_own_words(mc):
    from django.utils import translation

    from synthesis.figures.pooled import options_for

    case, res = mc
    with translation.override("en"):
        options = options_for(case)
    assert options["lang"] == "en"
    bare = {k: v for k, v in options.items() if k not in ("labels", "measure_names", "lang")}
    for fmt in ("svg", "png"):
        assert forest_plot(case, res, options, fmt=fmt) == forest_plot(case, res, bare, fmt=fmt)


# CNKI and Wanfang records bring Chinese names onto English pages.
CNKI_NAMES = ["张伟 2019", "Ferguson & Simes 1949", "李娜 2020", "Hart 1977"]


def test_an_english_page_draws_chinese_study_names_with_the_cjk_font(cjk, glyphs_required):
    case = dict(OR_CASE, data=dict(OR_CASE["data"], study=CNKI_NAMES))
    res = pool_case(case)
    for fmt in ("png", "pdf"):
        forest_plot(case, res, fmt=fmt)
    styles = svgtext.styles(forest_plot(case, res))
    assert f"'{cjk}'" in styles["张伟 2019"] and f"'{cjk}'" in styles["李娜 2020"]
    # Latin texts keep our font alone, as they are drawn without Chinese names.
    for latin in ("Hart 1977", "Weight", "Total (95% CI)", "Odds Ratio"):
        assert f"'{cjk}'" not in styles[latin], latin


def test_chinese_study_names_on_an_english_page_are_measured_as_drawn(cjk):
    names = [f"{name[-4:]} 干细胞治疗系统性硬化症的多中心随机对照试验" for name in STUDIES]
    case = dict(MC_CASE, data=dict(MC_CASE["data"], study=names))
    texts = svgtext.texts(forest_plot(case, pool_case(case)))
    assert {t for t, _, _ in texts} >= set(names)
    # Each Chinese character is the CJK font's one em, as on a Chinese page, not the width
    # of the empty box our font alone would draw.
    drawn = 21 * 8.0 / 72 + text_width("2015 ")
    assert text_width(names[0]) == pytest.approx(drawn, rel=0.01) == text_width(names[0], lang="zh")
    assert abs(_width_in_our_font_alone(names[0]) - drawn) > 0.2
    boxes = [(x, x + text_width(t) * 72, y) for t, x, y in texts]
    for i, (a0, a1, ay) in enumerate(boxes):
        for b0, b1, by in boxes[i + 1 :]:
            if abs(ay - by) < 8:
                assert a1 <= b0 + 0.5 or b1 <= a0 + 0.5, (texts[i], (b0, b1, by))
    # and the name column is no wider than the names need
    name_end = max(x1 for (x0, x1, _), (t, _, _) in zip(boxes, texts, strict=True) if t in names)
    next_column = min(x0 for x0, _, y in boxes if x0 > name_end - 0.5)
    assert next_column - name_end < 0.5 * 72


def _width_in_our_font_alone(text, size=8.0):
    """What the text measured before the fallback: a missing glyph counts as our font's box."""
    import warnings

    from synthesis.figures import common

    font = common._font(False, tuple(common.FONT_FAMILY))
    font.set_size(size, 72)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing glyphs, which are the point here
        font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64.0 / 72.0


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_a_latin_english_plot_does_not_depend_on_a_cjk_font(fmt, request):
    case = dict(MC_CASE, subgroup=["SVF"] * 4 + ["ADSCs"] * 5)
    res = pool_case(case)
    options = {"title": "mRSS at 6 months", "favours": {"experimental": "MSCs"}}
    with_cjk = forest_plot(case, res, options, fmt=fmt)
    request.getfixturevalue("no_cjk")
    assert forest_plot(case, res, options, fmt=fmt) == with_cjk
