"""Model fields for encrypted identity numbers (core/crypto.py): the ciphertext column and its search hash.

`EncryptedCharField` holds a Fernet token in a text column and the plain value in Python: it encrypts when the
value goes to the database and decrypts when it comes back, so forms, templates and services see the number.
The token differs at every save, so the database cannot compare it: the only lookups allowed are `isnull` and
`= ""`; anything else raises at once instead of silently finding nothing. Search and uniqueness use a
`SearchHashField` beside it, filled from the plain value on every save (`bulk_create` included) and by
`refresh_search_hashes` before validation (so a unique constraint on it is checked by `full_clean`).
`QuerySet.update()` bypasses both: write these fields through the model.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from gradadmit.core import crypto


class _EmptyOnlyExact(Exact):
    """`field = ""` (is it filled in?) works on ciphertext; comparing with a number cannot."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: compare its search hash instead (core.crypto.search_hash)."
            )
        return self.rhs


class EncryptedCharField(models.CharField):
    """A short text (max_length counts plain characters) stored encrypted; "" is stored as ""."""

    def get_internal_type(self):
        return "TextField"  # a token is ~100 characters for a 10-character number

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None  # FieldError "Unsupported lookup" for the rest


class SearchHashField(models.CharField):
    """The keyed hash (HMAC-SHA256 hex) of the field named `source`, computed whenever the row is saved."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.update(max_length=64, editable=False, blank=True, default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "editable", "blank", "default"):
            kwargs.pop(fixed, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def hash_of(self, instance) -> str:
        return crypto.search_hash(getattr(instance, self.source))

    def pre_save(self, model_instance, add):
        value = self.hash_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def search_hash_fields(model) -> list[SearchHashField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, SearchHashField)]


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedCharField)]


def refresh_search_hashes(instance) -> None:
    """Bring every search hash of `instance` up to date with its plain values (call from Model.clean)."""
    for field in search_hash_fields(type(instance)):
        setattr(instance, field.attname, field.hash_of(instance))
