"""Fixtures for the figures' fonts: a CJK font installed, or none."""

import warnings

import pytest

from synthesis.figures import common


def _clear_font_caches():
    # Fonts chosen, widths and glyph paths measured earlier in the run would hide a missing
    # glyph (its warning comes when a text is first laid out) or a font just taken away.
    for cached in (common.font_family, common.text_width, common._glyph_path):
        cached.cache_clear()


@pytest.fixture
def cjk():
    """The installed CJK font's name; skips the test without one."""
    if common.cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-wqy-microhei)")
    _clear_font_caches()
    return common.cjk_font()


@pytest.fixture
def no_cjk(monkeypatch):
    """The figures drawn as on a machine without a CJK font."""
    monkeypatch.setattr(common, "cjk_font", lambda: None)
    _clear_font_caches()
    yield
    monkeypatch.undo()
    _clear_font_caches()


@pytest.fixture
def glyphs_required():
    """matplotlib's "Glyph ... missing from font(s)" warning (a box drawn instead) as an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        yield
