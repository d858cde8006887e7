"""Writes of risk-of-bias assessment: the review's tools, paired assessments with their
answers, supporting quotes and overrides, and consensus. Each is one transaction and writes
its audit event in it. Audit events written before both assessors have submitted name the
questions touched, never the answers, so the audit log cannot unblind anyone."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.access import can, review_for
from reviews.audit.services import audit_record
from reviews.errors import Conflict, Missing
from screening.models import Study

from .. import rob
from ..models import Mode, Outcome, RobAssessment, RobDecision, RobTarget, RobTool
from ..services import refuse_if_locked, settings_for, settings_locked_row, study_for_record
from .selectors import (
    PER_RESULT_FAMILIES,
    assessment_flat,
    individuals_of,
    judgement_differences,
    not_asked,
    tool_for,
)

Kind, Status = RobAssessment.Kind, RobAssessment.Status


def _invalid(exc):
    """A core error (pairs of where and why) as a Django ValidationError keyed by where."""
    errors = {}
    for where, reason in getattr(exc, "errors", [("detail", str(exc))]):
        errors.setdefault(str(where), []).append(reason)
    return ValidationError(errors)


# ---------------------------------------------------------------- the review's tools


@transaction.atomic
def rob_tools_update(*, actor, review, keys):
    """Choose the tools the review uses, in order: published tools by key and the owner's
    custom tools. A tool already used by an assessment cannot be dropped."""
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    custom = {t.key: t for t in RobTool.objects.select_for_update().filter(
        review=review, definition__isnull=False)}
    unknown = [k for k in keys if k not in rob.tools() and k not in custom]
    if unknown:
        raise Missing({"keys": _("Unknown tool: %(k)s") % {"k": ", ".join(unknown)}})
    before = list(RobTool.objects.filter(review=review, chosen=True)
                  .values_list("key", flat=True))
    used = set(RobTarget.objects.filter(review=review).values_list("tool_key", flat=True))
    dropped = sorted(used - set(keys))
    if dropped:
        raise Conflict({"keys": _("Assessments use %(k)s; it cannot be dropped.")
                        % {"k": ", ".join(dropped)}})
    RobTool.objects.filter(review=review, definition__isnull=True).exclude(key__in=keys).delete()
    RobTool.objects.filter(review=review).exclude(key__in=keys).update(chosen=False)
    for position, key in enumerate(dict.fromkeys(keys)):
        RobTool.objects.update_or_create(review=review, key=key,
                                         defaults={"position": position, "chosen": True})
    audit_record(review=review, actor=actor, verb="rob.tools", obj=review, before=before,
                 after=list(dict.fromkeys(keys)))
    return list(RobTool.objects.filter(review=review))


@transaction.atomic
def rob_custom_tool_save(*, actor, review, definition):
    """Define (or, while no assessment uses it, redefine) a custom tool; it is added to the
    review's tools."""
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    try:
        rob.validate_tool(definition)
    except rob.ToolError as exc:
        raise _invalid(exc) from exc
    key = definition["key"]
    if key in rob.tools():
        raise Conflict({"key": _("A published tool has this key; choose another.")})
    if RobTarget.objects.filter(review=review, tool_key=key).exists():
        raise Conflict({"key": _("Assessments use this tool; it cannot change now.")})
    position = RobTool.objects.filter(review=review).count()
    tool, _created = RobTool.objects.update_or_create(
        review=review, key=key, defaults={"definition": definition, "chosen": True})
    if _created:
        tool.position = position
        tool.save(update_fields=["position"])
    audit_record(review=review, actor=actor, verb="rob.custom_tool", obj=tool,
                 after={"key": key, "domains": [d["key"] for d in definition["domains"]]})
    return tool


# ---------------------------------------------------------------- assessments


def _target(review, study_id, record_id, tool, outcome_id, result):
    study = Study.objects.filter(pk=study_id, review=review).first() if study_id else \
        study_for_record(review=review, record_id=record_id)
    if study is None:
        raise Missing({"study": _("No such study in this review.")})
    result = (result or "").strip()
    if tool["family"] in PER_RESULT_FAMILIES:
        outcome = Outcome.objects.filter(pk=outcome_id, review=review).first()
        if outcome is None:
            raise ValidationError({"outcome": _("RoB 2 assesses a result: choose its outcome.")})
        slot = f"{outcome.id}:{result}"
    else:
        outcome, result, slot = None, "", ""
    target, _created = RobTarget.objects.get_or_create(
        study=study, tool_key=tool["key"], slot=slot,
        defaults={"review": review, "outcome": outcome, "result": result})
    return target


