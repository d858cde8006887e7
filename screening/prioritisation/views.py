"""Pages of the stopping rule: adopt it, undo a stop (shown on the screening overview)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from reviews.access import review_view

from ..models import StoppingDecision
from . import services


@review_view(POST="manage")
def stop_adopt(request, review, membership):
    try:
        decision = services.stopping_adopt(actor=request.user, review_id=review.id)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Screening stopped: %(n)d records left unscreened by the "
                                    "stopping rule.") % {"n": decision.n_stopped})
    return redirect("screening_overview", review_id=review.id)


@review_view(POST="manage")
def stop_undo(request, review, membership, decision_id):
    try:
        services.stopping_undo(actor=request.user, review_id=review.id,
                               decision_id=decision_id)
    except StoppingDecision.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Stop undone: its records need screening again."))
    return redirect("screening_overview", review_id=review.id)
