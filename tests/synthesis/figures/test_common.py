"""Number formats of the figures (as RevMan prints them) and text measurement."""

import pytest

from synthesis.figures.common import fmt_data, fmt_p, text_width


@pytest.mark.parametrize(("p", "text"), [
    (0.000004, "P < 0.00001"), (0.00004, "P = 0.00004"), (0.0002, "P = 0.0002"),
    (0.004, "P = 0.004"), (0.04, "P = 0.04"), (0.36, "P = 0.36"), (None, "P = NA"),
])  # fmt: skip
def test_p_values_show_as_revman_prints_them(p, text):
    assert fmt_p(p) == text


def test_data_values_show_as_entered():
    assert [fmt_data(v) for v in (12, 12.0, 24.5, 3.14159, None, "n/a")] == [
        "12", "12", "24.5", "3.14", "", "n/a"]  # fmt: skip


def test_text_width_grows_with_the_text_and_with_bold():
    assert 0 < text_width("Study") < text_width("Study or Subgroup")
    assert text_width("Study", bold=True) > text_width("Study")
    assert text_width("") == 0.0


def test_a_language_code_names_the_figures_language():
    from synthesis.figures.common import figure_language

    assert [figure_language(c) for c in ("zh-hans", "zh-Hans", "zh", "en", "en-us", None, "")] == [
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
        "en",
    ]


def test_chinese_text_is_measured_with_a_cjk_font_after_ours():
    from synthesis.figures.common import FONT_FAMILY, cjk_font, font_family

    assert font_family("en") == tuple(FONT_FAMILY)
    if cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-wqy-microhei)")
    assert font_family("zh") == (*FONT_FAMILY, cjk_font())
    # A Chinese character is one em wide; Latin text keeps our font's width.
    assert text_width("研究或亚组", 8.0, lang="zh") == pytest.approx(5 * 8.0 / 72, rel=0.02)
    assert text_width("Weight", lang="zh") == text_width("Weight")


def test_a_text_our_font_cannot_draw_gets_the_cjk_font_whatever_the_page_language(cjk):
    from synthesis.figures.common import FONT_FAMILY, font_family, text_props

    ours = tuple(FONT_FAMILY)
    assert font_family("en", "张伟 2019") == (*ours, cjk)
    assert font_family("en", "试验 C", ("DejaVu Sans",)) == ("DejaVu Sans", cjk)
    # Latin text, accents, dashes and no-break spaces included, keeps exactly our font.
    for latin in ("Zhang 2019", "Ünal, Øberg & Çağlar – 2019 (n\u00a0=\u00a012)", "", " "):
        assert font_family("en", latin) == ours, latin
    assert font_family("zh", "Weight") == (*ours, cjk)  # a Chinese page, as before
    assert text_props("Standard error") == {}
    assert text_props("标准误")["family"][: len(ours) + 1] == [*ours, cjk]
    # Measured as drawn: a Chinese character is one em wide on an English page too.
    two_chars = 2 * 8.0 / 72
    assert text_width("张伟 2019", 8.0) == pytest.approx(
        two_chars + text_width(" 2019", 8.0), rel=0.02
    )


def test_without_a_cjk_font_every_text_keeps_ours(no_cjk):
    from synthesis.figures.common import FONT_FAMILY, font_family

    assert font_family("en", "张伟 2019") == font_family("zh", "研究") == tuple(FONT_FAMILY)
