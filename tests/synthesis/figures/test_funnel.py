"""Funnel plots: one point per study, trim-and-fill's imputed studies, Egger's test caption."""

import math
import re

import numpy as np
import pytest

from synthesis.figures.funnel import funnel_data, funnel_plot
from synthesis.stats.engine import pool_case
from tests.synthesis.figures import svgtext

SVG = "{http://www.w3.org/2000/svg}"


def _asymmetric(k=16, seed=4):
    """Small studies with larger effects, so trim-and-fill imputes some on the left."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.3, k)
    y = 0.2 + rng.normal(0, np.sqrt(v)) + 1.2 * np.sqrt(v)
    return {"measure": "GEN", "method": "REML", "data": {"yi": y.tolist(), "vi": v.tolist()}}


def _points(svg, gid):
    """Markers drawn in the scatter group with this gid."""
    group = next((g for g in svgtext.parse(svg).iter(f"{SVG}g") if g.get("id") == gid), None)
    return 0 if group is None else sum(1 for _ in group.iter(f"{SVG}use"))


@pytest.fixture(scope="module")
def asym():
    case = _asymmetric()
    return case, pool_case(case)


def test_the_funnel_has_one_point_per_study_and_one_open_point_per_imputed_study(asym):
    case, res = asym
    k0 = res["trimfill"]["k0"]
    assert k0 > 0
    svg = funnel_plot(case, res)
    assert _points(svg, "funnel-studies") == 16
    assert _points(svg, "funnel-filled") == k0
    assert _points(funnel_plot(case, res, {"trimfill": False}), "funnel-filled") == 0


def test_imputed_studies_mirror_studies_about_the_trimmed_estimate(asym):
    _, res = asym
    data = funnel_data(res)
    assert len(data["filled_yi"]) == res["trimfill"]["k0"]
    # each imputed study has the sampling variance of a study it mirrors
    for se in data["filled_sei"]:
        assert any(math.isclose(se, s) for s in data["sei"])
    assert data["estimate"] == res["trimfill"]["estimate"]


def test_the_caption_gives_eggers_test_only_from_ten_studies(asym):
    case, res = asym
    words = [t for t, _, _ in svgtext.texts(funnel_plot(case, res))]
    reg = res["regtest"]
    egger = next(t for t in words if t.startswith("Egger"))
    assert f"z = {reg['zval']:.2f}" in egger
    assert any(t.startswith("Trim and fill: ") and f"{res['trimfill']['k0']} studies" in t
               for t in words)  # fmt: skip
    small = _asymmetric(k=6)
    words = [t for t, _, _ in svgtext.texts(funnel_plot(small, pool_case(small)))]
    assert not any(t.startswith("Egger's test for") for t in words)
    assert any("fewer than 10 studies" in t for t in words)


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                            ("pdf", b"%PDF-")])  # fmt: skip
def test_each_format_gives_valid_bytes(asym, fmt, magic):
    assert funnel_plot(*asym, fmt=fmt).startswith(magic)


def test_ratio_measures_use_a_log_axis_with_ratio_ticks():
    case = {"measure": "OR", "method": "REML",
            "data": {"ai": [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27],
                     "bi": [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448,
                            2493, 16886],
                     "ci": [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29],
                     "di": [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197,
                            2338, 17825]}}  # fmt: skip
    res = pool_case(case)
    words = [t for t, _, _ in svgtext.texts(funnel_plot(case, res))]
    assert "Odds Ratio (log scale)" in words and "1" in words and "0.5" in words
    assert _points(funnel_plot(case, res), "funnel-studies") == 13


def _chinese(case, res, fmt="svg"):
    """The funnel plot a page in Chinese draws (synthesis/figures/pooled.py)."""
    from synthesis.figures import common
    from synthesis.figures.pooled import options_for

    if common.cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-wqy-microhei)")
    return funnel_plot(case, res, options_for(case, "zh-hans"), fmt=fmt)


def test_a_chinese_page_gets_chinese_axis_names_and_captions(asym):
    case, res = asym
    words = [t for t, _, _ in svgtext.texts(_chinese(case, res))]
    assert "标准误" in words and "效应量" in words
    reg, tf = res["regtest"], res["trimfill"]
    egger = next(t for t in words if "Egger" in t)
    assert egger.startswith("漏斗图不对称性 Egger 检验：") and f"z = {reg['zval']:.2f}" in egger
    side = {"left": "左侧", "right": "右侧"}[tf["side"]]
    assert any(t.startswith(f"剪补法：{side}填补 {tf['k0']} 项研究") for t in words)
    ratio = {"measure": "OR", "method": "REML",
             "data": {"ai": [4, 6, 3, 62], "bi": [119, 300, 228, 13536],
                      "ci": [11, 29, 11, 248], "di": [128, 274, 209, 12619]}}  # fmt: skip
    words = [t for t, _, _ in svgtext.texts(_chinese(ratio, pool_case(ratio)))]
    assert "比值比（对数尺度）" in words
    assert any(t.startswith("未显示 Egger 检验：研究少于 10 项") for t in words)
    assert not any(re.search(r"[A-Za-z]{4,}", t) and "Egger" not in t for t in words), words


def test_chinese_axis_names_are_drawn_with_a_font_that_has_their_glyphs(asym):
    import warnings

    from synthesis.figures.common import cjk_font

    case, res = asym
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        for fmt in ("png", "pdf"):
            _chinese(case, res, fmt)
        svg = _chinese(case, res).decode()
    label = next(
        el for el in svgtext.parse(svg).iter(f"{SVG}text") if "".join(el.itertext()) == "标准误"
    )
    assert f"'{cjk_font()}'" in label.get("style")


def test_english_options_draw_the_same_bytes_as_none(asym):
    from django.utils import translation

    from synthesis.figures.pooled import options_for

    case, res = asym
    with translation.override("en"):
        options = options_for(case)
    bare = {k: v for k, v in options.items() if k not in ("labels", "measure_names", "lang")}
    assert funnel_plot(case, res, options) == funnel_plot(case, res, bare)


def test_an_english_page_draws_chinese_titles_and_axis_names_with_the_cjk_font(
    asym, cjk, glyphs_required
):
    case, res = asym
    options = {"title": "干细胞治疗系统性硬化症", "xlabel": "均数差 (MD)"}
    for fmt in ("png", "pdf"):
        funnel_plot(case, res, options, fmt=fmt)
    styles = svgtext.styles(funnel_plot(case, res, options))
    assert f"'{cjk}'" in styles["干细胞治疗系统性硬化症"] and f"'{cjk}'" in styles["均数差 (MD)"]
    assert f"'{cjk}'" not in styles["Standard error"]  # Latin keeps our font alone
    assert not any(f"'{cjk}'" in style for text, style in styles.items() if "Egger" in text)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_a_latin_english_funnel_does_not_depend_on_a_cjk_font(asym, fmt, request):
    case, res = asym
    options = {"title": "Funnel plot of mRSS", "xlabel": "Mean difference"}
    with_cjk = funnel_plot(case, res, options, fmt=fmt)
    request.getfixturevalue("no_cjk")
    assert funnel_plot(case, res, options, fmt=fmt) == with_cjk
