"""Writes of accounts: sign-up and the user's preferences, each in one transaction."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Profile


@transaction.atomic
def user_signup(*, username, password, email=""):
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User(username=username.strip(), email=email.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        user.save()
    except IntegrityError as exc:
        raise ValidationError(_("That username is taken.")) from exc
    return user


@transaction.atomic
def profile_set_language(*, actor, language):
    codes = {code for code, _n in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError(_("Unknown language."))
    profile, _c = Profile.objects.get_or_create(user=actor)
    profile.language = language
    profile.save(update_fields=["language"])
    return profile
