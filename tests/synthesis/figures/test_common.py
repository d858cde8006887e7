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
