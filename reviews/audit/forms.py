"""The audit log's filter form: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The audit log's filters: a person, a kind of event, a span of days."""

    actor = forms.ChoiceField(label=_("Person"), required=False)
    verb = forms.ChoiceField(label=_("Event"), required=False)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actors, verbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Everyone"))] + [(a, a) for a in actors]
        self.fields["verb"].choices = [("", _("All events"))] + [(v, v) for v in verbs]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        return data
