"""R scripts that reproduce a compiled analysis with metafor (3.8 or later), base R only.

For an engine case (compile_case's output) `r_files` gives NAME.csv (the data, one row per
study) and NAME.R; `Rscript NAME.R` run in the folder writes NAME.metafor.json with estimate,
se, ci_lb, ci_ub, pval, tau2, I2, QE (and Qb where subgrouped, with Qb computed as the engine
defines it: the separately pooled levels, a one-study level entering with its own estimate).
Every choice is written out in the script (measure, method, test, add/to, vtype, r).
"""

import csv
import io
import re
import unicodedata
from pathlib import Path

from .spec import MEASURE_LABELS

DATA_COLUMNS = ("ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "ni", "ri",
                "xi", "ti", "x1i", "t1i", "x2i", "t2i", "yi", "vi")
NO_ADD = frozenset({"PFT", "PAS", "IRS", "IRFT"})
COUNT_MEASURES = frozenset({"OR", "RR", "RD", "PLO", "PFT", "PR", "PAS", "IRR", "IRD", "IRLN",
                            "IR", "PETO"})
# Options that change no output of the script (prediction interval, bias tests).
IGNORED_OPTIONS = frozenset({"pi", "regtest_model", "ranktest"})
CONTROL = "list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)"


class RScriptError(ValueError):
    """The case uses something this generator cannot write for metafor 3.8."""


