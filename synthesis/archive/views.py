"""Pages of the full-review archive: the owner's export (streamed) and the import page."""
import re
import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.access import review_view
from reviews.blinding import hidden_event_ids

from . import ArchiveError
from .export import review_export
from .restore import review_import


def _blinded_events(review, membership):
    """How many audit events hold judgements this member may not see yet: the archive holds
    every vote and value, so it is not handed to someone blinded to some of them."""
    hidden, batch = 0, []
    for event in review.audit_events.order_by("id").iterator(chunk_size=1000):
        batch.append(event)
        if len(batch) == 1000:
            hidden += len(hidden_event_ids(batch, membership=membership))
            batch = []
    return hidden + len(hidden_event_ids(batch, membership=membership))


@review_view(GET="manage")
def archive_export(request, review, membership):
    if _blinded_events(review, membership):
        return HttpResponse(
            gettext("Some votes or extracted values are still hidden from you by blinding; the "
               "archive holds all of them. Export once those records are settled and the "
               "extractions submitted, or after unblinding the stage."),
            status=409, content_type="text/plain; charset=utf-8")
    # A temporary file, streamed out: the zip of a large review never sits in memory.
    out = tempfile.TemporaryFile()
    review_export(review=review, out=out, exported_by=request.user.get_username())
    out.seek(0)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", review.title).strip("-").lower()[:60] or "review"
    name = f"{slug}-{review.id}-{timezone.now():%Y%m%d}.zip"
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")


class ArchiveImportForm(forms.Form):
    archive = forms.FileField(label=_("Review archive (.zip)"))
    allow_other_instance = forms.BooleanField(
        label=_("Accept an archive from another installation"), required=False,
        help_text=_("Users are matched by username: on another installation a username may "
                    "belong to someone else."))

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > settings.ARCHIVE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than this server accepts."))
        return upload


@login_required
def archive_import(request):
    form = ArchiveImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["archive"]
        try:
            result = review_import(actor=request.user, source=upload,
                                   allow_other_instance=form.cleaned_data["allow_other_instance"])
        except ArchiveError as exc:
            form.add_error("archive", gettext("%(file)s was refused: %(reason)s") % {
                "file": upload.name, "reason": exc})
        else:
            messages.success(request, gettext("Review imported."))
            if result.skipped_memberships:
                messages.warning(request, gettext("Not on this installation, so not in the team: "
                                             "%(users)s") % {
                    "users": ", ".join(result.skipped_memberships)})
            if result.created_users:
                messages.warning(request, gettext("Inactive accounts were made to keep the work of "
                                             "authors not on this installation: %(users)s") % {
                    "users": ", ".join(result.created_users)})
            return redirect("review_home", review_id=result.review.id)
    return render(request, "synthesis/archive_import.html", {"form": form})
