"""Rows kept in each process between requests: the copies handed out, and querysets whose bulk writes say what they
changed (update(), bulk_update() and bulk_create() send no post_save, so a keeper listening to signals would miss
them). Used by the cycle configuration (cycles/configuration.py) and the signed-in user (accounts/signed_in.py).
"""

from abc import ABCMeta, abstractmethod

from django.db import models, transaction
from django.db.models.base import ModelState


def clone(instance):
    """A copy of a row as loaded: its own fields and its own cache of joined rows (copy.copy goes through pickling
    support and costs five times as much). The joined rows themselves are shared, not copied."""
    copied = instance.__class__.__new__(instance.__class__)
    copied.__dict__.update(instance.__dict__)
    copied._state = ModelState()
    copied._state.db, copied._state.adding = instance._state.db, instance._state.adding
    copied._state.fields_cache = dict(instance._state.fields_cache)
    return copied


def on_row_write(receiver, name: str, *model_classes) -> None:
    """Call `receiver` (a post_save/post_delete receiver) whenever one row of these models is saved or deleted;
    `name` keeps each connection unique (connecting twice changes nothing)."""
    for model in model_classes:
        uid = f"{name}-{model._meta.label}"
        models.signals.post_save.connect(receiver, sender=model, dispatch_uid=uid)
        models.signals.post_delete.connect(receiver, sender=model, dispatch_uid=uid)


class WriteReportingQuerySet(models.QuerySet, metaclass=ABCMeta):
    """A queryset whose update(), bulk_update() and bulk_create() report what they wrote, in the write's transaction.

    A subclass says which keys a write touches and what follows from it.
    """

    @abstractmethod
    def touched(self, objs=None) -> set:
        """The keys of these instances, or, with None, of the rows the queryset matches (read before an update)."""

    @abstractmethod
    def report(self, keys: set) -> None:
        """What follows from a write to rows with these keys (in the write's transaction)."""

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            keys = self.touched()
            updated = super().update(**kwargs)
            self.report(keys)
        return updated

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            updated = super().bulk_update(objs, fields, batch_size=batch_size)
            self.report(self.touched(objs))
        return updated

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            self.report(self.touched(objs))
        return created

    bulk_create.alters_data = True
