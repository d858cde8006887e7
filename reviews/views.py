"""Pages for reviews, members and invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .access import can, review_view
from .accounts.services import user_signup
from .forms import (
    InviteForm,
    ReviewForm,
    RoleForm,
    SignupForm,
    readonly_rows,
)
from .models import Invitation, Membership
from .pages import refusal_text


@login_required
def dashboard(request):
    rows = [(r, r.my_role) for r in selectors.reviews_for_user(user=request.user)]
    return render(request, "reviews/dashboard.html", {
        "rows": rows, "invitations": selectors.open_invitations_for_user(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request):
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = services.review_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Review created."))
        return redirect("review_home", review_id=review.id)
    return render(request, "reviews/review_form.html", {"form": form, "creating": True})


@review_view(GET="read", POST="manage")
def review_settings(request, review, membership):
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST":
        if form.is_valid():
            services.review_update(actor=request.user, review_id=review.id, **form.cleaned_data)
            messages.success(request, _("Settings saved."))
            return redirect("review_settings", review_id=review.id)
    context = {"form": form, "review": review, "membership": membership}
    if not can(membership, "manage"):
        context["readonly"] = readonly_rows(form)
    return render(request, "reviews/review_form.html", context)


@review_view(GET="read", POST="manage")
def members(request, review, membership):
    form = InviteForm(request.POST or None)
    new_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, review_id=review.id, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("invitee", refusal_text(exc))
        else:
            new_link = services.invitation_url(invitation, request)
            form = InviteForm()
    context = {
        "review": review,
        "membership": membership,
        "members": selectors.members_for_review(user=request.user, review_id=review.id),
        "form": form,
        "new_link": new_link,
        "role_form": RoleForm(),
    }
    if membership.role == "owner":
        invitations = selectors.open_invitations_for_review(user=request.user, review_id=review.id)
        context["invitations"] = [
            (inv, services.invitation_url(inv, request)) for inv in invitations
        ]
    return render(request, "reviews/members.html", context, status=400 if form.errors else 200)


@review_view(POST="manage")
def member_role(request, review, membership, membership_id):
    if not Membership.objects.filter(pk=membership_id, review=review).exists():
        raise Http404  # another review's member is not found, whatever the form says
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                actor=request.user,
                review_id=review.id,
                membership_id=membership_id,
                role=form.cleaned_data["role"],
            )
        except Membership.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
    else:
        messages.error(request, _("Choose a role."))
    return redirect("members", review_id=review.id)


@review_view(POST="manage")
def member_remove(request, review, membership, membership_id):
    try:
        services.membership_remove(
            actor=request.user, review_id=review.id, membership_id=membership_id
        )
    except Membership.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    return redirect("members", review_id=review.id)


@review_view(POST="manage")
def invitation_resend(request, review, membership, invitation_id):
    try:
        services.invitation_resend(
            actor=request.user, review_id=review.id, invitation_id=invitation_id
        )
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Invitation sent again with a new link."))
    return redirect("members", review_id=review.id)


@review_view(POST="manage")
def invitation_revoke(request, review, membership, invitation_id):
    try:
        services.invitation_revoke(
            actor=request.user, review_id=review.id, invitation_id=invitation_id
        )
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    return redirect("members", review_id=review.id)


def _open_invitation(token):
    invitation = Invitation.objects.select_related("review").filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise Http404(_("This invitation is no longer valid."))
    return invitation


@require_http_methods(["GET", "POST"])
def invitation_detail(request, token):
    invitation = _open_invitation(token)
    if not request.user.is_authenticated:
        return _invitation_signup(request, invitation)
    if request.method == "POST":
        try:
            services.invitation_accept(actor=request.user, token=token)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("dashboard")
        except ValidationError as exc:
            raise Http404(refusal_text(exc)) from exc
        messages.success(request, _("You joined the review."))
        return redirect("review_home", review_id=invitation.review_id)
    return render(
        request,
        "reviews/invitation.html",
        {
            "invitation": invitation,
            "matches": services.invitation_matches(invitation, request.user),
        },
    )


def _invitation_signup(request, invitation):
    initial = (
        {"email": invitation.invitee}
        if "@" in invitation.invitee
        else {"username": invitation.invitee}
    )
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = invitation.invitee.lower()
        given = {form.cleaned_data["username"].lower(), form.cleaned_data["email"].lower()}
        try:
            if wanted not in given:
                raise ValidationError(
                    _("Use the username or email address the invitation was sent to.")
                )
            user = user_signup(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.invitation_accept(actor=user, token=invitation.token)
            return redirect("review_home", review_id=invitation.review_id)
    return render(request, "reviews/invitation.html", {"invitation": invitation, "form": form})
