"""One step of the reminders benchmark in a fresh process (bench environment), for bench_reminders.py: one JSON line.

    reminder_worker.py seed N   N recommendation requests due for their 3-day reminder: N/2 applicants, one
                                application each over 10 programmes of one cycle whose letters step ends in 2 days,
                                2 recommenders each (invited, the invitation sent 10 days ago). Bulk inserts.
    reminder_worker.py run      the hourly reminder job (recommendations.tasks.send_recommendation_reminders, i.e.
                                services.send_due_reminders) with the immediate task backend, so every queued
                                notice email is sent in this process through mail_counting_backend.CountingBackend.

run reports wall seconds of the job, reminders it returned, emails the backend sent, notices recorded sent, the
resident set before the job (after imports, Django setup and one warm-up email render) and the peak resident set
over the process's life (VmHWM of /proc/self/status, as packet_worker.py).
"""

import contextlib
import json
import os
import secrets
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("reminder_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")

PROGRAMMES = 10
PER_APPLICANT = 2


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def seed(count: int) -> None:
    import django

    django.setup()
    from django.db import transaction

    from gradadmit.accounts.models import ApplicantProfile, User
    from gradadmit.applications.models import Application
    from gradadmit.core import clock
    from gradadmit.cycles.models import Milestone
    from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest
    from gradadmit.recommendations.selectors import hash_token
    from gradadmit.testing.factories import CycleFactory, ProgramFactory, valid_taiwan_id

    started = time.perf_counter()
    now = clock.now()
    applicants = (count + PER_APPLICANT - 1) // PER_APPLICANT
    with transaction.atomic():
        cycle = CycleFactory()
        Milestone.objects.create(
            cycle=cycle, kind="recommendations", starts_at=now - timedelta(days=20), ends_at=now + timedelta(days=2)
        )
        programs = [
            ProgramFactory(
                cycle=cycle,
                recommendation_policy="at_least",
                recommendations_required=2,
                recommendation_format="either",
                with_stages=False,
            )
            for _ in range(PROGRAMMES)
        ]
        users = User.objects.bulk_create(
            User(email=f"applicant{n}@example.tw", password="!", pdpa_consent_at=now) for n in range(applicants)
        )
        ApplicantProfile.objects.bulk_create(
            ApplicantProfile(
                user=user,
                name_zh="王小明",
                name_en="WANG, HSIAO-MING",
                national_id=valid_taiwan_id(n + 1000),
                birth_date=date(1999, 5, 4),
                gender="male",
                phone_mobile="0912-345-678",
                address="彰化市介壽北路1號",
                school="國立彰化師範大學",
                department="電機工程學系",
                education_status="expected",
            )
            for n, user in enumerate(users)
        )
        applications = Application.objects.bulk_create(
            Application(applicant=user, program=programs[n % PROGRAMMES], identity="general", applied_at=now)
            for n, user in enumerate(users)
        )
        requests = RecommendationRequest.objects.bulk_create(
            RecommendationRequest(
                application=applications[n // PER_APPLICANT],
                name="陳大文",
                organisation="國立彰化師範大學電機工程學系",
                title="教授",
                relationship="專題指導教授",
                email=f"professor{n}@example.edu.tw",
                phone="04-7232105",
                token_expires_at=now + timedelta(days=30),
            )
            for n in range(count)
        )
        RecommendationNotice.objects.bulk_create(
            RecommendationNotice(
                request=request,
                kind="invitation",
                token_hash=hash_token(secrets.token_urlsafe(32)),
                created_at=now - timedelta(days=10),
                status="sent",
                sent_at=now - timedelta(days=10),
            )
            for request in requests
        )
    print(
        json.dumps(
            {
                "requests": count,
                "applicants": applicants,
                "programmes": PROGRAMMES,
                "seconds": time.perf_counter() - started,
            }  # fmt: skip
        ),
        flush=True,
    )


def run_job() -> None:
    os.environ["GRADADMIT_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "mail_counting_backend.CountingBackend"
    import mail_counting_backend

    from gradadmit.core.mail import render_bilingual, render_template_pair
    from gradadmit.recommendations.models import RecommendationNotice
    from gradadmit.recommendations.tasks import send_recommendation_reminders

    # Warm-up, as a long-lived worker has done: template loading and translations of the notice email (an empty
    # context stops part-way, at the first lookup a filter needs; the templates and catalogues are loaded by then).
    with contextlib.suppress(Exception):
        render_bilingual(lambda: render_template_pair("notifications/email/recommendations/notice", {}))
    baseline = status_kb("VmRSS")
    started = time.perf_counter()
    returned = send_recommendation_reminders.call()
    seconds = time.perf_counter() - started
    recorded = RecommendationNotice.objects.filter(kind__in=RecommendationNotice.REMINDERS, status="sent").count()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "returned": returned,
                "emails": mail_counting_backend.SENT,
                "email_bytes": mail_counting_backend.BYTES,
                "notices_sent": recorded,
                "baseline_kb": baseline,
                "peak_kb": status_kb("VmHWM"),
                "rss_after_kb": status_kb("VmRSS"),
            }
        ),
        flush=True,
    )


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "seed":
        seed(int(argv[1]))
    elif argv == ["run"]:
        run_job()
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
