"""The pure PRISMA layer: the arithmetic checks catch every box that does not add up, the CSV
rows rebuild the boxes, and the diagram comes out as real SVG, PNG and PDF in both languages."""
import copy
import io
import re

import defusedxml.ElementTree as ET
import pytest
from PIL import Image

from synthesis.figures import prisma as figure
from synthesis.prisma.flow import assemble_flow, check_flow, flow_rows, has_other_methods


def _flow(previous=None, other=True):
    db = {"sources": [{"kind": "database", "source": "pubmed", "detail": "",
                       "name": "PubMed/MEDLINE", "n": 120},
                      {"kind": "database", "source": "cnki", "detail": "", "name": "CNKI",
                       "n": 40},
                      {"kind": "register", "source": "register", "detail": "ChiCTR",
                       "name": "ChiCTR", "n": 10}],
          "duplicates_removed": 50, "screened": 120, "excluded": 70, "awaiting_screening": 10,
          "sought": 40, "not_retrieved": 2, "awaiting_assessment": 3, "assessed": 35,
          "reports_excluded": [{"reason": "Wrong population", "reason_zh": "研究人群不符",
                                "n": 10},
                               {"reason": "Wrong study design", "reason_zh": "研究设计不符",
                                "n": 15}],
          "reports_included": 10}
    columns = {"databases_and_registers": db}
    included = {"studies": 8, "reports": 10}
    if other:
        columns["other_methods"] = {
            "sources": [{"kind": "other_method", "source": "citation", "detail": "",
                         "name": "Citation searching", "n": 5}],
            "screened": 5, "sought": 5, "not_retrieved": 1, "assessed": 4,
            "reports_excluded": [{"reason": "Wrong outcomes", "reason_zh": "结局指标不符",
                                  "n": 3}], "reports_included": 1}
        included = {"studies": 9, "reports": 11}
    return assemble_flow(columns=columns, included=included, previous=previous, review_id=1)


def test_a_consistent_flow_has_no_problems():
    assert check_flow(_flow()) == []
    assert check_flow(_flow(previous={"studies": 3, "reports": 4})) == []


@pytest.mark.parametrize(("path", "delta", "says"), [
    (("databases_and_registers", "duplicates_removed"), 1, "but screened"),
    (("databases_and_registers", "excluded"), -1, "but sought"),
    (("databases_and_registers", "awaiting_screening"), 2, "but sought"),
    (("databases_and_registers", "not_retrieved"), 1, "but assessed"),
    (("databases_and_registers", "assessed"), 1, "but assessed"),
    (("other_methods", "reports_included"), 1, "reports included"),
    (("included", "reports"), 1, "reports of included studies"),
])
def test_each_box_that_does_not_add_up_is_named(path, delta, says):
    flow = copy.deepcopy(_flow())
    flow[path[0]][path[1]] += delta
    problems = check_flow(flow)
    assert problems and any(says in p for p in problems), problems


def test_a_negative_or_missing_count_is_a_problem_not_a_crash():
    flow = _flow()
    flow["databases_and_registers"]["screened"] = -1
    flow["other_methods"]["sought"] = None
    problems = check_flow(flow)
    assert any("screened is -1" in p for p in problems)
    assert any("sought is None" in p for p in problems)


def test_a_wrong_total_for_an_updated_review_is_a_problem():
    flow = _flow(previous={"studies": 3, "reports": 4})
    flow["total"]["studies"] = 11
    assert check_flow(flow) == ["total studies should be previous + new = 12"]


def test_csv_rows_carry_every_source_box_and_reason():
    rows = flow_rows(_flow(previous={"studies": 3, "reports": 4}))
    assert rows[0] == ("column", "box", "item", "n")
    assert ("databases_and_registers", "identified_register", "ChiCTR", 10) in rows
    assert ("databases_and_registers", "reports_excluded", "Wrong study design", 15) in rows
    assert ("other_methods", "screened", "", 5) in rows
    assert ("", "total_studies", "", 12) in rows


def test_the_other_methods_column_is_drawn_only_when_used():
    assert has_other_methods(_flow())
    assert not has_other_methods(_flow(other=False))


def test_svg_png_and_pdf_are_real_files_in_both_languages():
    flow = _flow()
    for lang in ("en", "zh"):
        svg = figure.draw(flow, fmt="svg", lang=lang)
        assert ET.fromstring(svg).tag.endswith("svg")
        png = figure.draw(flow, fmt="png", lang=lang)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width > image.height > 400
        pdf = figure.draw(flow, fmt="pdf", lang=lang)
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")


def test_the_drawing_is_deterministic():
    flow = _flow()
    assert figure.draw(flow, fmt="svg") == figure.draw(flow, fmt="svg")
    assert figure.draw(flow, fmt="pdf", lang="zh") == figure.draw(flow, fmt="pdf", lang="zh")


def _texts(flow, lang, monkeypatch):
    """What the diagram says: drawn with text kept as text in the SVG."""
    monkeypatch.setattr(figure, "_language", lambda lang, fmt: (lang, True))
    svg = figure.draw(flow, fmt="svg", lang=lang).decode("utf-8")
    return " ".join(el.text or "" for el in ET.fromstring(svg).iter()
                    if el.tag.endswith("text")).replace("\u00a0", " ")


