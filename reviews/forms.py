"""Forms for the review pages: validation only; writes go through services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Review, Role


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "title",
            "registration_id",
            "population",
            "intervention",
            "comparator",
            "outcomes",
            "status",
            "reviewers_per_record",
            "blind_screening",
        ]
        widgets = {
            "population": forms.Textarea(attrs={"rows": 2}),
            "intervention": forms.Textarea(attrs={"rows": 2}),
            "comparator": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "registration_id": _("For example PROSPERO CRD42020200350."),
            "reviewers_per_record": _(
                "Independent votes each record needs (1 to 5). Lowering it settles the records "
                "that already have enough votes; raising it leaves settled records as they are."),
            "blind_screening": _("Reviewers do not see each other's votes until they vote."),
        }


class InviteForm(forms.Form):
    invitee = forms.CharField(label=_("Username or email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REVIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


def readonly_rows(form):
    """(label, value as shown) for each field of a form, for people who may read settings
    but not change them: a page of values, not a form that looks editable and then refuses."""
    rows = []
    for bound in form:
        value = bound.value()
        field = bound.field
        if isinstance(field, forms.BooleanField):
            shown = _("Yes") if value else _("No")
        elif getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
            shown = dict((str(k), v) for k, v in field.choices).get(str(value), value)
        else:
            shown = value
        if shown in (None, "", []):
            shown = "—"
        rows.append((bound.label, shown))
    return rows

