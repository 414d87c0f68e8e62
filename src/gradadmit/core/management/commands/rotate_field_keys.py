"""Re-encrypt every encrypted field with the newest GRADADMIT_FIELD_KEYS key and recompute the search hashes."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from gradadmit.core.fields import encrypted_fields, refresh_search_hashes, search_hash_fields

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt national ID and passport numbers with the first key of GRADADMIT_FIELD_KEYS (every key in the "
        "list must still be there to read the old rows) and recompute their search hashes with "
        "GRADADMIT_FIELD_HASH_KEY. Safe to run again or to stop: each batch is one transaction."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            names = [f.attname for f in fields] + [f.attname for f in search_hash_fields(model)]
            pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = list(model._default_manager.filter(pk__in=pks[start : start + BATCH]).only(*names))
                    for row in rows:
                        refresh_search_hashes(row)
                    # Saving writes a fresh token under the newest key (EncryptedCharField.get_prep_value).
                    model._default_manager.bulk_update(rows, names)
            self.stdout.write(f"{model._meta.label}: {len(pks)} rows re-encrypted with the newest key.")
