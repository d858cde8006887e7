"""The archive's registry: every model of the review apps is carried or left out on purpose,
and every entry comes after the models it points at."""
import pytest
from django.apps import apps

from synthesis.archive import registry
from synthesis.archive.registry import APPS, NOT_ARCHIVED, REGISTRY, Entry, plans


def test_every_model_of_the_review_apps_is_archived_or_left_out_with_a_reason():
    models = {m._meta.label_lower for app in APPS for m in apps.get_app_config(app).get_models()}
    archived = {e.name for e in REGISTRY}
    assert models - archived - set(NOT_ARCHIVED) == set(), "add them to REGISTRY or NOT_ARCHIVED"
    assert archived & set(NOT_ARCHIVED) == set()


def test_the_review_comes_first_and_each_model_once():
    names = [e.name for e in REGISTRY]
    assert names[0] == "reviews.review"
    assert len(names) == len(set(names))


def test_references_resolve_to_users_the_review_or_earlier_entries():
    for plan in plans():
        earlier = {e.name for e in REGISTRY[:REGISTRY.index(plan.entry) + 1]}
        assert set(plan.refs.values()) <= earlier | {registry.USER}, plan.entry.name


def test_an_entry_placed_before_what_it_points_at_fails_loudly(monkeypatch):
    swapped = [REGISTRY[0], Entry("screening.Vote", "item__review"), *REGISTRY[1:]]
    monkeypatch.setattr(registry, "REGISTRY", swapped)
    with pytest.raises(LookupError, match="screening.Vote.item points at screening.Item"):
        plans()


def test_docs_describe_every_archived_model():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "archive.md").read_text()
    assert [e.name for e in REGISTRY if f"`{e.name}`" not in text] == []


def test_the_installation_has_one_lasting_id_from_its_migration(db):
    from synthesis.archive import instance_key
    from synthesis.models import Instance

    assert Instance.objects.count() == 1  # made by synthesis/migrations/0002_instance.py
    assert instance_key() == instance_key() == str(Instance.objects.get().key)
