"""Forms of the import stage: the upload of an export and the mapping of its columns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FORMAT_LABELS, Search
from .importers import FORMATS


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