@transaction.atomic
def rob_assessment_start(*, actor, review, tool_key, study_id=None, record_id=None,
                         outcome_id=None, result=""):
    """My assessment of a study (or of one of its results) with one of the review's tools;
    the one I have if I started it already. At most as many people as the mode needs."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    row = settings_locked_row(review)  # serialises starts: two people, one free place
    tool = tool_for(review, tool_key)
    if tool is None:
        raise Conflict({"tool": _("The review does not use this tool.")})
    target = _target(review, study_id, record_id, tool, outcome_id, result)
    mine = RobAssessment.objects.filter(target=target, kind=Kind.INDIVIDUAL,
                                        assessor=actor).first()
    if mine:
        return mine
    if len(individuals_of(target)) >= row.extractors_needed:
        raise Conflict(_("This study already has its assessors."))
    try:
        with transaction.atomic():
            mine = RobAssessment.objects.create(review=review, target=target, assessor=actor)
    except IntegrityError:
        return RobAssessment.objects.get(target=target, kind=Kind.INDIVIDUAL, assessor=actor)
    audit_record(review=review, actor=actor, verb="rob.start", obj=mine,
                 after={"study": target.study_id, "tool": tool["key"], "slot": target.slot})
    return mine


def _own(actor, review, assessment_id):
    # Lock the assessment only: locking its target too made a concurrent start (whose
    # insert checks the target's key) and this submit wait on each other.
    assessment = (RobAssessment.objects.select_for_update(of=("self",))
                  .select_related("target")
                  .get(pk=assessment_id, review=review, kind=Kind.INDIVIDUAL))
    if assessment.assessor_id != actor.id:
        raise PermissionDenied(_("This is another person's assessment."))
    return assessment


def _clean_support(tool, support):
    keys = {q["key"] for d in tool["domains"] for q in d["questions"]}
    cleaned = {}
    for key, entry in (support or {}).items():
        if key not in keys:
            raise ValidationError({key: _("This tool has no such question.")})
        entry = entry if isinstance(entry, dict) else {}
        quote = str(entry.get("quote") or "").strip()[:4000]
        page = str(entry.get("page") or "").strip()[:20]
        if quote or page:
            cleaned[key] = {"quote": quote, "page": page}
    return cleaned


def clean_overrides(overrides):
    """The judgements a person overrode, with their reasons; entries without a judgement go."""
    cleaned = {}
    for key, entry in (overrides or {}).items():
        if isinstance(entry, dict) and entry.get("judgement"):
            cleaned[str(key)] = {"judgement": str(entry["judgement"]),
                                 "reason": str(entry.get("reason") or "").strip()[:2000]}
    return cleaned


def evaluate(tool, answers, overrides, *, partial=True):
    """The core's proposal and final judgements for these answers and overrides; refusals
    as a ValidationError naming the question or domain."""
    try:
        rob.validate_answers(tool, answers, partial=partial)
        return rob.final_judgements(rob.propose(tool, answers), overrides, tool=tool)
    except rob.RobError as exc:
        raise _invalid(exc) from exc


@transaction.atomic
def rob_assessment_save(*, actor, review, assessment_id, answers=None, support=None,
                        overrides=None):
    """Save a draft: the given answers (merged; a value of None or "" clears one), quotes
    and pages, and overrides (replacing the saved ones when given). An override that
    changes a proposed judgement needs its reason; on any error nothing is saved."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    assessment = _own(actor, review, assessment_id)
    if assessment.status == Status.SUBMITTED:
        raise Conflict(_("You have submitted this assessment; withdraw it to edit."))
    tool = tool_for(review, assessment.target.tool_key)
    merged = dict(assessment.answers)
    for key, value in (answers or {}).items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = value
    new_overrides = assessment.overrides if overrides is None else clean_overrides(overrides)
    assessment.result = evaluate(tool, merged, new_overrides)
    if support is not None:
        assessment.support = {**assessment.support, **_clean_support(tool, support)}
        for key in set(support) - set(_clean_support(tool, support)):
            assessment.support.pop(key, None)
    changed = sorted(k for k in set(merged) | set(assessment.answers)
                     if merged.get(k) != assessment.answers.get(k))
    assessment.answers, assessment.overrides = merged, new_overrides
    assessment.save()
    # Keys only: the values would show one assessor's answers to an owner who assesses too.
    audit_record(review=review, actor=actor, verb="rob.save", obj=assessment,
                 after={"target": assessment.target_id, "answers_changed": changed,
                        "overridden": sorted(new_overrides)})
    return assessment


