"""Forms of the screening pages: validation only; writes go through services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision, ExclusionReason, ScreeningSettings
from .services import reasons_for


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
        self.fields["reasons"].initial = "\n".join(r.label for r in reasons_for(review))

    def clean_reasons(self):
        labels = [line.strip()[:200] for line in self.cleaned_data["reasons"].splitlines()
                  if line.strip()]
        if not labels:
            raise forms.ValidationError(_("Keep at least one reason."))
        return list(dict.fromkeys(labels))
