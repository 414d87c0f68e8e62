"""Seed a bench database for the review-queue benchmark and print one JSON line for bench_review.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database. Creates a programme with 1,000 active applications (a third qualified, a sixth needing a
supplement, the rest not reviewed; a fifth in-service; every application charged its fee, half of them paid) and a
department staff member assigned to it, logs the staff member in with a database session, and counts the SQL queries
of one GET of the review queue, and of the queue with 10x fewer applications (the count must not change).
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_review.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from seeding import login_session, warm_get  # noqa: E402

from gradadmit.accounts.models import ApplicantProfile, User  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402
from gradadmit.eligibility.models import ReviewDecision  # noqa: E402
from gradadmit.testing.factories import (  # noqa: E402
    CycleFactory,
    DepartmentStaffFactory,
    ProgramFactory,
    assign,
    valid_taiwan_id,
)

APPLICATIONS = int(os.environ.get("BENCH_REVIEW_APPLICATIONS", "1000"))


def seed_program(cycle, count: int, offset: int):
    """`count` applicants and applications in bulk (no password hashing: they never sign in here)."""
    program = ProgramFactory(cycle=cycle)
    now = clock.now()
    users = User.objects.bulk_create(
        User(email=f"applicant{offset + n}@bench.example.tw", password="!", pdpa_consent_at=now) for n in range(count)
    )
    users = list(User.objects.filter(email__endswith="@bench.example.tw").order_by("id")[offset : offset + count])
    ApplicantProfile.objects.bulk_create(
        ApplicantProfile(
            user=user,
            name_zh="王小明",
            name_en="WANG, HSIAO-MING",
            national_id=valid_taiwan_id(offset + n + 500_000),
            birth_date="1999-05-04",
            gender="male",
            phone_mobile="0912-345-678",
            address="彰化市介壽北路1號",
            school="國立彰化師範大學",
            department="電機工程學系",
            education_status="expected",
            employer="台積電" if n % 5 == 0 else "",
            service_years=3 if n % 5 == 0 else None,
        )
        for n, user in enumerate(users)
    )
    applications = Application.objects.bulk_create(
        Application(
            applicant=user,
            program=program,
            identity="in_service" if n % 5 == 0 else "general",
            applied_at=now - timedelta(minutes=count - n),
        )
        for n, user in enumerate(users)
    )
    applications = list(Application.objects.filter(program=program).order_by("id"))
    ReviewDecision.objects.bulk_create(
        ReviewDecision(
            application=application,
            result="qualified" if n % 3 == 0 else "supplement",
            supplement_until=now + timedelta(days=3) if n % 3 else None,
            message="" if n % 3 == 0 else "補件",
            version=1,
            decided_at=now,
        )
        for n, application in enumerate(applications)
        if n % 2 == 0
    )
    _charge_fees(applications)
    return program


def _charge_fees(applications):
    """Every application charged its fee (as the fee page would), half of them paid; skipped without a fees app."""
    try:
        from gradadmit.fees.models import Charge
        from gradadmit.fees.services import application_fee_item
    except ImportError:
        return
    item = application_fee_item(applications[0].program.cycle)
    due = clock.now() + timedelta(days=10)
    Charge.objects.bulk_create(
        Charge(
            application=application,
            item=item,
            base_amount=item.amount,
            amount_due=item.amount,
            amount_received=item.amount if n % 2 else 0,
            due_at=due,
            status=Charge.Status.PAID if n % 2 else Charge.Status.UNPAID,
        )
        for n, application in enumerate(applications)
    )


def count_queries(session_key: str, path: str):
    response, count, by_table = warm_get(path, session_key)
    return response.status_code, count, by_table, response.content


def main() -> int:
    with transaction.atomic():
        cycle = CycleFactory()
        program = seed_program(cycle, APPLICATIONS, 0)
        small = seed_program(cycle, max(1, APPLICATIONS // 10), APPLICATIONS)
        staff = DepartmentStaffFactory()
        assign(staff, program)
        assign(staff, small)
    session_key = login_session(staff)
    path = f"/office/programs/{program.pk}/review/"
    status, queries, by_table, body = count_queries(session_key, path)
    _, small_queries, _, _ = count_queries(session_key, f"/office/programs/{small.pk}/review/")
    print(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session_key": session_key,
                "path": path,
                "applications": APPLICATIONS,
                "status": status,
                "rows": body.count(b'name="selected"'),
                "queries": queries,
                "queries_small_programme": small_queries,
                "queries_by_table": by_table,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
