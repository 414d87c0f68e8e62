"""get_FOO_display() from a table built once per field, instead of Django's rebuild on every call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` each time it is called: it
flattens the choices and hashes every lazy label, which translates each of them, to look up one value. The cycle
page calls it 36 times (each milestone's kind from 13 choices, each programme's degree and policy): a fifth of its
template's time. `install()` (CoreConfig.ready) gives every model field with fixed choices a display method that
looks the value up in a table of value -> lazy label built once, and translates only the label it returns. The
result is the same as Django's in every language (core/tests/test_displays.py compares them field by field).

Left to Django: fields whose choices are a callable (read again on each call by design) and models that define
their own get_FOO_display.
"""

from functools import partialmethod

from django.apps import apps
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(instance, field, labels):
    value = getattr(instance, field.attname)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value (a list or dict): as Django, looked up by its hashable form
        label = labels.get(make_hashable(value), value)
    return force_str(label, strings_only=True)


def _is_djangos(method, model) -> bool:
    return isinstance(method, partialmethod) and method.func is model._get_FIELD_display


def install() -> int:
    """Replace Django's get_FOO_display of every fixed-choices field; returns how many were replaced."""
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            name = f"get_{field.name}_display"
            if field.choices is None or isinstance(field.choices, CallableChoiceIterator):
                continue
            if not _is_djangos(model.__dict__.get(name), model):
                continue
            labels = {make_hashable(value): label for value, label in field.flatchoices}
            setattr(model, name, partialmethod(_display, field=field, labels=labels))
            replaced += 1
    return replaced
