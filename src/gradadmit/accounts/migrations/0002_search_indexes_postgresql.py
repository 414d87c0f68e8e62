"""Indexes for the office's applicant search (office/search.py), on PostgreSQL only.

Django's icontains is `UPPER(col::text) LIKE UPPER('%…%')` and iexact `UPPER(col::text) = UPPER('…')` there:
trigram GIN indexes on UPPER(name) let the partial name and email searches skip the table scan, and btree
indexes on UPPER(id number) serve the exact ones. SQLite has no trigram index; this migration does nothing there.
"""

from django.db import migrations

INDEXES = [
    ("search_profile_name_zh_trgm", "accounts_applicantprofile", "gin (UPPER(name_zh::text) gin_trgm_ops)"),
    ("search_profile_name_en_trgm", "accounts_applicantprofile", "gin (UPPER(name_en::text) gin_trgm_ops)"),
    ("search_user_email_trgm", "accounts_user", "gin (UPPER(email::text) gin_trgm_ops)"),
    ("search_profile_national_id_upper", "accounts_applicantprofile", "(UPPER(national_id::text))"),
    ("search_profile_passport_upper", "accounts_applicantprofile", "(UPPER(passport_number::text))"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        using = "USING " if expression.startswith("gin") else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {using}{expression}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
