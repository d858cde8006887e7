"""The PRISMA 2020 flow as plain data: assembling it, checking that its boxes add up, CSV rows.

No Django here: `synthesis.prisma.selectors` gathers the counts from the review, this module
turns them into the flow dict that the page, the API, the exports and `figures.prisma` all
read.

A flow has two columns, as the PRISMA 2020 template has: "databases_and_registers" and
"other_methods" (websites, organisations, citation searching). Each column carries every box
of its path, and the "awaiting" counts that keep the boxes adding up while a review is under
way (records without a title/abstract decision yet, reports without a full-text decision).
"""

COLUMNS = ("databases_and_registers", "other_methods")
KINDS = ("database", "register", "other_method")

# The boxes of one column, in the order of the path; every one is a count.
COLUMN_COUNTS = (
    "identified", "duplicates_removed", "removed_by_automation", "removed_other",
    "screened", "excluded", "awaiting_screening",
    "sought", "not_retrieved", "awaiting_assessment", "assessed", "reports_included",
)


def empty_column():
    column = dict.fromkeys(COLUMN_COUNTS, 0)
    column.update(sources=[], reports_excluded=[])
    return column


def assemble_flow(*, columns, included, previous=None, review_id=None, pairs_waiting=0):
    """The flow dict from each column's counts and the included studies.

    `columns`: {column name: counts as in `empty_column`}, missing columns are empty.
    `included`: {"studies": n, "reports": n}, the new studies (and their reports) included.
    `previous`: {"studies": n, "reports": n} for an updated review (the PRISMA 2020 template
    for updated reviews), else None. Prismflow has no model for a previous version yet, so
    the caller passes these numbers.
    """
    flow = {"review_id": review_id, "template": "updated" if previous else "new"}
    for name in COLUMNS:
        column = empty_column()
        column.update(columns.get(name) or {})
        column["identified"] = sum(s["n"] for s in column["sources"])
        flow[name] = column
    flow["duplicate_pairs_waiting"] = pairs_waiting
    flow["included"] = {"studies": included["studies"], "reports": included["reports"]}
    flow["previous"] = dict(previous) if previous else None
    flow["total"] = ({key: flow["included"][key] + previous[key] for key in ("studies", "reports")}
                     if previous else None)
    return flow


def has_other_methods(flow):
    """Whether the diagram needs its "other methods" column."""
    column = flow["other_methods"]
    return bool(column["sources"] or column["identified"] or column["sought"])


def _count_problems(flow):
    problems = []
    for name in COLUMNS:
        for key in COLUMN_COUNTS:
            value = flow[name].get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f"{name}.{key} is {value!r}, not a count")
        for row in flow[name].get("sources", []) + flow[name].get("reports_excluded", []):
            if not isinstance(row.get("n"), int) or row["n"] < 0:
                problems.append(f"{name}: {row!r} has no count")
    return problems


def _column_problems(name, c):
    excluded_reports = sum(r["n"] for r in c["reports_excluded"])
    rules = [
        ("sum of sources", sum(s["n"] for s in c["sources"]), "identified", c["identified"]),
        ("identified - duplicates - automation - other removed",
         c["identified"] - c["duplicates_removed"] - c["removed_by_automation"]
         - c["removed_other"], "screened", c["screened"]),
        ("screened - excluded - awaiting screening",
         c["screened"] - c["excluded"] - c["awaiting_screening"], "sought", c["sought"]),
        ("sought - not retrieved - awaiting assessment",
         c["sought"] - c["not_retrieved"] - c["awaiting_assessment"], "assessed", c["assessed"]),
        ("assessed - reports excluded (all reasons)", c["assessed"] - excluded_reports,
         "reports included", c["reports_included"]),
    ]
    return [f"{name}: {left} = {lv}, but {right} = {rv}"
            for left, lv, right, rv in rules if lv != rv]


def check_flow(flow):
    """Every way the flow's boxes fail to add up, as sentences; [] when they all do."""
    problems = _count_problems(flow)
    if problems:
        return problems
    for name in COLUMNS:
        problems += _column_problems(name, flow[name])
    reports = sum(flow[name]["reports_included"] for name in COLUMNS)
    included = flow["included"]
    if reports != included["reports"]:
        problems.append(f"reports included over both columns = {reports}, but reports of "
                        f"included studies = {included['reports']}")
    if included["studies"] > included["reports"]:
        problems.append(f"{included['studies']} studies included from only "
                        f"{included['reports']} reports")
    if flow.get("previous"):
        for key in ("studies", "reports"):
            expected = flow["previous"][key] + included[key]
            if (flow.get("total") or {}).get(key) != expected:
                problems.append(f"total {key} should be previous + new = {expected}")
    return problems


def flow_rows(flow):
    """The flow as CSV rows (column, box, item, n): one row per count, sources and reasons
    one row each, so a spreadsheet can rebuild every box."""
    rows = [("column", "box", "item", "n")]
    for name in COLUMNS:
        column = flow[name]
        for source in column["sources"]:
            rows.append((name, f"identified_{source['kind']}", source["name"], source["n"]))
        for key in COLUMN_COUNTS:
            rows.append((name, key, "", column[key]))
        for reason in column["reports_excluded"]:
            rows.append((name, "reports_excluded", reason["reason"], reason["n"]))
    for part in ("previous", "included", "total"):
        if flow.get(part):
            rows.append(("", f"{part}_studies", "", flow[part]["studies"]))
            rows.append(("", f"{part}_reports", "", flow[part]["reports"]))
    rows.append(("", "duplicate_pairs_waiting", "", flow["duplicate_pairs_waiting"]))
    return rows
