"""Synthesis fixtures: the extraction team of tests/extraction."""
from tests.extraction.conftest import ex_team  # noqa: F401 - a fixture used here too
from tests.screening.conftest import screening_team  # noqa: F401,E402 - a fixture used here too
