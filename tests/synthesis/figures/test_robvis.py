"""Risk-of-bias figures: valid bytes per format, one coloured marker per study x domain,
colours by judgement, weighted shares, refused input, NOS/MINORS score tables."""
import re

import pytest
from defusedxml import ElementTree as ET

from extraction.rob import final_judgements, get_tool, propose
from synthesis.figures import robvis
from synthesis.figures.robvis import FigureInputError

ROB2_STUDIES = [
    {"label": "Trial A", "domains": {"D1": "low", "D2": "some_concerns", "D3": "high",
                                     "D4": "low", "D5": "no_information"},
     "overall": "high", "weight": 30},
    {"label": "Trial B", "domains": {"D1": "low", "D2": "low", "D3": "low", "D4": "low",
                                     "D5": "low"}, "overall": "low", "weight": 10},
    {"label": "试验 C", "domains": {"D1": "some_concerns", "D2": "low", "D3": "low",
                                  "D4": "high", "D5": "low"}, "overall": "high",
     "weight": 60},
]
COCHRANE = {"low": "#02c100", "some_concerns": "#e2df07", "high": "#bf0000",
            "no_information": "#4ea1f7", "moderate": "#e2df07", "serious": "#bf0000",
            "critical": "#820000"}
SVG = "{http://www.w3.org/2000/svg}"


def _cells(svg_bytes, prefix="rob-cell-"):
    """{gid: fill colour} for every group matplotlib wrote with one of our ids."""
    root = ET.fromstring(svg_bytes)
    found = {}
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if gid.startswith(prefix):
            path = group.find(f"{SVG}path")
            fill = re.search(r"fill:\s*(#[0-9a-fA-F]{6})", path.get("style", ""))
            found[gid] = fill.group(1).lower()
    return found


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG\r\n\x1a\n"),
                                            ("pdf", b"%PDF-")])
def test_both_figures_come_out_as_valid_bytes_in_each_format(fmt, magic):
    for draw in (robvis.traffic_light, robvis.summary):
        data = draw(ROB2_STUDIES, fmt=fmt)
        assert data.startswith(magic)
        assert len(data) > 2000
    if fmt == "pdf":
        assert data.rstrip().endswith(b"%%EOF")


def test_traffic_light_has_one_marker_per_study_and_domain_coloured_by_judgement():
    cells = _cells(robvis.traffic_light(ROB2_STUDIES))
    assert len(cells) == 3 * 6
    for i, study in enumerate(ROB2_STUDIES):
        values = [study["domains"][f"D{k}"] for k in range(1, 6)] + [study["overall"]]
        for j, value in enumerate(values):
            assert cells[f"rob-cell-{i}-{j}"] == COCHRANE[value], (study["label"], j)


def test_traffic_light_legend_shows_only_the_judgements_used():
    legend = _cells(robvis.traffic_light(ROB2_STUDIES[1:]), prefix="rob-legend-")
    assert legend == {"rob-legend-low": COCHRANE["low"],
                      "rob-legend-some_concerns": COCHRANE["some_concerns"],
                      "rob-legend-high": COCHRANE["high"]}


def test_robins_i_has_seven_domains_and_its_own_colours():
    studies = [{"label": "Cohort 1", "domains": {f"D{k}": v for k, v in enumerate(
        ["low", "moderate", "serious", "critical", "no_information", "low", "low"], 1)},
        "overall": "critical"}]
    cells = _cells(robvis.traffic_light(studies, family="robins_i"))
    assert [cells[f"rob-cell-0-{j}"] for j in range(8)] == [
        COCHRANE[v] for v in ["low", "moderate", "serious", "critical", "no_information",
                              "low", "low", "critical"]]
    colourblind = _cells(robvis.traffic_light(studies, family="robins_i",
                                              colours="colourblind"))
    assert colourblind["rob-cell-0-3"] == "#993404"


def test_traffic_light_without_overall_and_with_custom_domains():
    studies = [{"label": "S1", "domains": {"blinding": "low", "conduct": "unclear"}}]
    cells = _cells(robvis.traffic_light(studies, family="generic", overall=False,
                                        domains=["blinding", "conduct"],
                                        domain_names={"blinding": "Blinding."}))
    assert cells == {"rob-cell-0-0": COCHRANE["low"], "rob-cell-0-1": "#e2df07"}


