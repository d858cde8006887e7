"""Any bytes give records or a clean ParseError, never another exception or a hang."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.searches.importers import FORMATS, RECORD_KEYS, ParseError, parse

from .test_encodings import NOTEEXPRESS
from .test_formats import ENDNOTE_XML, MEDLINE, RIS

FUZZ = settings(
    max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
SEEDS = [RIS, MEDLINE, NOTEEXPRESS, ENDNOTE_XML, "title,year\nA,2001\n", "@article{k, title={T}}\n"]


def _check(data: bytes, format=None):
    try:
        result = parse(data, filename="fuzz", format=format)
    except ParseError as exc:
        assert exc.filename == "fuzz"
        assert exc.reason
        return
    for parsed in result.records:
        assert tuple(parsed.record) == RECORD_KEYS
        assert isinstance(parsed.line, int)
        assert parsed.record["year"] is None or isinstance(parsed.record["year"], int)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_with_detection(data):
    _check(data)


@pytest.mark.parametrize("format", FORMATS)
@FUZZ
@given(data=st.binary(max_size=1000))
def test_any_bytes_in_each_named_format(format, data):
    _check(data, format)


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.binary(max_size=40),
    codec=st.sampled_from(["utf-8", "utf-16", "gb18030"]),
)
def test_damaged_exports(seed, cut, junk, codec):
    data = seed.encode(codec)
    cut = min(cut, len(data))
    _check(data[:cut] + junk + data[cut:])


@FUZZ
@given(st.text(alphabet=st.sampled_from("TYERAU -\n\r{}@%<>,\"';:中0"), max_size=300))
def test_text_made_of_format_syntax(text):
    _check(text.encode("utf-8"))
