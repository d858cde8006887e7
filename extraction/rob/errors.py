"""Errors the risk-of-bias core raises for input an assessor or tool owner has to fix."""


class RobError(ValueError):
    """Base class; `errors` lists (where, reason) pairs, the message joins them."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{where}: {reason}" for where, reason in self.errors))


class ToolError(RobError):
    """A tool definition breaks the schema (where = a path inside the tool)."""


class AnswerError(RobError):
    """Answers break the tool (where = the question key, or the tool key)."""


class OverrideError(RobError):
    """A reviewer's override is incomplete (where = the domain key or "overall")."""
