"""Errors the statistics engine raises for input a reviewer has to fix."""


class StatsInputError(ValueError):
    """Invalid analysis input; the message names the study or column and says why."""
