"""Forms of the screening pages: validation only; writes go through services."""
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from reviews.audit import audit_record

from .models import Decision, ExclusionReason, ScreeningSettings, is_other_reason


class ResolveForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=[(Decision.INCLUDE, _("Include")),
                                                              (Decision.EXCLUDE, _("Exclude"))])
    reason = forms.ModelChoiceField(label=_("Exclusion reason"),
                                    queryset=ExclusionReason.objects.none(), required=False)
    reason_text = forms.CharField(required=False, max_length=500)
    note = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea(
        attrs={"rows": 2}))

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ExclusionReason.objects.filter(review=review)


# The stopping rule's settings and the relevance display: owner's choices a report cites.
AUDITED = ("stop_recall_target", "stop_confidence", "show_relevance")


class ScreeningSettingsForm(forms.ModelForm):
    reasons = forms.CharField(
        label=_("Full-text exclusion reasons"), widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One a line, in the order shown to reviewers. “Other” asks for text."))

    class Meta:
        model = ScreeningSettings
        fields = ["maybe_advances", "include_keywords", "exclude_keywords",
                  "stop_recall_target", "stop_confidence", "show_relevance"]
        widgets = {"include_keywords": forms.Textarea(attrs={"rows": 4}),
                   "exclude_keywords": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.fields["reasons"].initial = "\n".join(
            ExclusionReason.objects.filter(review=review, active=True)
            .values_list("label", flat=True))

    def clean_reasons(self):
        labels = [line.strip()[:200] for line in self.cleaned_data["reasons"].splitlines()
                  if line.strip()]
        if not labels:
            raise forms.ValidationError(_("Keep at least one reason."))
        return list(dict.fromkeys(labels))

    @transaction.atomic
    def save_with_audit(self, *, actor):
        old = ScreeningSettings.objects.get(pk=self.instance.pk)
        before = {"reasons": list(ExclusionReason.objects.filter(review=self.review, active=True)
                                  .values_list("label", flat=True)),
                  "maybe_advances": old.maybe_advances,
                  **{f: getattr(old, f) for f in AUDITED}}
        settings = self.save()
        labels = self.cleaned_data["reasons"]
        # Reasons in use by votes are kept (inactive) rather than deleted: history stays readable.
        ExclusionReason.objects.filter(review=self.review).exclude(label__in=labels).update(
            active=False)
        for position, label in enumerate(labels):
            ExclusionReason.objects.update_or_create(
                review=self.review, label=label,
                defaults={"position": position, "active": True,
                          "is_other": is_other_reason(label)})
        audit_record(review=self.review, actor=actor, verb="screening.settings", obj=settings,
                     before=before, after={"reasons": labels,
                                           "maybe_advances": settings.maybe_advances,
                                           **{f: getattr(settings, f) for f in AUDITED}})
        return settings
