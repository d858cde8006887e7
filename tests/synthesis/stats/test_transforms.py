"""Back-transformations: hand values, the Freeman-Tukey inverse, metafor's back_transformed."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthesis.stats.effects import escalc
from synthesis.stats.errors import StatsInputError
from synthesis.stats.transforms import (
    back_transform,
    back_transformed,
    harmonic_mean,
    inverse_pft,
    pft,
    transform_for,
)
from tests.conftest import SHARED_DATA, shared_path


def test_ratios_go_back_with_exp():
    assert back_transform("OR", [0.0, math.log(2)]).tolist() == pytest.approx([1.0, 2.0])
    assert transform_for("IRLN") == "exp"


def test_logits_go_back_with_the_inverse_logit():
    assert back_transform("PLO", [0.0, math.log(3)]).tolist() == pytest.approx([0.5, 0.75])


def test_fisher_z_goes_back_with_tanh():
    assert back_transform("ZCOR", [math.atanh(0.3)])[0] == pytest.approx(0.3)


def test_the_arcsine_inverse_is_clipped_to_zero_and_one():
    values = back_transform("PAS", [-0.1, math.pi / 6, 2.0])
    assert values.tolist() == pytest.approx([0.0, 0.25, 1.0])


def test_measures_on_the_natural_scale_are_left_alone():
    assert back_transform("MD", [1.5]).tolist() == [1.5]
    assert back_transformed("MD", {"estimate": 1.0, "ci_lb": 0.0, "ci_ub": 2.0}) is None


def test_a_generic_effect_can_ask_for_a_transformation():
    out = back_transformed("GEN", {"estimate": 0.0, "ci_lb": -1.0, "ci_ub": 1.0}, transf="exp")
    assert out["pred"] == 1.0 and out["ci_lb"] == pytest.approx(math.exp(-1))
    assert "pi_lb" not in out


def test_the_harmonic_mean_by_hand():
    assert harmonic_mean([2, 6]) == pytest.approx(3.0)  # 1 / mean(1/2, 1/6)


def test_the_freeman_tukey_inverse_undoes_the_transform_for_one_sample_size():
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    assert inverse_pft(pft(p, 20), 20).tolist() == pytest.approx(p.tolist(), abs=1e-12)


def test_the_freeman_tukey_inverse_maps_out_of_range_values_to_zero_or_one():
    assert inverse_pft([-0.5, 2.0], 10).tolist() == [0.0, 1.0]


def test_the_freeman_tukey_back_transformation_needs_sample_sizes():
    with pytest.raises(StatsInputError, match="ni"):
        back_transform("PFT", [1.0])


def test_an_unknown_transformation_is_rejected():
    with pytest.raises(StatsInputError, match="unknown back-transformation"):
        transform_for("OR", "cube")


@settings(max_examples=100, deadline=None)
@given(
    x=st.integers(0, 300),
    extra=st.integers(1, 300),
)
def test_freeman_tukey_round_trip_for_any_proportion(x, extra):
    n = x + extra
    p = x / n
    assert float(inverse_pft(pft(p, n), n)) == pytest.approx(p, abs=1e-9)


def _case_names():
    path = SHARED_DATA / "meta" / "reference_cases.json"
    if not path.exists():
        return ["shared-data-absent"]
    cases = json.loads(path.read_text())["cases"]
    return [c["name"] for c in cases if c.get("extra", {}).get("back_transformed")]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", _case_names())
def test_back_transformed_values_agree_with_metafor(name):
    cases = json.loads(shared_path("meta", "reference_cases.json").read_text())["cases"]
    case = next(c for c in cases if c["name"] == name)
    # The GEN cases hold log odds ratios; metafor was told transf=exp for them.
    transf = "exp" if case["measure"] == "GEN" else None
    sizes = None if case["measure"] == "GEN" else escalc(case["measure"], case["data"]).n
    got = back_transformed(case["measure"], case["expected"], n=sizes, transf=transf)
    want = case["extra"]["back_transformed"]
    for key, value in want.items():
        if key != "transf":
            assert got[key] == pytest.approx(value, rel=1e-6, abs=1e-9), key
