"""CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are
prefixed with a quote, in every CSV export (OWASP: CSV injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def safe_row(row):
    return [safe_cell(v) for v in row]
