"""Forms for the review pages: validation only; writes go through services."""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .importers import FORMATS
from .models import FORMAT_LABELS, Review, Role, Search


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


# A choice label translated when the page is shown, not when the module is imported.
_days = lazy(lambda n: ngettext("%(n)d day", "%(n)d days", n) % {"n": n}, str)


class ApiTokenForm(forms.Form):
    """A new API token: a name to recognise it by, and how long it lasts (reviews.tokens)."""

    LIFETIMES = (7, 30, 90, 180, 366)
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use it, e.g. \"nightly import script\"."))
    days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=90,
        choices=[(d, _("1 year") if d == 366 else _days(d)) for d in LIFETIMES])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class SearchUploadForm(forms.Form):
    file = forms.FileField(label=_("Export file"))
    source = forms.ChoiceField(label=_("Database or method"), choices=Search.Source.choices)
    source_detail = forms.CharField(label=_("Detail"), required=False, max_length=200,
                                    help_text=_("For example the Ovid database or the register."))
    date_searched = forms.DateField(label=_("Date searched"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    query = forms.CharField(label=_("Search query"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=[("", _("Detect automatically"))] + [(f, FORMAT_LABELS[f]) for f in FORMATS],
    )
    mapping = forms.CharField(
        label=_("Column mapping (spreadsheets)"), required=False,
        help_text=_("Only for CSV/TSV/XLSX columns that are not recognised: one COLUMN=FIELD "
                    "a line, e.g. Titel=title."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), 1):
            if not line.strip():
                continue
            column, sep, field = line.partition("=")
            if not sep or not column.strip() or not field.strip():
                raise forms.ValidationError(
                    _("Line %(n)s: write COLUMN=FIELD.") % {"n": number})
            mapping[column.strip()] = field.strip()
        return mapping


class ColumnMappingForm(forms.Form):
    """One choice a column of a spreadsheet export: the record field it holds, or ignore."""

    def __init__(self, columns, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .importers.tabular import MAPPABLE_FIELDS

        choices = [("ignore", _("(ignore)"))] + [
            (field, field) for field in sorted(MAPPABLE_FIELDS - {"ignore"})
        ]
        self.columns = columns
        for index, (name, current, _recognised, _values) in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=name, choices=choices, initial=current
            )

    def rows(self):
        """(bound field, column name, recognised field, first values) a column."""
        return [
            (self[f"column_{index}"], name, recognised, values)
            for index, (name, _current, recognised, values) in enumerate(self.columns)
        ]

    def mapping(self):
        return {
            name: self.cleaned_data[f"column_{index}"]
            for index, (name, *_rest) in enumerate(self.columns)
        }


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

