"""National ID and passport numbers encrypted at rest, with keyed search hashes (core/fields.py, core/crypto.py).

Order: the unique constraint on the plain number and (PostgreSQL) migration 0002's UPPER(number) search indexes
go, the hash columns come, the number columns become text, then every existing row is encrypted and hashed with
the keys configured now, and the unique constraint is put back on the hash. The rows are read and written with
plain SQL (the field class would try to decrypt the plain values still there); a value that is already a
Fernet token is left as it is, so a migration interrupted half way runs again. Works on SQLite and PostgreSQL.
"""

from django.db import migrations, models

import gradadmit.core.fields

TABLE = "accounts_applicantprofile"
PG_INDEXES = [  # migration 0002's btree indexes on the plain numbers: useless on ciphertext
    ("search_profile_national_id_upper", "(UPPER(national_id::text))"),
    ("search_profile_passport_upper", "(UPPER(passport_number::text))"),
]
BATCH = 500
SELECT = "SELECT id, national_id, passport_number FROM accounts_applicantprofile ORDER BY id"
UPDATE = (
    "UPDATE accounts_applicantprofile SET national_id = %s, passport_number = %s, national_id_hash = %s, "
    "passport_number_hash = %s WHERE id = %s"
)


def drop_plain_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _expression in PG_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_plain_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in PG_INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} {expression}")


def _rewrite(schema_editor, convert):
    """Every profile's (national_id, passport_number, their hashes) rewritten by `convert(nid, passport)`."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(SELECT)
        rows = cursor.fetchall()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                UPDATE, [(*convert(nid or "", passport or ""), pk) for pk, nid, passport in rows[start : start + BATCH]]
            )


def encrypt_rows(apps, schema_editor):
    from gradadmit.core import crypto

    def convert(nid, passport):
        plain_nid = crypto.decrypt(nid) if crypto.is_token(nid) else nid
        plain_passport = crypto.decrypt(passport) if crypto.is_token(passport) else passport
        return (
            nid if crypto.is_token(nid) else crypto.encrypt(nid),
            passport if crypto.is_token(passport) else crypto.encrypt(passport),
            crypto.search_hash(plain_nid),
            crypto.search_hash(plain_passport),
        )

    _rewrite(schema_editor, convert)


def decrypt_rows(apps, schema_editor):
    from gradadmit.core import crypto

    def convert(nid, passport):
        return (crypto.decrypt(nid) if crypto.is_token(nid) else nid,
                crypto.decrypt(passport) if crypto.is_token(passport) else passport, "", "")  # fmt: skip

    _rewrite(schema_editor, convert)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_search_indexes_postgresql")]

    operations = [
        migrations.RemoveConstraint(model_name="applicantprofile", name="profile_unique_national_id"),
        migrations.RunPython(drop_plain_indexes, create_plain_indexes, elidable=True),
        migrations.AddField(
            model_name="applicantprofile",
            name="national_id_hash",
            field=gradadmit.core.fields.SearchHashField(db_index=True, source="national_id"),
        ),
        migrations.AddField(
            model_name="applicantprofile",
            name="passport_number_hash",
            field=gradadmit.core.fields.SearchHashField(db_index=True, source="passport_number"),
        ),
        migrations.AlterField(
            model_name="applicantprofile",
            name="national_id",
            field=gradadmit.core.fields.EncryptedCharField(
                blank=True, max_length=10, verbose_name="national ID number"
            ),
        ),
        migrations.AlterField(
            model_name="applicantprofile",
            name="passport_number",
            field=gradadmit.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="passport number"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AddConstraint(
            model_name="applicantprofile",
            constraint=models.UniqueConstraint(
                condition=models.Q(("national_id_hash", ""), _negated=True),
                fields=("national_id_hash",),
                name="profile_unique_national_id_hash",
                violation_error_message="This national ID number is already registered to another account.",
            ),
        ),
    ]
