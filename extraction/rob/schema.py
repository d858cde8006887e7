"""The tool schema (a plain dict) and the checks on tools and on answers."""

import re

from .errors import AnswerError, ToolError
from .overall import OVERALL_JUDGEMENTS, OVERALL_RULES
from .rules import DOMAIN_RULES, RULE_JUDGEMENTS

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
NOT_APPLICABLE = "NA"


def _text_errors(where, value):
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not value["en"]:
        return [(where, "needs an English text {'en': ..., 'zh': ...}")]
    if "zh" in value and not isinstance(value["zh"], str):
        return [(where, "the Chinese text must be a string")]
    return []


def _option_errors(where, options, scored):
    errors = []
    if not isinstance(options, list) or not options:
        return [(where, "needs a non-empty list of options")]
    seen = set()
    for i, opt in enumerate(options):
        at = f"{where}[{i}]"
        if not isinstance(opt, dict) or not isinstance(opt.get("value"), str) \
                or not opt["value"]:
            errors.append((at, "an option needs a string value"))
            continue
        if opt["value"] in seen:
            errors.append((at, f"option {opt['value']!r} is listed twice"))
        seen.add(opt["value"])
        errors += _text_errors(f"{at}.label", opt.get("label"))
        score = opt.get("score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)
                                  or score < 0):
            errors.append((at, "a score must be a number of 0 or more"))
        if scored and score is None and opt["value"] not in (NOT_APPLICABLE, "not_applicable"):
            errors.append((at, "every option of a scored domain needs a score "
                               "(only a not-applicable option may go without)"))
    return errors


def _condition_errors(where, when, earlier):
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("any", "all"):
        return [(where, "a condition is {'any': [...]} or {'all': [...]}")]
    clauses = next(iter(when.values()))
    if not isinstance(clauses, list) or not clauses:
        return [(where, "a condition needs at least one clause")]
    errors = []
    for clause in clauses:
        if not isinstance(clause, dict) or clause.get("q") not in earlier:
            errors.append((where, f"a condition may only refer to an earlier question, not "
                                  f"{clause.get('q') if isinstance(clause, dict) else clause!r}"))
            continue
        values = {o["value"] for o in earlier[clause["q"]]["options"]}
        unknown = set(clause.get("in") or []) - values
        if not clause.get("in") or unknown:
            errors.append((where, f"the answers a condition tests must be options of "
                                  f"{clause['q']} (unknown: {sorted(unknown)})"))
    return errors


def _domain_errors(at, domain, questions, judgements):
    errors = []
    if not isinstance(domain, dict):
        return [(at, "a domain is a dict")]
    errors += _text_errors(f"{at}.name", domain.get("name"))
    if "guidance" in domain:
        errors += _text_errors(f"{at}.guidance", domain["guidance"])
    rule = domain.get("rule")
    if rule not in DOMAIN_RULES:
        errors.append((at, f"unknown rule {rule!r}; use one of {sorted(DOMAIN_RULES)}"))
    missing = RULE_JUDGEMENTS.get(rule, set()) - judgements
    if missing:
        errors.append((at, f"rule {rule} needs the judgements {sorted(missing)}"))
    if not isinstance(domain.get("questions"), list):
        return errors + [(at, "needs a list of questions")]
    for j, question in enumerate(domain["questions"]):
        qat = f"{at}.questions[{j}]"
        before = len(errors)
        if not isinstance(question, dict) or not KEY.match(str(question.get("key", ""))):
            errors.append((qat, "a question needs a key of letters, digits, '.', '_' or '-'"))
            continue
        if question["key"] in questions:
            errors.append((qat, f"question key {question['key']!r} is used twice"))
        errors += _text_errors(f"{qat}.text", question.get("text"))
        if "guidance" in question:
            errors += _text_errors(f"{qat}.guidance", question["guidance"])
        errors += _option_errors(f"{qat}.options", question.get("options"), rule == "sum")
        if "when" in question:
            errors += _condition_errors(f"{qat}.when", question["when"], questions)
        if rule == "worst_answer":
            for opt in question.get("options") or []:
                if opt.get("judgement") is not None and opt["judgement"] not in judgements:
                    errors.append((qat, f"option {opt.get('value')!r} maps to unknown "
                                        f"judgement {opt['judgement']!r}"))
        if len(errors) == before:
            questions[question["key"]] = question
    if rule == "sum" and not errors and domain.get("max_score") is not None:
        top = sum(max(o.get("score", 0) for o in q["options"]) for q in domain["questions"])
        if top != domain["max_score"]:
            errors.append((at, f"max_score {domain['max_score']} but the options add up to "
                               f"{top}"))
    return errors


