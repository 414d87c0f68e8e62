"""Shared by the privacy tests: a populated demo cycle, the portal clock moved past its retention, the full scan."""

import json
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.db import connection

from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.cycles.demo import OFFICE_EMAIL, create_demo_accounts, load_demo_cycle
from gradadmit.cycles.demo_applicants import load_demo_applicants
from gradadmit.recommendations.models import RecommendationRequest


def demo_cycle(count: int = 30):
    """The demo cycle with `count` synthetic applicants in every state (through the services)."""
    cycle = load_demo_cycle()
    create_demo_accounts(cycle)
    office = User.objects.get(email=OFFICE_EMAIL)
    load_demo_applicants(cycle=cycle, office=office, count=count)
    return cycle, office


@contextmanager
def clock_moved(by: timedelta):
    real = clock.now
    clock.now = lambda: real() + by
    try:
        yield
    finally:
        clock.now = real


def personal_strings(user_ids) -> set[str]:
    """Names, ID and passport numbers, emails, phones and addresses of these applicants and their recommenders."""
    found = set(User.objects.filter(pk__in=user_ids).values_list("email", flat=True))
    for profile in ApplicantProfile.objects.filter(user_id__in=user_ids):
        found |= {profile.name_zh, profile.name_en, profile.national_id, profile.passport_number,
                  profile.phone_mobile, profile.phone_home, profile.address}  # fmt: skip
    for request in RecommendationRequest.objects.filter(application__applicant_id__in=user_ids):
        found |= {request.name, request.email, request.phone}
    return {value for value in found if value and len(value) >= 3}


def applicant_ids_of(cycle) -> set[int]:
    return set(Application.objects.filter(program__cycle=cycle).values_list("applicant_id", flat=True))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def scan_database(needles) -> list[str]:
    """Every column of every table (introspected, raw SQL), and every model field read through the ORM (so an
    encrypted column is read decrypted): where any needle occurs, as "table.column: needle"."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected name
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _text(value)
                    hits += [f"{table}.{column}: {n}" for n in needles if n in text]
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields
                  if f.get_internal_type() in ("CharField", "TextField", "EmailField", "JSONField", "SlugField")]  # fmt: skip
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                text = _text(value)
                hits += [f"{model._meta.label}.{field.name}: {n}" for n in needles if n in text]
    return sorted(set(hits))


def scan_storage(root: Path, needles) -> list[str]:
    """Every stored file's name and bytes."""
    hits = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle in str(path.relative_to(root)) or needle.encode() in data:
                hits.append(f"{path.relative_to(root)}: {needle}")
    return hits
