"""Comparison of two extractions of one study: flatten each to keyed values, list where they
differ. Pure (no Django).

Keys: `f:<field key>` for a form field, `c:<outcome>:<time point>:<arm>:<statistic>` for a
statistic of an outcome cell, `arms` for the study's arms.
"""


def field_key(key):
    return f"f:{key}"


def cell_key(outcome, timepoint, arm, stat):
    return f"c:{outcome}:{timepoint}:{arm}:{stat}"


def parse_cell_key(key):
    _c, outcome, timepoint, arm, stat = key.split(":")
    return int(outcome), int(timepoint), int(arm), stat


def flatten(values, cells):
    """values: {field: value}; cells: {(outcome, timepoint, arm): {stat: number}}."""
    flat = {field_key(k): v for k, v in (values or {}).items() if v is not None}
    for (outcome, timepoint, arm), stats in (cells or {}).items():
        for stat, number in stats.items():
            if number is not None:
                flat[cell_key(outcome, timepoint, arm, stat)] = number
    return flat


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return a == b


def differences(flat_a, flat_b):
    """Keys whose values differ (one missing counts as a difference), in a stable order."""
    keys = sorted(set(flat_a) | set(flat_b))
    return [k for k in keys if not _same(flat_a.get(k), flat_b.get(k))]


def agreed(flat_a, flat_b):
    return {k: v for k, v in flat_a.items() if k in flat_b and _same(v, flat_b[k])}


def unflatten(flat):
    """Back to (values, cells)."""
    values, cells = {}, {}
    for key, value in flat.items():
        if key.startswith("f:"):
            values[key[2:]] = value
        elif key.startswith("c:"):
            outcome, timepoint, arm, stat = parse_cell_key(key)
            cells.setdefault((outcome, timepoint, arm), {})[stat] = value
    return values, cells
