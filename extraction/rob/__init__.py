"""Risk-of-bias and study-quality tools as plain data, with their published algorithms:
RoB 2, ROBINS-I, Newcastle-Ottawa, MINORS, JBI case series, QUADAS-2 and owner-defined
tools. This core imports no Django. The Django layer beside it stores answers and overrides
(services.py writes, selectors.py reads, views.py pages, api.py the REST API, urls.py their
routes); nothing here imports it, so `import extraction.rob` stays free of Django."""

from .assess import final_judgements, propose
from .errors import AnswerError, OverrideError, RobError, ToolError
from .risk import is_high_risk, nos_domain_bands
from .schema import validate_answers, validate_tool
from .tools import jbi, minors, nos, quadas2, rob2, robins_i

_TOOLS = [
    rob2.ROB2, rob2.ROB2_ADHERING, robins_i.ROBINS_I, robins_i.ROBINS_I_ADHERING,
    nos.COHORT, nos.CASE_CONTROL, minors.NON_COMPARATIVE, minors.COMPARATIVE,
    jbi.CASE_SERIES, quadas2.QUADAS2,
]


def tools():
    """The published tools, by key, in a stable order."""
    return {tool["key"]: tool for tool in _TOOLS}


def get_tool(key):
    try:
        return tools()[key]
    except KeyError:
        raise ToolError([(str(key), f"no such tool; known: {', '.join(tools())}")]) from None


__all__ = [
    "AnswerError", "OverrideError", "RobError", "ToolError", "final_judgements", "get_tool",
    "is_high_risk", "nos_domain_bands",
    "propose", "tools", "validate_answers", "validate_tool",
]
