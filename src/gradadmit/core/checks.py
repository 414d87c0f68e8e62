"""System checks that need the database: the field keys open the stored identity numbers (core/crypto.py).

Tagged `database`, so `manage.py migrate` (every deploy runs it) and `manage.py check --database default` run
them: a well-formed but wrong GRADADMIT_FIELD_KEYS or a changed GRADADMIT_FIELD_HASH_KEY stops the deploy with
this error instead of failing on the first applicant record. A missing or malformed key is refused earlier,
when the settings are read.
"""

from django.apps import apps
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from gradadmit.core.crypto import FieldKeyError, search_hash
from gradadmit.core.fields import encrypted_fields, search_hash_fields


@register(Tags.database)
def field_keys_open_stored_values(app_configs=None, databases=None, **kwargs):
    """The newest stored value of each encrypted field decrypts, and its hash matches the hash key."""
    if not databases:
        return []
    errors = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        hashes = {field.source: field.attname for field in search_hash_fields(model)}
        for field in fields:
            columns = [field.attname] + ([hashes[field.name]] if field.name in hashes else [])
            try:
                row = (
                    model._default_manager.exclude(**{field.attname: ""}).order_by("-pk").values_list(*columns).first()
                )
            except FieldKeyError:
                errors.append(Error(
                    f"{model._meta.label}.{field.name}: the stored values cannot be decrypted with "
                    "GRADADMIT_FIELD_KEYS.",
                    hint="The key is wrong, or the key these rows were written with was removed: set the keys "
                    "the data was encrypted with (newest first), then run `manage.py rotate_field_keys`.",
                    id="gradadmit.E001",
                ))  # fmt: skip
                continue
            except DatabaseError:
                return []  # the tables are not migrated yet (this runs before `migrate` applies anything)
            if row and len(row) == 2 and row[1] != search_hash(row[0]):
                errors.append(Error(
                    f"{model._meta.label}.{field.name}: the search hashes were made with another "
                    "GRADADMIT_FIELD_HASH_KEY.",
                    hint="Set the hash key the data was written with, or run `manage.py rotate_field_keys` to "
                    "hash every value again with the new one (search by ID number misses until it has run).",
                    id="gradadmit.E002",
                ))  # fmt: skip
    return errors
