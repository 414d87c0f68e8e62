"""Seed a bench database for the cycle-overview benchmark and print one JSON line for bench_overview.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database. Writes in bulk (no services: the overview only reads) a cycle of nine programmes and
BENCH_OVERVIEW_APPLICATIONS (5,000) active applications over twenty days of its application window, every funnel
state present (fees paid, documents uploaded in the last days before the documents deadline, letters completed,
decisions, interview invitations, admissions, check-ins, waitlist entries), cloned from a previous cycle with a
tenth of the applications and their payments. An office member is signed in with a database session; the SQL
queries of one GET of the overview are counted, and of the overview of a cycle with a tenth of the applications,
both counting the figures (no cache), and the time of such a GET is measured in this process.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
# Count in this process on every request (the server keeps the figures a minute, as configured by default), so the
# query counts and the time below are those of counting the cycle, not of reading the cache.
os.environ["GRADADMIT_OVERVIEW_CACHE_SECONDS"] = "0"

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_overview.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from seeding import login_session, warm_get  # noqa: E402

from gradadmit.accounts.models import ApplicantProfile, User  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402
from gradadmit.cycles.models import Milestone  # noqa: E402
from gradadmit.documents.models import Document  # noqa: E402
from gradadmit.eligibility.models import ReviewDecision  # noqa: E402
from gradadmit.enrolment.models import Admission, WaitlistEntry  # noqa: E402
from gradadmit.fees.models import Charge, Payment  # noqa: E402
from gradadmit.fees.services import application_fee_item  # noqa: E402
from gradadmit.recommendations.models import RecommendationLetter, RecommendationRequest  # noqa: E402
from gradadmit.scoring.models import InterviewInvitation  # noqa: E402
from gradadmit.testing.factories import CycleFactory, OfficeFactory, ProgramFactory, valid_taiwan_id  # noqa: E402

APPLICATIONS = int(os.environ.get("BENCH_OVERVIEW_APPLICATIONS", "5000"))
PROGRAMMES = 9
WINDOW_DAYS = 20
ID_OFFSETS = {"now": 600_000, "bnow": 700_000, "small": 800_000, "bsmall": 900_000}  # distinct national IDs


def make_cycle(code: str, *, start, previous=None):
    """A cycle whose application window opened `start` and whose documents deadline passed an hour ago."""
    cycle = CycleFactory(code=code, cloned_from=previous)
    Milestone.objects.filter(cycle=cycle, kind="application").update(
        starts_at=start, ends_at=start + timedelta(days=25)
    )
    Milestone.objects.filter(cycle=cycle, kind="documents").update(
        starts_at=start, ends_at=clock.now() - timedelta(hours=1)
    )
    programs = [
        ProgramFactory(
            cycle=cycle,
            code=f"M{n:02d}",
            recommendation_policy="at_least" if n % 2 else "optional",
            recommendations_required=1 if n % 2 else 0,
        )  # fmt: skip
        for n in range(1, PROGRAMMES + 1)
    ]
    return cycle, programs


def seed_applications(cycle, programs, count: int, *, start, tag: str):
    now = clock.now()
    User.objects.bulk_create(
        User(email=f"{tag}{n}@bench.example.tw", password="!", pdpa_consent_at=now) for n in range(count)
    )
    users = list(User.objects.filter(email__startswith=tag, email__endswith="@bench.example.tw").order_by("id"))
    ApplicantProfile.objects.bulk_create(
        ApplicantProfile(
            user=user,
            name_zh="王小明",
            name_en="WANG, HSIAO-MING",
            national_id=valid_taiwan_id(n + ID_OFFSETS[tag]),
            birth_date="1999-05-04",
            gender="male",
            phone_mobile="0912-345-678",
            address="彰化市介壽北路1號",
            school="國立彰化師範大學",
            department="電機工程學系",
            education_status="expected",
            employer="台積電" if n % 5 == 0 else "",
            service_years=3 if n % 5 == 0 else None,
        )  # fmt: skip
        for n, user in enumerate(users)
    )
    Application.objects.bulk_create(
        Application(
            applicant=user,
            program=programs[n % len(programs)],
            identity="in_service" if n % 5 == 0 else "general",
            applied_at=start + timedelta(minutes=(n * 7919) % (WINDOW_DAYS * 24 * 60)),
        )  # fmt: skip
        for n, user in enumerate(users)
    )
    applications = list(Application.objects.filter(program__cycle=cycle).order_by("id"))
    item = application_fee_item(cycle)
    paid = [a for n, a in enumerate(applications) if n % 10 < 8]
    charges = Charge.objects.bulk_create(
        Charge(
            application=a,
            item=item,
            base_amount=item.amount,
            amount_due=item.amount,
            amount_received=item.amount if n % 10 < 8 else 0,
            due_at=a.applied_at + timedelta(days=3),
            status="paid" if n % 10 < 8 else "unpaid",
        )  # fmt: skip
        for n, a in enumerate(applications)
    )
    Payment.objects.bulk_create(
        Payment(charge=c, amount=c.amount_due, method="bank", received_at=c.application.applied_at + timedelta(days=1))
        for c in charges
        if c.status == "paid"
    )
    if tag != "now":
        return applications
    deadline = clock.now() - timedelta(hours=1)
    requirements = {p.pk: list(p.document_requirements.all()) for p in programs}
    Document.objects.bulk_create(
        Document(
            application=a,
            requirement=r,
            file=f"documents/{a.pk}-{r.pk}.pdf",
            extension="pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_at=deadline - timedelta(minutes=(a.pk * 37) % (4 * 24 * 60)),
        )  # fmt: skip
        for a in paid[: len(paid) * 3 // 4]
        for r in requirements[a.program_id]
    )
    letters = RecommendationLetter.objects.bulk_create(
        RecommendationLetter(kind="upload", file=f"letters/{a.pk}.pdf", size=1000, sha256="0" * 64, submitted_at=now)
        for a in paid[: len(paid) // 2]
    )
    RecommendationRequest.objects.bulk_create(
        RecommendationRequest(
            application=a,
            name="陳大文",
            organisation="大學",
            title="教授",
            relationship="導師",
            email=f"prof{a.pk}@example.edu.tw",
            status="completed",
            letter=letter,
            completed_at=now,
            token_expires_at=now + timedelta(days=60),
        )  # fmt: skip
        for a, letter in zip(paid, letters, strict=False)
    )
    qualified = paid[: len(paid) // 2]
    ReviewDecision.objects.bulk_create(
        ReviewDecision(application=a, result="qualified", version=1, decided_at=now) for a in qualified
    )
    invited = qualified[: len(qualified) // 2]
    InterviewInvitation.objects.bulk_create(InterviewInvitation(application=a, invited_at=now) for a in invited)
    admitted = invited[: len(invited) // 4]
    Admission.objects.bulk_create(
        Admission(
            application=a,
            program=a.program,
            applicant_id=a.applicant_id,
            seat_identity=a.identity,
            source="result",
            status="checked_in" if n % 2 else "offered",
            deadline=now,
            checked_in_at=now if n % 2 else None,
            how="online" if n % 2 else "",
        )  # fmt: skip
        for n, a in enumerate(admitted)
    )
    WaitlistEntry.objects.bulk_create(
        WaitlistEntry(application=a, program=a.program, identity=a.identity, position=n + 1)
        for n, a in enumerate(invited[len(admitted) : len(admitted) * 2])
    )
    return applications


def seed(count: int, tag: str):
    start = clock.now() - timedelta(days=WINDOW_DAYS)
    previous, previous_programs = make_cycle(f"bench-before-{tag}", start=start - timedelta(days=365))
    seed_applications(
        previous, previous_programs, max(1, count // 10), start=start - timedelta(days=365), tag=f"b{tag}"
    )
    cycle, programs = make_cycle(f"bench-{tag}", start=start, previous=previous)
    seed_applications(cycle, programs, count, start=start, tag=tag)
    return cycle


def main() -> int:
    with transaction.atomic():
        cycle = seed(APPLICATIONS, "now")
        small = seed(max(1, APPLICATIONS // 10), "small")
        office = OfficeFactory()
    session_key = login_session(office)
    path = f"/office/cycles/{cycle.pk}/overview/"
    response, queries, by_table = warm_get(path, session_key)
    _, small_queries, _ = warm_get(f"/office/cycles/{small.pk}/overview/", session_key)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        warm_get(path, session_key)  # two GETs each
        timings.append((time.perf_counter() - started) / 2 * 1000)
    print(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session_key": session_key,
                "path": path,
                "applications": Application.objects.filter(program__cycle=cycle).count(),
                "status": response.status_code,
                "canvases": response.content.count(b"<canvas"),
                "queries": queries,
                "queries_small_cycle": small_queries,
                "queries_by_table": by_table,
                "uncached_ms": round(sorted(timings)[1]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