def test_summary_shares_follow_weights_or_counts():
    weighted = robvis.judgement_shares(ROB2_STUDIES)
    assert weighted["overall"] == pytest.approx({"high": 0.9, "low": 0.1})
    assert weighted["D1"] == pytest.approx({"low": 0.4, "some_concerns": 0.6})
    counted = robvis.judgement_shares(ROB2_STUDIES, weighted=False)
    assert counted["overall"] == pytest.approx({"high": 2 / 3, "low": 1 / 3})
    bars = _cells(robvis.summary(ROB2_STUDIES), prefix="rob-bar-")
    assert bars["rob-bar-overall-high"] == COCHRANE["high"]
    assert bars["rob-bar-D5-no_information"] == COCHRANE["no_information"]
    assert "rob-bar-overall-some_concerns" not in bars
    assert len(bars) == 6 * 2  # overall and D1..D5 each have two judgements here


def _bar_width(svg_bytes, gid):
    root = ET.fromstring(svg_bytes)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == gid)
    xs = [float(x) for x in re.findall(r"[ML]\s*([-\d.]+)\s", group.find(f"{SVG}path")
                                       .get("d"))]
    return max(xs) - min(xs)


def test_summary_bar_lengths_are_proportional_to_the_shares():
    svg = robvis.summary(ROB2_STUDIES)
    high = _bar_width(svg, "rob-bar-overall-high")
    low = _bar_width(svg, "rob-bar-overall-low")
    assert high / low == pytest.approx(9, rel=0.02)


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s[0]["domains"].update(D3="moderate"), "Trial A: D3 judgement 'moderate'"),
    (lambda s: s[1]["domains"].pop("D4"), "Trial B: no judgement for D4"),
    (lambda s: s[2].update(overall=None), "试验 C: no judgement for overall"),
    (lambda s: s[0].update(label=" "), "study 1 has no label"),
    (lambda s: s[1].update(weight=-2), "Trial B: weight -2 is not a positive number"),
])
def test_bad_input_is_refused_with_the_study_and_reason(change, message):
    studies = [dict(s, domains=dict(s["domains"])) for s in ROB2_STUDIES]
    change(studies)
    with pytest.raises(FigureInputError, match=re.escape(message)):
        robvis.summary(studies)


def test_unknown_family_format_scheme_or_no_studies_are_refused():
    with pytest.raises(FigureInputError, match="unknown tool family 'rob3'"):
        robvis.traffic_light(ROB2_STUDIES, family="rob3")
    with pytest.raises(FigureInputError, match="unknown format 'gif'"):
        robvis.traffic_light(ROB2_STUDIES, fmt="gif")
    with pytest.raises(FigureInputError, match="unknown colour scheme 'neon'"):
        robvis.summary(ROB2_STUDIES, colours="neon")
    with pytest.raises(FigureInputError, match="no studies to draw"):
        robvis.traffic_light([])


def test_score_table_rows_for_nos_and_minors():
    nos = get_tool("nos_cohort")
    best = {"S1": "a", "S2": "a", "S3": "a", "S4": "a", "C1": "main_and_additional",
            "O1": "a", "O2": "a", "O3": "a"}
    weaker = {**best, "S1": "c", "S2": "b", "C1": "main", "O3": "d"}
    rows = robvis.score_table([
        {"label": "Almadori 2017", "proposal": propose(nos, best)},
        {"label": "Blezien 2017", "final": final_judgements(
            propose(nos, weaker), {"overall": {"judgement": "poor", "reason": "small n"}})},
    ], nos)
    assert rows[0] == {"study": "Almadori 2017", "selection": 4, "comparability": 2,
                       "outcome": 3, "total": 9, "max_score": 9, "quality": "good"}
    assert rows[1]["total"] == 5 and rows[1]["selection"] == 2
    assert rows[1]["quality"] == "poor"
    minors = get_tool("minors_noncomparative")
    answers = {f"M{i}": "2" for i in range(1, 9)} | {"M8": "0", "M7": "1"}
    (row,) = robvis.score_table([{"label": "S", "proposal": propose(minors, answers)}], minors)
    assert (row["total"], row["max_score"], row["M7"], row["quality"]) == (13, 16, 1, None)
    with pytest.raises(FigureInputError, match="rob2 is not a scored tool"):
        robvis.score_table([{"label": "T", "proposal": {"tool": "rob2", "domains": {},
                                                        "overall": {}}}], get_tool("rob2"))