def _unjudged(tool, result):
    """Domains (and overall) still without a judgement where the tool expects one."""
    if not tool["judgements"]:
        return []
    missing = [k for k, d in result["domains"].items()
               if d["final"] is None and "max_score" not in d]
    if result["overall"]["final"] is None:
        missing.append("overall")
    return missing


@transaction.atomic
def rob_assessment_submit(*, actor, review, assessment_id):
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    settings_locked_row(review)  # first, as start does: one lock order, no deadlock
    assessment = _own(actor, review, assessment_id)
    tool = tool_for(review, assessment.target.tool_key)
    result = evaluate(tool, assessment.answers, assessment.overrides, partial=False)
    missing = _unjudged(tool, result)
    if missing:
        raise ValidationError({k: _("Give a judgement here: the tool proposes none.")
                               for k in missing})
    assessment.result = result
    assessment.status, assessment.submitted_at = Status.SUBMITTED, timezone.now()
    assessment.save()
    audit_record(review=review, actor=actor, verb="rob.submit", obj=assessment,
                 after={"target": assessment.target_id})
    _consensus_prepare(review, assessment.target, actor)
    return assessment


@transaction.atomic
def rob_assessment_withdraw(*, actor, review, assessment_id):
    """Take back a submission while the consensus has not started."""
    review_for(actor, review.id, "screen")
    refuse_if_locked(review)
    assessment = _own(actor, review, assessment_id)
    if RobAssessment.objects.filter(target=assessment.target, kind=Kind.CONSENSUS).exists():
        raise Conflict(_("Consensus on this study has started; ask the adjudicator."))
    assessment.status, assessment.submitted_at = Status.IN_PROGRESS, None
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="rob.withdraw", obj=assessment,
                 after={"target": assessment.target_id})
    return assessment


# ---------------------------------------------------------------- consensus


def _consensus_prepare(review, target, actor):
    """Once every needed assessment is submitted, the consensus starts from what they agree
    on. Now that nobody is blinded any more, the audit log gets every answer."""
    row = settings_locked_row(review)
    done = [a for a in individuals_of(target) if a.status == Status.SUBMITTED]
    if len(done) < row.extractors_needed or \
            RobAssessment.objects.filter(target=target, kind=Kind.CONSENSUS).exists():
        return None
    first = done[0]
    consensus = RobAssessment.objects.create(
        review=review, target=target, kind=Kind.CONSENSUS, assessor=actor,
        answers=dict(first.answers), support=dict(first.support),
        overrides=dict(first.overrides), result=first.result)
    _consensus_refresh(consensus, done, verify=row.mode == Mode.VERIFY)
    audit_record(review=review, actor=actor, verb="rob.consensus_start", obj=consensus,
                 after={"target": target.id, "status": consensus.status,
                        "assessments": {a.assessor.username: {
                            "answers": a.answers, "overrides": a.overrides,
                            "support": a.support} for a in done}})
    return consensus


def _pick(flat_a, flat_b, decisions, key):
    if key in decisions:
        return decisions[key].value
    if flat_a.get(key) == flat_b.get(key):
        return flat_a.get(key)
    return None


