"""Proposals from answers, and final judgements that keep the proposal beside the reviewer's
overrides."""

from .errors import AnswerError, OverrideError
from .overall import OVERALL_RULES
from .rules import DOMAIN_RULES, worst_answer
from .schema import NOT_APPLICABLE, check_answers


def _domain_result(tool, domain, state, missing):
    unanswered = [q["key"] for q in domain["questions"] if q["key"] in missing]
    if unanswered:
        return {"judgement": None, "reason": f"unanswered: {', '.join(unanswered)}"}
    if domain["rule"] == "worst_answer":
        return worst_answer(domain, state, [j["value"] for j in tool["judgements"]])
    return DOMAIN_RULES[domain["rule"]](domain, state)


def propose(tool, answers, *, convention=None):
    """The judgements a tool's published rules give for these answers:
    {"tool", "complete", "domains": {key: {"judgement", "reason", ["score", "max_score",
    "applicability"]}}, "overall": {...}, ["score", "max_score"]}. Unanswered questions
    leave their domain's judgement None; invalid answers raise AnswerError."""
    state, errors, missing = check_answers(tool, answers)
    if errors:
        raise AnswerError(errors)
    answered = {k: (v if v is not None else NOT_APPLICABLE) for k, v in state.items()}
    domains = {d["key"]: _domain_result(tool, d, answered, set(missing))
               for d in tool["domains"]}
    return _assemble(tool, domains, not missing, convention)


def _assemble(tool, domains, complete, convention):
    overall = OVERALL_RULES[tool["overall_rule"]](tool, domains, convention)
    result = {"tool": tool["key"], "complete": complete, "domains": domains, "overall": overall}
    if any(d["rule"] == "sum" for d in tool["domains"]):  # a running total while incomplete
        result["score"] = sum(d.get("score") or 0 for d in domains.values())
        result["max_score"] = sum(d.get("max_score") or 0 for d in domains.values())
    if convention:
        result["convention"] = convention
    return result


def _checked_override(where, override, proposed, allowed):
    if not isinstance(override, dict) or "judgement" not in override:
        raise OverrideError([(where, "an override is {'judgement': ..., 'reason': ...}")])
    if override["judgement"] not in allowed:
        raise OverrideError([(where, f"{override['judgement']!r} is not one of "
                                     f"{', '.join(sorted(allowed))}")])
    reason = (override.get("reason") or "").strip()
    if proposed is not None and override["judgement"] != proposed and not reason:
        raise OverrideError([(where, "overriding the proposed judgement needs a reason")])
    return override["judgement"], reason


def _final(entry, override, where, allowed):
    proposed = entry["judgement"]
    final = dict(entry, proposed=proposed, final=proposed, overridden=False)
    if override is not None:
        judgement, reason = _checked_override(where, override, proposed, allowed)
        final.update(final=judgement, overridden=judgement != proposed,
                     override_reason=reason, source="reviewer" if proposed is not None
                     else "assessor")
    del final["judgement"]
    return final


def final_judgements(proposal, overrides, *, tool=None):
    """Merge a proposal with the reviewer's overrides ({domain key or "overall":
    {"judgement", "reason"}}). Each entry keeps `proposed` beside `final`; a change from a
    proposed judgement needs a reason; where the tool proposes nothing (None), the
    assessor's judgement fills it. The overall proposal is re-derived from the final domain
    judgements before an overall override applies. `tool` is needed for a custom tool."""
    if tool is None:
        from . import get_tool
        tool = get_tool(proposal["tool"])
    overrides = overrides or {}
    keys = {d["key"] for d in tool["domains"]}
    unknown = sorted(set(overrides) - keys - {"overall"})
    if unknown:
        raise OverrideError([(k, "no such domain in " + tool["key"]) for k in unknown])
    allowed = {j["value"] for j in tool["judgements"]}
    domains = {}
    for key, entry in proposal["domains"].items():
        if key in overrides and "max_score" in entry:
            raise OverrideError([(key, "a scored domain follows its answers; change those")])
        domains[key] = _final(entry, overrides.get(key), key, allowed)
    rederived = {k: dict(d, judgement=d["final"]) for k, d in domains.items()}
    overall = OVERALL_RULES[tool["overall_rule"]](tool, rederived, proposal.get("convention"))
    result = {"tool": tool["key"], "complete": proposal["complete"], "domains": domains,
              "overall": _final(overall, overrides.get("overall"), "overall", allowed)}
    if result["overall"]["overridden"] and overall.get("may_raise_to") == \
            result["overall"]["final"]:
        result["overall"]["kind"] = "escalation"
    for key in ("score", "max_score", "convention"):
        if key in proposal:
            result[key] = proposal[key]
    return result
