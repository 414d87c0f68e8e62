"""The query planner's statistics: after the hourly job, the API's keyset page walks the primary key."""

import pytest
from django.db import connection

from gradadmit.accounts.models import User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.dbstats import refresh_statistics
from gradadmit.core.jobs import schedule
from gradadmit.testing.factories import CycleFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def seed_applications(per_program: int = 150) -> list[int]:
    cycle = CycleFactory()
    programs = [ProgramFactory(cycle=cycle, code=f"S{n}") for n in range(4)]
    users = User.objects.bulk_create(User(email=f"stats{n}@example.org") for n in range(per_program))
    now = clock.now()
    Application.objects.bulk_create(
        Application(applicant=user, program=program, identity="general", applied_at=now)
        for program in programs
        for user in users
    )
    return [program.pk for program in programs[:3]]


def test_the_statistics_job_is_scheduled_hourly():
    entry = next(e for e in schedule() if e.name == "database-statistics")
    assert entry.every == 3600
    assert entry.task.endswith("refresh_database_statistics")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plans; PostgreSQL has autovacuum")
def test_after_analyze_a_keyset_page_walks_the_primary_key_without_sorting():
    program_ids = seed_applications()
    page = Application.objects.filter(program_id__in=program_ids, pk__gt=10).order_by("pk")[:101]
    assert refresh_statistics() == "sqlite: analysed"
    plan = page.explain()
    assert "TEMP B-TREE" not in plan, plan  # no sort of every application in scope on every page
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'applications_application'")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")
def test_postgresql_keeps_its_own_statistics():
    assert "autovacuum" in refresh_statistics()