def _consensus_refresh(consensus, done, *, verify=False):
    """Recompute the consensus from the two assessments and the live decisions: agreed and
    decided answers; judgements that were overridden (by either assessor, or at consensus)
    kept as overrides, the others following the algorithm on the consensus answers."""
    tool = tool_for(consensus.review, consensus.target.tool_key)
    decisions = {d.key: d for d in consensus.decisions.filter(superseded_at__isnull=True)}
    if verify or len(done) < 2:
        base = done[0]
        answers, overrides = dict(base.answers), dict(base.overrides)
        support = dict(base.support)
    else:
        a, b = done
        fa, fb = assessment_flat(a), assessment_flat(b)
        keys = {k for k in set(fa) | set(fb) | set(decisions) if k.startswith("q:")}
        answers = {k[2:]: v for k in keys if (v := _pick(fa, fb, decisions, k)) is not None}
        support = {k: (b.support if decisions.get("q:" + k) and decisions["q:" + k].source
                       == "b" else a.support).get(k) or b.support.get(k)
                   for k in set(a.support) | set(b.support)}
        support = {k: v for k, v in support.items() if v}
        overrides = {}
        for key in [d["key"] for d in tool["domains"]] + ["overall"]:
            own = a.overrides.get(key) or b.overrides.get(key)
            if own and fa.get("j:" + key) == fb.get("j:" + key):
                overrides[key] = own  # they agree on it; the reason given travels with it
    for key, decision in decisions.items():
        if key.startswith("q:"):
            if decision.value is None:
                answers.pop(key[2:], None)
            else:
                answers[key[2:]] = decision.value
        elif key.startswith("j:"):
            overrides[key[2:]] = {"judgement": decision.value,
                                  "reason": _decision_reason(decision, done)}
    answers = _asked_only(tool, answers)
    result = _consensus_result(tool, answers, overrides)
    consensus.answers, consensus.support, consensus.overrides = answers, support, overrides
    consensus.result = result
    open_keys = [] if verify else open_differences(consensus, done=done)
    finished = not open_keys and result["complete"] and not _unjudged(tool, result)
    if finished and not verify:
        consensus.status, consensus.submitted_at = Status.SUBMITTED, timezone.now()
    elif not finished:
        consensus.status, consensus.submitted_at = Status.IN_PROGRESS, None
    consensus.save()
    return consensus


def _asked_only(tool, answers):
    """Drop answers to questions a settled answer no longer asks (a conditional question
    one assessor answered and the other was not asked), so a decision never strands one."""
    for _round in range(len(answers) + 1):
        try:
            rob.validate_answers(tool, answers, partial=True)
            return answers
        except rob.AnswerError as exc:
            stale = {k for k, reason in exc.errors if "not asked" in reason}
            if not stale:
                raise _invalid(exc) from exc
            answers = {k: v for k, v in answers.items() if k not in stale}
    return answers


def _consensus_result(tool, answers, overrides):
    """The final judgements of the consensus. An override without a reason that no longer
    matches the algorithm's proposal (the answers changed under it) is dropped."""
    proposal = rob.propose(tool, answers)
    try:
        return rob.final_judgements(proposal, overrides, tool=tool)
    except rob.OverrideError:
        kept = {k: v for k, v in overrides.items() if v.get("reason")}
        return rob.final_judgements(proposal, kept, tool=tool)


def _decision_reason(decision, done):
    if decision.source == "typed":
        return decision.reason
    index = 0 if decision.source == "a" else 1
    chosen = done[index] if index < len(done) else done[0]
    own = (chosen.overrides.get(decision.key[2:]) or {}).get("reason")
    return own or _("as judged by %(who)s, chosen at consensus") % {
        "who": chosen.assessor.username}


def open_differences(consensus, *, done=None):
    """Keys on which the assessors differ and which nobody has decided yet. A differing
    judgement that neither assessor overrode follows the consensus answers and needs no
    decision of its own."""
    done = done if done is not None else individuals_of(consensus.target)
    if len(done) < 2:
        return []
    decided = set(consensus.decisions.filter(superseded_at__isnull=True)
                  .values_list("key", flat=True))
    # A question the settled answers no longer ask needs no decision.
    moot = {f"q:{k}" for k in not_asked(tool_for(consensus.review, consensus.target.tool_key),
                                        consensus.answers)}
    return [d["key"] for d in judgement_differences(done[0], done[1])
            if d["needs_decision"] and d["key"] not in decided | moot]


