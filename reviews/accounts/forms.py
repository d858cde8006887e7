"""Forms of the account pages: validation only; writes go through services and tokens."""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# A choice label translated when the page is shown, not when the module is imported.
_days = lazy(lambda n: ngettext("%(n)d day", "%(n)d days", n) % {"n": n}, str)


class ApiTokenForm(forms.Form):
    """A new API token: a name to recognise it by, and how long it lasts (tokens)."""

    LIFETIMES = (7, 30, 90, 180, 366)
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use it, e.g. \"nightly import script\"."))
    days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=90,
        choices=[(d, _("1 year") if d == 366 else _days(d)) for d in LIFETIMES])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
