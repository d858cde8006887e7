"""Data conversions: every check of conversions.json, hand-worked values and input errors."""

import json
import math

import pytest

from extraction.conversions import (
    ConversionError,
    ci_diff_to_sd,
    ci_to_sd,
    combine_groups,
    convert,
    fivenum_to_mean_sd,
    se_to_sd,
    skewness_test,
)
from tests.conftest import SHARED_DATA, shared_path


def test_se_to_sd_by_hand():
    assert se_to_sd(0.5, 16) == {"sd": 2.0}


def test_ci_to_sd_with_the_divisor_3_92_by_hand():
    assert ci_to_sd(8.04, 11.96, 100, "3.92")["sd"] == pytest.approx(10.0)


def test_ci_diff_to_sd_inverts_the_t_interval():
    se = 1.5
    t = 2.0243941639119702  # t_{0.975, 38}
    out = ci_diff_to_sd(20, 20, 3.0, 3.0 - t * se, 3.0 + t * se)
    assert out["se"] == pytest.approx(se)
    assert out["sd"] == pytest.approx(se / math.sqrt(0.1))


def test_combining_two_identical_groups_keeps_the_mean_and_nearly_the_sd():
    out = combine_groups(10, 5.0, 2.0, 10, 5.0, 2.0)
    assert out["n"] == 20 and out["mean"] == 5.0
    assert out["sd"] == pytest.approx(math.sqrt(18 * 4 / 19))


def test_change_sd_with_no_correlation_is_pythagorean():
    assert convert("change_sd", {"sd_baseline": 3, "sd_final": 4, "corr": 0}) == {"sd_change": 5.0}


def test_hozo_by_hand():
    out = fivenum_to_mean_sd(n=10, median=5, min=1, max=9, method="hozo")
    assert out["mean"] == pytest.approx(5.0)  # symmetric: (1+10+9)/4 + 0
    assert out["sd"] == pytest.approx(math.sqrt(64 / 12))


def test_the_skewness_test_of_a_symmetric_summary_is_not_significant():
    test = skewness_test({"min": 1, "q1": 3, "median": 5, "q3": 7, "max": 9}, 40)
    assert test["skew_tval"] == 0.0 and test["skew_significant"] is False


def test_a_skewed_study_is_left_unconverted_with_the_test():
    out = fivenum_to_mean_sd(n=30, median=3, min=2, max=15, skew_test=True)
    assert out["skew_significant"] is True
    assert out["mean"] is None and out["sd"] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 30, "median": 6, "min": 8, "max": 15}, "min .* is above median"),
        ({"n": 30, "median": 6, "q1": 6, "q3": 6}, "IQR is zero"),
        ({"n": 30, "median": 6}, "give min and max"),
        ({"n": 4, "median": 6, "min": 2, "max": 15}, "n >= 5"),
        ({"n": 30, "median": 6, "min": 2, "max": 15, "method": "mode"}, "unknown method"),
        ({"n": 30, "median": 6, "q1": 4, "q3": 9, "method": "hozo"}, "hozo needs"),
        ({"n": 0, "median": 6, "min": 2, "max": 15}, "n must be > 0"),
    ],
)
def test_bad_summaries_are_rejected_with_a_reason(kwargs, message):
    with pytest.raises(ConversionError, match=message):
        fivenum_to_mean_sd(**kwargs)


def test_an_unknown_conversion_is_rejected():
    with pytest.raises(ConversionError, match="unknown conversion"):
        convert("sd_to_var", {})


def test_a_missing_input_is_rejected():
    with pytest.raises(ConversionError, match="se_to_sd"):
        convert("se_to_sd", {"se": 1})


def test_a_ci_upside_down_is_rejected():
    with pytest.raises(ConversionError, match="must be above"):
        ci_to_sd(5, 4, 10)


def _conversion_names():
    path = SHARED_DATA / "meta" / "conversions.json"
    if not path.exists():
        return ["shared-data-absent"]
    return [c["name"] for c in json.loads(path.read_text())["conversions"]]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", _conversion_names())
def test_conversion_agrees_with_its_reference(name):
    checks = json.loads(shared_path("meta", "conversions.json").read_text())["conversions"]
    check = next(c for c in checks if c["name"] == name)
    got = convert(check["function"], check["inputs"])
    for key, want in check["expected"].items():
        if want is None or isinstance(want, bool):
            assert got[key] is want, key
        else:
            assert got[key] == pytest.approx(want, rel=1e-6, abs=1e-9), key