def test_every_box_of_the_new_review_template_is_drawn(monkeypatch):
    text = _texts(_flow(), "en", monkeypatch)
    for expected in ("Identification of studies via databases and registers",
                     "Identification of studies via other methods", "Identification",
                     "Screening", "Included", "Databases (n = 160)", "PubMed/MEDLINE (n = 120)",
                     "Registers (n = 10)", "Duplicate records removed (n = 50)",
                     "Records screened (n = 120)", "Awaiting a decision (n = 10)",
                     "Records excluded (n = 70)", "Reports sought for retrieval (n = 40)",
                     "Reports not retrieved (n = 2)", "Wrong study design (n = 15)",
                     "Citation searching (n = 5)", "Wrong outcomes (n = 3)",
                     "Studies included in review (n = 9)"):
        assert expected in text, expected
    assert "Previous studies" not in text


def test_the_updated_review_template_has_previous_and_total_studies(monkeypatch):
    text = _texts(_flow(previous={"studies": 3, "reports": 4}, other=False), "en", monkeypatch)
    for expected in ("Previous studies",
                     "Identification of new studies via databases and registers",
                     "Studies included in previous version of review (n = 3)",
                     "New studies included in review (n = 8)",
                     "Total studies included in review (n = 11)",
                     "Reports of total included studies (n = 14)"):
        assert expected in text.replace("\n", " "), expected
    assert "other methods" not in text


def test_chinese_labels_name_the_boxes_and_reasons_in_chinese(monkeypatch):
    text = _texts(_flow(), "zh", monkeypatch)
    for expected in ("通过数据库和注册平台识别的研究", "识别", "筛选", "纳入",
                     "筛选的记录 (n = 120)", "研究设计不符 (n = 15)",
                     "中国知网 (CNKI) (n = 40)", "引文检索 (n = 5)"):
        assert expected in text, expected


def test_without_a_chinese_font_png_falls_back_to_english(monkeypatch):
    monkeypatch.setattr(figure, "cjk_font", lambda: None)
    lang, svg_text = figure._language("zh", "png")
    assert lang == "en" and not svg_text
    lang, svg_text = figure._language("zh", "svg")
    assert lang == "zh" and svg_text  # the browser's fonts draw it
    assert figure.draw(_flow(), fmt="png", lang="zh").startswith(b"\x89PNG")


def test_unknown_formats_and_languages_are_refused():
    with pytest.raises(ValueError, match="format"):
        figure.draw(_flow(), fmt="gif")
    with pytest.raises(ValueError, match="language"):
        figure.draw(_flow(), lang="fr")


def test_long_labels_wrap_inside_their_box():
    lines = figure._wrap("Records marked as ineligible by automation tools (n\u00a0=\u00a00)",
                         figure.SIDE_W - 2 * figure.PAD - figure.INDENT)
    assert len(lines) == 2 and lines[1].endswith("(n\u00a0=\u00a00)")
    assert all(figure._width(line) <= figure.SIDE_W for line in lines)
    chinese = figure._wrap("经自动化工具标记为不合格的记录" * 3, 1.0)
    assert len(chinese) > 2 and "".join(chinese) == "经自动化工具标记为不合格的记录" * 3


def test_an_english_diagram_draws_a_chinese_source_name_with_the_cjk_font(monkeypatch):
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from synthesis.figures import common

    cjk = common.cjk_font()
    if cjk is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-wqy-microhei)")
    canvases = []

    class Kept(figure._Canvas):
        def __init__(self, *args):
            super().__init__(*args)
            canvases.append(self)

    monkeypatch.setattr(figure, "_Canvas", Kept)
    flow = _flow()
    name = "中国生物医学文献服务系统 (SinoMed) 中国学术期刊全文数据库"
    flow["databases_and_registers"]["sources"][1].update(detail=name, name=name)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        for fmt in ("png", "pdf"):
            figure.draw(flow, fmt=fmt, lang="en")
    ax = canvases[0].ax
    texts = [t for t in ax.texts if t.get_text()]
    chinese = [t for t in texts if re.search("[\u4e00-\u9fff]", t.get_text())]
    assert len(chinese) >= 2  # the name wraps, Chinese anywhere
    assert all(cjk in t.get_fontfamily() for t in chinese)
    latin = [t for t in texts if t not in chinese]
    assert len(latin) > 20 and all(cjk not in t.get_fontfamily() for t in latin)
    # Each line, measured with the fonts that draw it, stays inside the box it is in.
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    for text in chinese:
        x, y = text.get_position()
        box = next(p for p in ax.patches
                   if p.get_x() <= x <= p.get_x() + p.get_width()
                   and p.get_y() <= y <= p.get_y() + p.get_height())  # fmt: skip
        right = ax.transData.transform((box.get_x() + box.get_width(), 0))[0]
        assert text.get_window_extent(renderer).x1 < right, text.get_text()


def test_a_latin_english_diagram_does_not_depend_on_a_cjk_font(monkeypatch):
    from synthesis.figures import common

    drawn = [figure.draw(_flow(), fmt=fmt) for fmt in ("svg", "png", "pdf")]
    monkeypatch.setattr(common, "cjk_font", lambda: None)
    common.font_family.cache_clear()
    figure._width.cache_clear()
    try:
        assert [figure.draw(_flow(), fmt=fmt) for fmt in ("svg", "png", "pdf")] == drawn
    finally:
        monkeypatch.undo()
        common.font_family.cache_clear()
        figure._width.cache_clear()
