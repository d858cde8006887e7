"""Every text a client sends must be a JSON string and every flag a JSON boolean, as the schema
says: DRF's CharField would take the number 0 as "0" and its BooleanField "yes" as true, and
the fuzzer's negative-data check fails on either.
The walk covers every serializer of the project's apps that reads a request, so new ones
join automatically."""
import importlib

import pytest
from django.urls import get_resolver
from rest_framework import serializers

from reviews.api_access import FlagField, TextField

APPS = ("reviews", "screening", "extraction", "synthesis")


def _import_every_api():
    # Walking the URL configuration imports every view module, and with it every serializer.
    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            else:
                importlib.import_module(p.callback.__module__)
    walk(get_resolver().url_patterns)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _request_serializers():
    _import_every_api()
    for cls in set(_subclasses(serializers.Serializer)):
        named = cls.__name__.endswith(("Output", "Payload"))  # answers, never read
        if cls.__module__.split(".")[0] in APPS and not named:
            yield cls


def _loose_texts(fields, where):
    for name, field in fields.items():
        if getattr(field, "read_only", False):
            continue
        inner = getattr(field, "child", None)
        if isinstance(field, serializers.Serializer):
            yield from _loose_texts(field.fields, f"{where}.{name}")
        elif isinstance(field, serializers.ListSerializer):
            yield from _loose_texts(field.child.fields, f"{where}.{name}[]")
        elif inner is not None:
            yield from _loose_texts({"[]": inner}, f"{where}.{name}")
        elif isinstance(field, serializers.CharField) and not isinstance(field, TextField):
            yield f"{where}.{name}"
        elif (isinstance(field, serializers.BooleanField)
              and not isinstance(field, FlagField)):  # DRF takes "yes", 1 and "0" as flags
            yield f"{where}.{name}"


def test_every_text_in_a_request_must_be_a_json_string():
    loose = [text for cls in _request_serializers()
             for text in _loose_texts(cls().fields, f"{cls.__module__}.{cls.__name__}")]
    assert not loose, ("CharField takes a number as text and BooleanField takes 1 as true; "
                       f"use reviews.api_access.TextField and FlagField: {loose}")


@pytest.mark.parametrize("value", [0, -1.5, True, ["x"], {"x": 1}])
def test_the_text_field_refuses_what_is_not_a_string(value):
    field = TextField()
    with pytest.raises(serializers.ValidationError):
        field.run_validation(value)
    assert field.run_validation("0") == "0"