def validate_tool(tool):
    """Check a tool (published or owner-defined) against the schema; raise ToolError listing
    every problem, or return the tool."""
    if not isinstance(tool, dict):
        raise ToolError([("tool", "a tool is a dict")])
    errors = []
    if not KEY.match(str(tool.get("key", ""))):
        errors.append(("key", "needs a key of letters, digits, '.', '_' or '-'"))
    errors += _text_errors("name", tool.get("name"))
    if tool.get("translation", "official") not in ("official", "unofficial"):
        errors.append(("translation", "is 'official' or 'unofficial'"))
    judgements = tool.get("judgements")
    if not isinstance(judgements, list):
        errors.append(("judgements", "needs a list (empty for a score-only tool)"))
        judgements = []
    elif judgements:
        errors += _option_errors("judgements", judgements, scored=False)
    values = {j.get("value") for j in judgements if isinstance(j, dict)}
    rule = tool.get("overall_rule")
    if rule not in OVERALL_RULES:
        errors.append(("overall_rule", f"unknown rule {rule!r}; use one of "
                                       f"{sorted(OVERALL_RULES)}"))
    missing = OVERALL_JUDGEMENTS.get(rule, set()) - values
    if missing:
        errors.append(("overall_rule", f"rule {rule} needs the judgements {sorted(missing)}"))
    domains = tool.get("domains")
    if not isinstance(domains, list) or not domains:
        raise ToolError(errors + [("domains", "needs a non-empty list of domains")])
    if rule == "nos" and [d.get("rule") for d in domains] != ["sum"] * 3:
        errors.append(("overall_rule", "the NOS rule needs three scored domains"))
    questions, keys = {}, set()
    for i, domain in enumerate(domains):
        at = f"domains[{i}]"
        key = domain.get("key") if isinstance(domain, dict) else None
        if not KEY.match(str(key or "")) or key in keys:
            errors.append((at, f"needs a unique key (got {key!r})"))
        keys.add(key)
        errors += _domain_errors(at, domain, questions, values)
    if errors:
        raise ToolError(errors)
    return tool


def questions_of(tool):
    return [q for d in tool["domains"] for q in d["questions"]]


def _clause(clause, state):
    value = state.get(clause["q"])
    if value is None:
        return None
    return value in clause["in"]


def applies(question, state):
    """True, False, or None (not known yet: an earlier answer is missing)."""
    when = question.get("when")
    if not when:
        return True
    results = [_clause(c, state) for c in next(iter(when.values()))]
    if "any" in when:
        return True if True in results else None if None in results else False
    return False if False in results else None if None in results else True


def _describe(when):
    mode, clauses = next(iter(when.items()))
    parts = [f"{c['q']} is {'/'.join(c['in'])}" for c in clauses]
    return parts[0] if len(parts) == 1 else f"{mode} of ({'; '.join(parts)})"


def check_answers(tool, answers):
    """Walk the questions in order; return (state, errors, missing). `state` maps every
    question key to its answer, NOT_APPLICABLE, or None when unanswered."""
    if not isinstance(answers, dict):
        return {}, [(tool["key"], "answers must be a dict of question key to answer")], []
    known = {q["key"] for q in questions_of(tool)}
    errors = [(k if isinstance(k, str) and k else repr(k), "no such question in " + tool["key"])
              for k in answers if k not in known]
    state, missing = {}, []
    for question in questions_of(tool):
        key, value = question["key"], answers.get(question["key"])
        values = [o["value"] for o in question["options"]]
        applicable = applies(question, state)
        if value is not None and not isinstance(value, str):
            errors.append((key, f"an answer is a string, not {value!r}"))
            state[key] = None
            continue
        if applicable is False:
            if value not in (None, NOT_APPLICABLE):
                errors.append((key, f"not asked unless {_describe(question['when'])}; leave "
                                    f"it out or answer {NOT_APPLICABLE}"))
            state[key] = NOT_APPLICABLE
            continue
        if value == NOT_APPLICABLE and NOT_APPLICABLE not in values:
            if applicable:
                errors.append((key, "is asked here, so it cannot be NA"))
            state[key] = NOT_APPLICABLE if applicable is None else None
            continue
        if value is not None and value not in values:
            errors.append((key, f"{value!r} is not one of {', '.join(values)}"))
            state[key] = None
            continue
        if value is None and applicable:
            missing.append(key)
        state[key] = value
    return state, errors, missing


def validate_answers(tool, answers, *, partial=False):
    """Return the answers cleaned (every question key present: its answer, "NA" where the
    question is not asked, None where unanswered and `partial`), or raise AnswerError naming
    each question and the reason."""
    state, errors, missing = check_answers(tool, answers)
    if not partial:
        errors += [(k, "is asked but not answered") for k in missing]
    if errors:
        raise AnswerError(errors)
    return state
