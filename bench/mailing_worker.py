"""The portal side of bench_mailing.py, run in a fresh process with the bench environment (never the real data).

mailing_worker.py seed N           N applicants of one programme, a mailing to all of them submitted (JSON)
mailing_worker.py send             approve it, then run the queue like a worker until the outbox is empty;
                                   prints wall time, emails sent, resident set before and peak (JSON)
mailing_worker.py reference N PORT the same N messages, prepared first, sent with smtplib over one connection
mailing_worker.py rate N           queue N plain emails (for the rate-limit check) and deliver them (JSON)
"""

import json
import os
import smtplib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("mailing_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

SUBJECT_ZH, SUBJECT_EN = "{program} 報名費尚未繳納", "{program}: your application fee is unpaid"
BODY_ZH = "{name} 您好：\n\n您報名 {program} 的報名費尚未繳納，請於期限內繳費。\n請至考生專區查看繳費資訊：{link}\n"
BODY_EN = "Dear {name},\n\nThe application fee for {program} is unpaid. Please pay it in time.\nSee {link}\n"


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def seed(count: int) -> dict:
    from datetime import timedelta

    from gradadmit.accounts.models import ApplicantProfile, User
    from gradadmit.applications.models import Application
    from gradadmit.core import clock
    from gradadmit.mailings import services
    from gradadmit.testing.factories import CycleFactory, OfficeFactory, ProgramFactory, valid_taiwan_id

    now = clock.now()
    with transaction.atomic():
        cycle = CycleFactory()
        program = ProgramFactory(cycle=cycle)
        User.objects.bulk_create(
            User(email=f"applicant{n}@bench.example.tw", password="!", pdpa_consent_at=now) for n in range(count)
        )
        users = list(User.objects.filter(email__endswith="@bench.example.tw").order_by("id"))
        ApplicantProfile.objects.bulk_create(
            ApplicantProfile(
                user=user,
                name_zh="王小明",
                name_en="WANG, HSIAO-MING",
                national_id=valid_taiwan_id(n + 500_000),
                birth_date="1999-05-04",
                gender="male",
                phone_mobile="0912-345-678",
                address="彰化市介壽北路1號",
                school="國立彰化師範大學",
                department="電機工程學系",
                education_status="expected",
            )  # fmt: skip
            for n, user in enumerate(users)
        )
        Application.objects.bulk_create(
            Application(applicant=user, program=program, identity="general", applied_at=now - timedelta(minutes=n))
            for n, user in enumerate(users)
        )
        author, approver = OfficeFactory(), OfficeFactory()
    mailing = services.create_mailing(
        actor=author, cycle=cycle, program=program, subject_zh=SUBJECT_ZH, subject_en=SUBJECT_EN, body_zh=BODY_ZH,
        body_en=BODY_EN,
    )  # fmt: skip
    recipients = services.submit_mailing(actor=author, mailing=mailing)
    return {"mailing": mailing.pk, "recipients": recipients, "approver": approver.pk}


def run_queue() -> None:
    """What `run_worker` does, in this process: take ready tasks until none is left."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="bench-worker").run()  # fmt: skip


def send(mailing_id: int, approver_id: int) -> dict:
    from gradadmit.accounts.models import User
    from gradadmit.mailings.models import Mailing
    from gradadmit.mailings.services import approve_mailing
    from gradadmit.outbox.models import Email

    before = rss_mb()
    started = time.perf_counter()
    approve_mailing(actor=User.objects.get(pk=approver_id), mailing=Mailing.objects.get(pk=mailing_id))
    run_queue()
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "sent": Email.objects.filter(status="sent").count(),
        "not_sent": Email.objects.exclude(status="sent").count(),
        "rss_before_mb": before,
        "peak_mb": peak_rss_mb(),
    }


def reference(count: int, port: int) -> dict:
    """The same messages, rendered and built first, then sent with smtplib over one connection."""
    from django.core.mail import EmailMessage

    body = BODY_ZH.format(name="王小明", program="電子工程系碩士班", link="http://localhost:8000/me/")
    body += "\n\n" + "-" * 20 + " English " + "-" * 20 + "\n\n"
    body += BODY_EN.format(name="WANG, HSIAO-MING", program="Electronic Engineering", link="http://localhost:8000/me/")
    messages = [
        EmailMessage(
            subject="[GradAdmit] 報名費尚未繳納 / fee unpaid",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[f"applicant{n}@bench.example.tw"],
        )
        .message()
        .as_bytes(linesep="\r\n")  # fmt: skip
        for n in range(count)
    ]
    started = time.perf_counter()
    connection = smtplib.SMTP("127.0.0.1", port)
    for n, message in enumerate(messages):
        connection.sendmail("no-reply@gradadmit.local", [f"applicant{n}@bench.example.tw"], message)
    connection.quit()
    return {"seconds": time.perf_counter() - started}


def rate(count: int) -> dict:
    from gradadmit.outbox import delivery
    from gradadmit.outbox.services import queue_email

    with transaction.atomic():
        for n in range(count):
            queue_email(to=f"rate{n}@bench.example.tw", subject="rate", body="rate", cause="bench", kick=False)
    started = time.perf_counter()
    report = delivery.deliver_due(worker_id="bench-rate")
    return {"seconds": time.perf_counter() - started, "sent": report.sent}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "seed":
        result = seed(int(args[0]))
    elif command == "send":
        result = send(int(args[0]), int(args[1]))
    elif command == "reference":
        result = reference(int(args[0]), int(args[1]))
    else:
        result = rate(int(args[0]))
    print(json.dumps(result))
