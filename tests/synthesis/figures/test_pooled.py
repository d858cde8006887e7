"""The options a page gives the forest and funnel plots: every word in the user's language."""

import logging

from django.utils import translation

from synthesis.figures import pooled
from synthesis.figures.forest import LABELS as FOREST_LABELS
from synthesis.figures.forest import MEASURE_NAMES
from synthesis.figures.funnel import LABELS as FUNNEL_LABELS

CASE = {"measure": "MD", "method": "REML", "data": {}}
SYMBOLS = {"r"}  # drawn as RevMan prints them, in every language


def test_in_english_every_word_is_the_figures_own():
    with translation.override("en"):
        options = pooled.options_for(CASE)
    labels = options["labels"]
    assert set(labels) == set(FOREST_LABELS) - SYMBOLS | set(FUNNEL_LABELS)
    assert all(labels[k] == FOREST_LABELS[k] for k in set(FOREST_LABELS) - SYMBOLS)
    assert all(labels[k] == FUNNEL_LABELS[k] for k in FUNNEL_LABELS)
    assert options["measure_names"] == MEASURE_NAMES and options["lang"] == "en"


def test_the_language_asked_for_wins_over_the_active_one(monkeypatch):
    monkeypatch.setattr(pooled, "cjk_font", lambda: "WenQuanYi Micro Hei")
    with translation.override("en"):
        options = pooled.options_for(CASE, "zh-hans")
    assert options["lang"] == "zh" and options["labels"]["study"] == "研究或亚组"
    assert options["measure_names"]["MD"] == "均数差"
    assert options["favours"] == {"experimental": "干预措施", "control": "对照"}
    with translation.override("zh-hans"):
        assert pooled.options_for(CASE)["labels"]["weight"] == "权重"


def test_without_a_chinese_font_a_chinese_page_gets_english_figures(monkeypatch, caplog):
    monkeypatch.setattr(pooled, "cjk_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="synthesis.figures.pooled"):
        options = pooled.options_for(CASE, "zh-hans")
    assert options["lang"] == "en" and options["labels"]["study"] == "Study or Subgroup"
    assert options["headings"] == {"experimental": "Intervention", "control": "Control"}
    assert "no font with Chinese glyphs" in caplog.text