def slugify(name):
    """A file-name slug: ASCII letters, digits and single hyphens ("mRSS at 6 months" ->
    "mrss-at-6-months"); text with no ASCII letters falls back to "analysis"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80].strip("-") or "analysis"


def r_files(case, name=None):
    """(NAME, csv text, R script text) for one compiled case."""
    extra = case.get("extra") or {}
    slug = slugify(name or extra.get("analysis") or case.get("name") or "analysis")
    _check_supported(case)
    return slug, _csv(case), _script(case, slug)


def write_r_files(case, directory, name=None):
    """Writes NAME.csv and NAME.R into directory; returns their paths."""
    slug, csv_text, r_text = r_files(case, name)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, r_path = directory / f"{slug}.csv", directory / f"{slug}.R"
    csv_path.write_text(csv_text, encoding="utf-8")
    r_path.write_text(r_text, encoding="utf-8")
    return csv_path, r_path


# ---------------------------------------------------------------- checks and data


def _check_supported(case):
    opts = case.get("options") or {}
    if opts.get("q_center", "iv") != "iv":
        raise RScriptError('option q_center "mh" (RevMan Q) has no metafor equivalent')
    if opts.get("mh_rd_variance", "sato") != "sato":
        raise RScriptError("the Greenland-Robins MH risk-difference variance is not metafor's")
    if opts.get("knha_adhoc", "none") != "none":
        raise RScriptError("ad hoc Hartung-Knapp variants are not written for metafor 3.8")
    if opts.get("i2", "tau2") not in ("tau2", "q"):
        raise RScriptError('option i2 must be "tau2" or "q"')
    if case.get("multilevel") is not None:
        raise RScriptError("multilevel models are not written as R scripts")


def _columns(case):
    return [c for c in case["data"] if c in DATA_COLUMNS]


def _number(value):
    if isinstance(value, bool):
        raise RScriptError(f"{value!r} is not a number")
    return str(value) if isinstance(value, int) else repr(float(value))


def _csv(case):
    data = case["data"]
    columns = _columns(case)
    header = ["study", *columns]
    extra = case.get("extra") or {}
    if case.get("subgroup") is not None:
        header.append("subgroup")
    mods = case.get("moderators") or {}
    header += [f"mod_{i + 1}" for i in range(len(mods))]
    if extra.get("ri_source") and "ri" in data:
        header.append("ri_source")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    k = len(data[columns[0]])
    labels = data.get("study") or [f"study {i + 1}" for i in range(k)]
    for i in range(k):
        row = [labels[i], *(_number(data[c][i]) for c in columns)]
        if case.get("subgroup") is not None:
            row.append(str(case["subgroup"][i]))
        row += [_number(values[i]) for values in mods.values()]
        if "ri_source" in header:
            row.append(extra["ri_source"][i] or "")
        writer.writerow(row)
    return buf.getvalue()


# ---------------------------------------------------------------- the script


def _r_string(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _escalc_call(case):
    measure, opts = case["measure"], case.get("options") or {}
    args = [f"measure = {_r_string(measure)}"]
    args += [f"{c} = {c}" for c in _columns(case)]
    args.append("data = dat")
    if measure in COUNT_MEASURES:
        add = opts.get("add", 0 if measure in NO_ADD else 0.5)
        args.append(f"add = {_number(add)}")
        args.append(f"to = {_r_string(opts.get('to', 'only0'))}")
    args.append(f"vtype = {_r_string(opts.get('vtype', 'LS'))}")
    return "es <- escalc(" + ", ".join(args) + ")"


def _effect_lines(case):
    """Written-out effect sizes where metafor 3.8 and later differ or lack the convention."""
    measure, opts = case["measure"], case.get("options") or {}
    lines = [_escalc_call(case)]
    if measure == "ROM" and opts.get("rom_correction", "lajeunesse") == "lajeunesse":
        lines += ["# ROM with Lajeunesse's (2015, eq. 8) bias correction, written out so that",
                  "# metafor 3.8 (classic estimator) and 5.x give the same yi",
                  "es$yi <- log(es$m1i / es$m2i) + 0.5 * (es$sd1i^2 / (es$n1i * es$m1i^2) -",
                  "                                       es$sd2i^2 / (es$n2i * es$m2i^2))"]
    if measure == "SMD" and opts.get("smd_correction", "exact") == "approx":
        lines += ["# SMD as RevMan 5 computes it: J = 1 - 3/(4N - 9),",
                  "# vi = N/(n1 n2) + g^2/(2(N - 3.94))",
                  "N <- es$n1i + es$n2i",
                  "sp <- sqrt(((es$n1i - 1) * es$sd1i^2 + (es$n2i - 1) * es$sd2i^2) / (N - 2))",
                  "es$yi <- (1 - 3 / (4 * N - 9)) * (es$m1i - es$m2i) / sp",
                  "es$vi <- N / (es$n1i * es$n2i) + es$yi^2 / (2 * (N - 3.94))"]
    return lines


def _fit_function(case):
    measure, method = case["measure"], case.get("method", "REML")
    opts = case.get("options") or {}
    test = case.get("test", "z")
    if method in ("MH", "PETO"):
        cols = ", ".join(f"{c} = {c}" for c in _columns(case))
        add = _number(opts.get("add", 0.5))
        to = _r_string(opts.get("to", "only0"))
        drop00 = "TRUE" if opts.get("drop00", True) else "FALSE"
        if method == "PETO":
            return (f"fit <- function(d) rma.peto({cols}, data = d, add = {add}, to = {to}, "
                    f"drop00 = {drop00})")
        correct = "TRUE" if opts.get("correct", True) else "FALSE"
        return (f"fit <- function(d) rma.mh({cols}, data = d, measure = {_r_string(measure)}, "
                f"add = {add}, to = {to}, drop00 = {drop00}, correct = {correct})")
    weights = ", weights = 1 / vi" if opts.get("weights") == "1/vi" else ""
    mods = ""
    if case.get("moderators"):
        mods = ", mods = ~ " + " + ".join(f"mod_{i + 1}" for i in range(len(case["moderators"])))
    return (f"fit <- function(d) rma(yi, vi, data = d{mods}, method = {_r_string(method)}, "
            f"test = {_r_string(test)}{weights}, control = {CONTROL})")


def _header(case, slug):
    extra = case.get("extra") or {}
    measure = extra.get("measure", case["measure"])
    lines = [
        f"# Prismflow analysis {_r_string(extra.get('analysis') or case.get('name'))}, "
        "reproduced with metafor (3.8 or later) and base R only.",
        f"# Data: {slug}.csv, one row per study. Writes {slug}.metafor.json.",
        f"# Measure: {measure} = {MEASURE_LABELS.get(measure, measure)}; "
        f"escalc measure {case['measure']}.",
    ]
    if extra.get("sign"):
        first = "baseline" if extra["sign"] == "baseline_minus_follow_up" else "follow-up"
        second = "follow-up" if first == "baseline" else "baseline"
        lines.append(f"# Sign: {extra['sign'].replace('_', ' ')} (m1i = {first}, "
                     f"m2i = {second}).")
    if extra.get("assumed_r") is not None:
        lines.append(f"# Pre/post correlation ri: the study's own where reported, otherwise the "
                     f"assumed r = {extra['assumed_r']:g} (column ri_source).")
    method, test = case.get("method", "REML"), case.get("test", "z")
    model = {"FE": "common effect (inverse variance)", "MH": "Mantel-Haenszel",
             "PETO": "Peto"}.get(method, f"random effects, tau^2 estimator {method}")
    lines.append(f"# Model: {model}; test: {test}"
                 + (" (Hartung-Knapp-Sidik-Jonkman)" if test == "knha" else "") + ".")
    if case.get("subgroup") is not None:
        lines.append("# Subgroups: each level pooled on its own (a one-study level: its own "
                     "estimate); Qb compares the level estimates on G - 1 df.")
    return lines


_OUTPUT = r'''
num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x[1])) return("null")
  sprintf("%.17g", as.numeric(x[1]))
}
tau2 <- if (is.null(res$tau2)) 0 else res$tau2
I2 <- res$I2
'''

_I2_FROM_Q = r'''# I^2 from Q (option i2 = "q"): max(0, 100 (QE - df) / QE)
I2 <- max(0, 100 * (res$QE - (res$k - res$p)) / res$QE)
'''

_SUBGROUPS = r'''
level_fit <- function(d) {
  if (nrow(d) > 1 || MULTI) fit(d) else rma(yi, vi, data = d, method = "FE", test = "z")
}
est <- c(); sei <- c()
for (g in unique(es$subgroup)) {
  r <- level_fit(es[es$subgroup == g, ])
  est <- c(est, r$beta[1]); sei <- c(sei, r$se)
}
w <- 1 / sei^2
Qb <- sum(w * (est - sum(w * est) / sum(w))^2)
fields <- c(fields, Qb = num(Qb))
'''


def _script(case, slug):
    lines = _header(case, slug)
    lines += ["", "suppressMessages(library(metafor))",
              f'dat <- read.csv("{slug}.csv", stringsAsFactors = FALSE)']
    if case.get("method") in ("MH", "PETO"):
        lines.append("es <- dat  # Mantel-Haenszel and Peto take the counts themselves")
    else:
        lines += _effect_lines(case)
    lines += [_fit_function(case), "res <- fit(es)"]
    script = "\n".join(lines) + "\n" + _OUTPUT
    if (case.get("options") or {}).get("i2") == "q":
        script += _I2_FROM_Q
    script += ("fields <- c(estimate = num(res$beta), se = num(res$se), ci_lb = num(res$ci.lb), "
               "ci_ub = num(res$ci.ub),\n            pval = num(res$pval), tau2 = num(tau2), "
               "I2 = num(I2), QE = num(res$QE))\n")
    if case.get("moderators"):
        script += "# With moderators the estimate is the intercept; QM tests the moderators.\n"
        script += "fields <- c(fields, QM = num(res$QM))\n"
    if case.get("subgroup") is not None:
        multi = "TRUE" if case.get("method") in ("MH", "PETO") else "FALSE"
        script += _SUBGROUPS.replace("MULTI", multi)
    script += (
        'json <- paste0("{\\n", paste0(sprintf("  \\"%s\\": %s", names(fields), fields), '
        'collapse = ",\\n"), "\\n}\\n")\n'
        f'writeLines(json, "{slug}.metafor.json", sep = "")\n'
    )
    return script
