"""The records list's filters, one form for the page, the API and the export, so the three
read exactly the same query string the same way."""
from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import Search

from ..models import Decision, ExclusionReason, ItemStatus, Stage
from .models import Label
from .query import MAX_QUERY

SORTS = [("relevance", _("Relevance")), ("year", _("Year, newest first")),
         ("year_asc", _("Year, oldest first")), ("title", _("Title")),
         ("changed", _("Last change")), ("id", _("Import order"))]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _any(choices):
    return [("", _("Any")), *choices]


class RecordFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=_any([*Stage.choices, ("none", _("Not in screening"))]))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=_any(ItemStatus.choices))
    decision = forms.ChoiceField(label=_("Decision"), required=False,
                                 choices=_any([(Decision.INCLUDE, Decision.INCLUDE.label),
                                               (Decision.EXCLUDE, Decision.EXCLUDE.label)]))
    my_vote = forms.ChoiceField(label=_("My vote"), required=False,
                                choices=_any([*Decision.choices, ("none", _("Not voted"))]))
    reason = forms.TypedChoiceField(label=_("Exclusion reason"), required=False, coerce=int,
                                    empty_value=None)
    label = forms.TypedChoiceField(label=_("Label"), required=False, coerce=int,
                                   empty_value=None)
    source = forms.ChoiceField(label=_("Source database"), required=False,
                               choices=_any(Search.Source.choices))
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1000,
                                   max_value=3000)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1000,
                                 max_value=3000)
    has_full_text = forms.ChoiceField(label=_("Has full text"), required=False, choices=YES_NO)
    conflict = forms.ChoiceField(label=_("Conflict"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6,
                              widget=forms.HiddenInput)

    def __init__(self, data=None, *, review, zh=False):
        super().__init__(data)
        self.fields["reason"].choices = _any(
            (r.id, (r.label_zh if zh and r.label_zh else r.label))
            for r in ExclusionReason.objects.filter(review=review))
        self.fields["label"].choices = _any(
            (lb.id, lb.name) for lb in Label.objects.filter(review=review))

    def clean(self):
        data = super().clean()
        if (data.get("year_from") and data.get("year_to")
                and data["year_from"] > data["year_to"]):
            # Years typed the wrong way round mean the range between them.
            data["year_from"], data["year_to"] = data["year_to"], data["year_from"]
        return data

    def filters(self):
        """The cleaned filters without empty values (call after is_valid)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def error_text(self):
        return "; ".join(f"{self.fields[f].label if f in self.fields else f}: {' '.join(e)}"
                         for f, e in self.errors.items())