def _check_settler(actor, review, target):
    _r, membership = review_for(actor, review.id, "screen")
    if settings_for(review).mode == Mode.DUAL and not can(membership, "adjudicate"):
        raise PermissionDenied(_("Only an adjudicator or the owner settles differences."))
    if RobAssessment.objects.filter(target=target, kind=Kind.INDIVIDUAL,
                                    assessor=actor).exists():
        raise PermissionDenied(_("You assessed this study; someone else must settle it."))


def _typed(tool, consensus, key, value, reason):
    if key.startswith("q:"):
        trial = {**consensus.answers, key[2:]: value}
        try:
            rob.validate_answers(tool, trial, partial=True)
        except rob.RobError as exc:
            raise _invalid(exc) from exc
        return value
    if key.startswith("j:"):
        allowed = {j["value"] for j in tool["judgements"]}
        if value not in allowed:
            raise ValidationError({key: _("Choose one of the tool's judgements.")})
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A judgement typed at consensus needs its "
                                               "reason.")})
        return value
    raise ValidationError({"key": _("Unknown key.")})


@transaction.atomic
def rob_consensus_decide(*, actor, review, target_id, key, source, value=None, reason=""):
    """Settle one difference: take assessor a's or b's answer or judgement, or type one
    (a typed judgement needs its reason)."""
    refuse_if_locked(review)
    target = RobTarget.objects.get(pk=target_id, review=review)
    consensus = RobAssessment.objects.select_for_update().get(target=target,
                                                              kind=Kind.CONSENSUS)
    _check_settler(actor, review, target)
    tool = tool_for(review, target.tool_key)
    done = individuals_of(target)
    if source in ("a", "b"):
        index = 0 if source == "a" else 1
        if index >= len(done):
            raise Conflict({"source": _("There is no second assessment.")})
        value = assessment_flat(done[index]).get(key)
    elif source == "typed":
        value = _typed(tool, consensus, key, value, reason)
    else:
        raise ValidationError({"source": _("Choose a, b or typed.")})
    before = assessment_flat(consensus).get(key)
    consensus.decisions.filter(key=key, superseded_at__isnull=True).update(
        superseded_at=timezone.now())
    decision = RobDecision.objects.create(consensus=consensus, key=key, value=value,
                                          source=source, reason=(reason or "").strip(),
                                          decided_by=actor)
    _consensus_refresh(consensus, done, verify=settings_for(review).mode == Mode.VERIFY)
    audit_record(review=review, actor=actor, verb="rob.consensus_decide", obj=consensus,
                 before={"key": key, "value": before},
                 after={"key": key, "value": value, "source": source, "reason": reason or "",
                        "target": target.id, "status": consensus.status,
                        "decision": decision.id})
    return consensus


@transaction.atomic
def rob_consensus_verify(*, actor, review, target_id):
    """Verification mode: the checker confirms the (possibly corrected) assessment."""
    refuse_if_locked(review)
    target = RobTarget.objects.get(pk=target_id, review=review)
    consensus = RobAssessment.objects.select_for_update().get(target=target,
                                                              kind=Kind.CONSENSUS)
    _check_settler(actor, review, target)
    if consensus.status == Status.SUBMITTED:
        return consensus
    tool = tool_for(review, target.tool_key)
    result = evaluate(tool, consensus.answers, consensus.overrides, partial=False)
    if _unjudged(tool, result):
        raise Conflict(_("The assessment is not complete."))
    consensus.status, consensus.submitted_at = Status.SUBMITTED, timezone.now()
    consensus.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="rob.consensus_verify", obj=consensus,
                 after={"target": target.id})
    return consensus


@transaction.atomic
def rob_consensus_reopen(*, actor, review, target_id):
    """The owner reopens a settled consensus (decisions stay in the audit trail)."""
    review_for(actor, review.id, "manage")
    refuse_if_locked(review)
    consensus = RobAssessment.objects.select_for_update().get(
        target_id=target_id, review=review, kind=Kind.CONSENSUS)
    consensus.status, consensus.submitted_at = Status.IN_PROGRESS, None
    consensus.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(review=review, actor=actor, verb="rob.consensus_reopen", obj=consensus,
                 after={"target": target_id})
    return consensus
