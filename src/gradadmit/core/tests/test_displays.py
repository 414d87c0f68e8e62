"""get_FOO_display() from a table per field (core.displays) answers exactly as Django's own, in both languages."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from gradadmit.applications.models import Application
from gradadmit.core import displays
from gradadmit.cycles.models import Milestone


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if field.choices is not None:
                yield model, field


def test_every_fixed_choices_field_is_replaced():
    found = list(_fields_with_choices())
    assert len(found) > 40  # the portal's status, kind, identity ... fields
    for model, field in found:
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, partialmethod)
        assert method.func is displays._display, f"{model.__name__}.{field.name} still rebuilds its choices"


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_same_label_as_django_for_every_value(language):
    with translation.override(language):
        for model, field in _fields_with_choices():
            instance = model()
            for value, _label in field.flatchoices:
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == Model._get_FIELD_display(instance, field), (model.__name__, field.name, value)
                assert type(ours) is str  # the label translated, not a lazy string


def test_unknown_empty_and_unhashable_values_come_back_as_django_returns_them():
    application = Application()
    for value in ("not-a-choice", "", None, ["a", "list"]):
        application.identity = value
        assert application.get_identity_display() == Model._get_FIELD_display(
            application, Application._meta.get_field("identity")
        )


def test_labels_follow_the_active_language():
    milestone = Milestone(kind=Milestone._meta.get_field("kind").flatchoices[0][0])
    with translation.override("en"):
        english = milestone.get_kind_display()
    with translation.override("zh-hant"):
        chinese = milestone.get_kind_display()
    assert english != chinese
    assert english.isascii() and not chinese.isascii()


def test_install_leaves_replaced_methods_alone():
    assert displays.install() == 0  # already done at start-up: nothing is Django's any more
