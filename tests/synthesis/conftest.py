"""Synthesis fixtures: the extraction team of tests/extraction."""
from tests.extraction.conftest import ex_team  # noqa: F401 - a fixture used here too