def test_studies_from_snapshot_reads_the_consensus_judgements():
    snapshot = {"studies": [
        {"label": "Granel 2015", "risk_of_bias": [
            {"tool": "rob2", "overall": "low", "domains": {f"D{k}": {"judgement": "low"}
                                                           for k in range(1, 6)}}]},
        {"label": "Not assessed", "risk_of_bias": []},
    ]}
    studies = robvis.studies_from_snapshot(snapshot, "rob2")
    assert studies == [{"label": "Granel 2015", "overall": "low",
                        "domains": {f"D{k}": "low" for k in range(1, 6)}}]
    assert len(_cells(robvis.traffic_light(studies))) == 6


def test_chinese_labels_change_the_figure_but_not_the_markers():
    english = robvis.traffic_light(ROB2_STUDIES)
    chinese = robvis.traffic_light(ROB2_STUDIES, lang="zh")
    assert chinese != english
    assert _cells(chinese) == _cells(english)
    assert robvis.summary(ROB2_STUDIES, lang="zh", fmt="png").startswith(b"\x89PNG")
    with pytest.raises(FigureInputError, match="unknown language 'fr'"):
        robvis.traffic_light(ROB2_STUDIES, lang="fr")


def _drawn(monkeypatch):
    """The Figures robvis saves, kept for a look at their texts."""
    figures, save = [], robvis._save
    monkeypatch.setattr(robvis, "_save", lambda fig, fmt: figures.append(fig) or save(fig, fmt))
    return figures


def test_an_english_page_draws_chinese_labels_with_the_cjk_font_inside_their_cells(
    monkeypatch, cjk, glyphs_required
):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    figures = _drawn(monkeypatch)
    label = "张伟等 多中心随机对照试验 2019"
    studies = [*ROB2_STUDIES[:2], dict(ROB2_STUDIES[2], label=label)]
    names = {"D1": "随机化过程中的偏倚"}
    for fmt in ("png", "pdf"):
        robvis.traffic_light(studies, domain_names=names, fmt=fmt)
        robvis.summary(studies, domain_names=names, fmt=fmt)
    light, bars = figures[0], figures[1]
    texts = {t.get_text(): t for fig in (light, bars) for t in fig.findobj(Text)
             if t.get_visible()}  # fmt: skip
    for chinese in (label, "D1: 随机化过程中的偏倚", "随机化过程中的偏倚"):
        assert cjk in texts[chinese].get_fontfamily(), chinese
    for latin in ("Trial A", "D2: Bias due to deviations from intended intervention.",
                  "Overall risk of bias"):  # fmt: skip
        assert cjk not in texts[latin].get_fontfamily(), latin
    # The name, measured with the font that draws it, fits its grey cell left of the grid.
    drawn = texts[label].get_window_extent(FigureCanvasAgg(light).get_renderer())
    ax = texts[label].axes
    (left, _), (right, _) = ax.transData.transform([(ax.get_xlim()[0], 0), (0, 0)])
    assert left < drawn.x0 < drawn.x1 < right


def test_a_latin_english_figure_does_not_depend_on_a_cjk_font(request):
    import matplotlib

    latin = ROB2_STUDIES[:2]
    with matplotlib.rc_context({"svg.hashsalt": "robvis"}):  # stable SVG ids to compare
        drawn = [draw(latin, fmt=fmt) for draw in (robvis.traffic_light, robvis.summary)
                 for fmt in ("svg", "png", "pdf")]  # fmt: skip
        request.getfixturevalue("no_cjk")
        assert [draw(latin, fmt=fmt) for draw in (robvis.traffic_light, robvis.summary)
                for fmt in ("svg", "png", "pdf")] == drawn  # fmt: skip
