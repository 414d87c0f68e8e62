"""Seeding and checking for test_worker_kills.py, run by the test in a subprocess (its environment, its own SQLite
file). Each command prints one JSON line.

    worker_jobs.py packets PROGRAMS APPLICATIONS   programmes with applications (two PDFs each, 1 to 3 pages) and
                                                   a packet build of each, queued (documents.services)
    worker_jobs.py tickets PROGRAMS TICKETS        programmes with qualified applicants, exam numbers and interview
                                                   slots, and a ticket batch of each, queued (exams.services)
    worker_jobs.py statements STATEMENTS LINES     charges with virtual accounts and bank statements of LINES lines
                                                   each (matched, partial, unknown, invalid, repeated serials),
                                                   imported by the worker (fees.services.start_statement_import)
    worker_jobs.py emails COUNT                    COUNT emails in the outbox and one delivery task
    worker_jobs.py deliver                         one more delivery task (as the schedule queues every 30 s)
    worker_jobs.py more KIND                       one more job of KIND (packets, tickets, statements): a new build
                                                   of a programme whose builds are done, or the first statement again
    worker_jobs.py check                           what the jobs left behind: statuses, zips, PDFs, lines, payments
"""

import io
import json
import os
import sys
import zipfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("worker_jobs.py: GRADADMIT_DATA_DIR must point at the test's data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seed accounts: nobody signs in

import pikepdf  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402

from gradadmit.core import clock  # noqa: E402

HEADER = "value_date,value_time,virtual_account,amount,bank_serial,payer_bank_code"
FEE = 900


def office():
    from gradadmit.accounts.models import User

    user, _ = User.objects.get_or_create(email="office@kill.test", defaults={"staff_role": "office", "is_staff": True})
    return user


# --- packets ---------------------------------------------------------------------------------------------------


def seed_packets(programs: int, applications: int) -> dict:
    from gradadmit.cycles.models import DocumentRequirement
    from gradadmit.documents.models import Document
    from gradadmit.documents.services import request_packet_build
    from gradadmit.testing.factories import ApplicationFactory, CycleFactory, ProgramFactory
    from gradadmit.testing.files import pdf_bytes

    cycle = CycleFactory(code="kill-packets")
    pdfs = {pages: pdf_bytes(pages=pages) for pages in (1, 2, 3)}
    builds = []
    for p in range(programs):
        program = ProgramFactory(cycle=cycle, code=f"K{p:02d}", with_stages=False)
        requirements = [
            DocumentRequirement.objects.create(
                program=program, order=n, code=f"part-{n}", name_zh=f"文件{n}", name_en=f"Part {n}"
            )  # fmt: skip
            for n in (1, 2)
        ]
        for a in range(applications):
            application = ApplicationFactory(program=program)
            for n, requirement in enumerate(requirements):
                pages = 1 + (a + n) % 3
                document = Document(
                    application=application, requirement=requirement, extension="pdf",
                    original_name=f"part-{n}.pdf", content_type="application/pdf", size=len(pdfs[pages]),
                    pages=pages, sha256="0" * 64, uploaded_at=clock.now(),
                )  # fmt: skip
                document.file.save("upload.pdf", ContentFile(pdfs[pages]), save=False)
                document.save()
        builds.append(request_packet_build(actor=office(), program=program).pk)
    return {"builds": builds}


def check_packets() -> list[dict]:
    from gradadmit.applications.models import Application
    from gradadmit.documents.models import Document, PacketBuild
    from gradadmit.documents.packets import packet_filename

    results = []
    for build in PacketBuild.objects.order_by("pk"):
        applications = Application.objects.active().filter(program=build.program).select_related("program")
        expected = {}
        for application in applications:
            pages = Document.objects.filter(application=application, is_current=True).values_list("pages", flat=True)
            expected[packet_filename(application)] = 1 + sum(pages)  # the cover, then every document
        results.append({"id": build.pk, "status": build.status, "done": build.done, "total": build.total,
                        "expected": expected, **read_zip(build.file)})  # fmt: skip
    return results


def read_zip(field) -> dict:
    """Names in the zip (in order, repeats kept) and each PDF's page count (-1: it does not open)."""
    if not field:
        return {"names": [], "pages": {}}
    with field.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
        pages = {}
        for name in names:
            try:
                with pikepdf.open(io.BytesIO(archive.read(name))) as pdf:
                    pages[name] = len(pdf.pages)
            except Exception:
                pages[name] = -1
    return {"names": names, "pages": pages}


# --- tickets ---------------------------------------------------------------------------------------------------


def seed_tickets(programs: int, tickets: int) -> dict:
    from gradadmit.accounts.models import ApplicantProfile, User
    from gradadmit.applications.models import Application
    from gradadmit.cycles.models import DocumentRequirement, Milestone
    from gradadmit.documents.models import Document
    from gradadmit.eligibility.models import ReviewDecision
    from gradadmit.exams.services import (
        add_interview_slot,
        assign_exam_numbers,
        assign_interview_slots,
        request_ticket_batch,
    )
    from gradadmit.testing.factories import CycleFactory, ProgramFactory, valid_taiwan_id
    from gradadmit.testing.files import photo_bytes

    now = clock.now()
    cycle = CycleFactory(code="kill-tickets")
    interview_day = (now + timedelta(days=20)).replace(hour=1, minute=0, second=0, microsecond=0)
    Milestone.objects.create(cycle=cycle, kind="interview", starts_at=interview_day)
    photo = Document._meta.get_field("file").storage.save("kill/photo.jpg", ContentFile(photo_bytes()))
    batches = []
    for p in range(programs):
        with transaction.atomic():
            program = ProgramFactory(cycle=cycle, code=f"T{p:02d}")
            requirement = DocumentRequirement.objects.get(program=program, file_kind="photo")
            users = User.objects.bulk_create(
                User(email=f"ticket{p}-{n}@kill.test", password="!", pdpa_consent_at=now) for n in range(tickets)
            )
            ApplicantProfile.objects.bulk_create(
                ApplicantProfile(user=user, name_zh="王小明", name_en="WANG, HSIAO-MING",
                                 national_id=valid_taiwan_id(50_000 + p * 1000 + n), birth_date=date(1999, 5, 4),
                                 gender="male", phone_mobile="0912-345-678", address="彰化市介壽北路1號",
                                 school="國立彰化師範大學", department="電機工程學系", education_status="expected")
                for n, user in enumerate(users)
            )  # fmt: skip
            applications = Application.objects.bulk_create(
                Application(applicant=user, program=program, identity="general", applied_at=now - timedelta(minutes=n))
                for n, user in enumerate(users)
            )
            Document.objects.bulk_create(
                Document(application=application, requirement=requirement, file=photo, extension="jpg",
                         original_name="photo.jpg", content_type="image/jpeg", size=1, sha256="0" * 64,
                         uploaded_at=now)
                for application in applications
            )  # fmt: skip
            ReviewDecision.objects.bulk_create(
                ReviewDecision(application=application, result="qualified", version=1, decided_at=now)
                for application in applications
            )
        start = interview_day + timedelta(hours=p)
        add_interview_slot(actor=None, program=program, starts_at=start, ends_at=start + timedelta(minutes=30),
                           room="E301 電機館", capacity=tickets)  # fmt: skip
        assign_exam_numbers(actor=None, program=program)
        assign_interview_slots(actor=None, program=program)
        batches.append(request_ticket_batch(actor=office(), program=program).pk)
    return {"batches": batches}


def check_tickets() -> list[dict]:
    from gradadmit.exams.models import AdmissionTicket, TicketBatch
    from gradadmit.exams.tickets import ticket_filename

    results = []
    for batch in TicketBatch.objects.order_by("pk"):
        expected = sorted(ticket_filename(t) for t in AdmissionTicket.objects.filter(program=batch.program))
        results.append({"id": batch.pk, "status": batch.status, "done": batch.done, "total": batch.total,
                        "expected": expected, **read_zip(batch.file)})  # fmt: skip
    return results


# --- statements ------------------------------------------------------------------------------------------------


def seed_statements(statements: int, lines: int) -> dict:
    """Statement s pays its own charges; every 50th line is an exception (partial, unknown, invalid, a serial
    repeated within the file); the partial payers of statement s pay the rest in statement s+1 (a charge paid by
    two imports)."""
    from gradadmit.accounts.models import User
    from gradadmit.applications.models import Application
    from gradadmit.fees.banks import default_bank
    from gradadmit.fees.models import AccountSerial, Charge, FeeItem, VirtualAccount
    from gradadmit.fees.services import start_statement_import
    from gradadmit.fees.virtual_accounts import make_account
    from gradadmit.testing.factories import CycleFactory, ProgramFactory

    settings.GRADADMIT_STATEMENT_SYNC_KB = 0  # every import goes to the worker
    bank = default_bank()
    now = clock.now()
    cycle = CycleFactory(code="kill-fees")
    program = ProgramFactory(cycle=cycle, code="F01", with_stages=False)
    item = FeeItem.objects.create(
        cycle=cycle, code="application-kill", kind="application", name_zh="報名費", amount=FEE
    )
    total = statements * lines
    with transaction.atomic():
        users = User.objects.bulk_create(User(email=f"payer{i}@kill.test", password="!") for i in range(total))
        applications = Application.objects.bulk_create(
            Application(applicant=user, program=program, identity="general", applied_at=now) for user in users
        )
        charges = Charge.objects.bulk_create(
            Charge(application=a, item=item, base_amount=FEE, amount_due=FEE, due_at=now, status="unpaid")
            for a in applications
        )
        accounts = [
            VirtualAccount(charge=c, number=make_account(bank.scheme, i + 1), bank_code=bank.code, serial=i + 1)
            for i, c in enumerate(charges)
        ]
        VirtualAccount.objects.bulk_create(accounts)
        AccountSerial.objects.update_or_create(bank_code=bank.code, prefix=bank.scheme.prefix,
                                               defaults={"last_serial": total})  # fmt: skip
    numbers = [a.number for a in accounts]
    unknown = make_account(bank.scheme, total + 1000)
    partial_of = {}  # statement -> accounts that paid 500 of 900 in it
    ids = []
    for s in range(statements):
        rows = []
        for i in range(lines):
            serial = f"S{s}L{i:06d}"
            number = numbers[s * lines + i]
            kind = i % 50
            if kind == 10:
                rows.append(f"2024-10-01,10:00:00,{number},500,{serial},812")
                partial_of.setdefault(s, []).append(number)
            elif kind == 20:
                rows.append(f"2024-10-01,10:00:00,{unknown},{FEE},{serial},812")
            elif kind == 30:
                rows.append(f"2024-10-01,10:00:00,{number},-{FEE},{serial},812")
            elif kind == 40 and i:
                rows.append(f"2024-10-01,10:00:00,{numbers[s * lines]},{FEE},S{s}L{0:06d},812")  # repeated serial
            elif kind == 45 and partial_of.get(s - 1):
                rows.append(f"2024-10-02,10:00:00,{partial_of[s - 1].pop()},400,{serial},812")  # the rest
            else:
                rows.append(f"2024-10-01,09:{i % 60:02d}:00,{number},{FEE},{serial},812")
        content = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
        upload = SimpleUploadedFile(f"bank-{s}.csv", content)
        ids.append(start_statement_import(actor=office(), cycle=cycle, upload=upload).pk)
    return {"statements": ids}


def check_statements() -> dict:
    from django.db.models import Count, Sum

    from gradadmit.core.models import AuditEntry
    from gradadmit.fees.models import Charge, Payment, StatementImport, StatementLine

    imports = []
    for statement in StatementImport.objects.order_by("pk"):
        with statement.file.open("rb") as handle:
            file_lines = sum(1 for line in handle.read().decode().splitlines() if line.strip()) - 1
        lines = StatementLine.objects.filter(statement=statement)
        numbers = list(lines.values_list("line_number", flat=True))
        audits = Counter(
            AuditEntry.objects.filter(action="fees.payment_imported", reason=f"statement import #{statement.pk}")
            .values_list("target_id", flat=True)
        )  # fmt: skip
        paid_charges = Counter(
            str(pk)
            for pk in lines.filter(charge__isnull=False, payment__isnull=False).values_list("charge_id", flat=True)
        )
        imports.append({
            "id": statement.pk, "status": statement.status, "error": statement.error,
            "file_lines": file_lines, "lines": len(numbers), "distinct_line_numbers": len(set(numbers)),
            "outcomes": dict(Counter(lines.values_list("outcome", flat=True))),
            "counts": {"lines_total": statement.lines_total, "matched": statement.matched,
                       "amount_wrong": statement.amount_wrong, "unknown": statement.unknown,
                       "duplicate": statement.duplicate, "invalid": statement.invalid},
            "lines_with_charge": lines.filter(charge__isnull=False).count(),
            "payments": Payment.objects.filter(statement_line__statement=statement).count(),
            "audits_per_charge": dict(audits), "charges_paid": dict(paid_charges),
        })  # fmt: skip
    sums = dict(Payment.objects.values("charge_id").annotate(total=Sum("amount")).values_list("charge_id", "total"))
    wrong = [
        (pk, received, sums.get(pk, 0))
        for pk, received in Charge.objects.values_list("pk", "amount_received")
        if received != sums.get(pk, 0)
    ]
    twice = list(
        Payment.objects.filter(statement_line__isnull=False)
        .values("statement_line").annotate(n=Count("pk")).filter(n__gt=1).values_list("statement_line", flat=True)
    )  # fmt: skip
    return {"imports": imports, "charges_wrong": wrong[:20], "lines_paid_twice": twice[:20],
            "charges_paid": Charge.objects.filter(status="paid").count()}  # fmt: skip


# --- emails ----------------------------------------------------------------------------------------------------


def seed_emails(count: int) -> dict:
    from gradadmit.outbox.services import kick_delivery, queue_email

    with transaction.atomic():
        for n in range(count):
            queue_email(to=f"applicant{n}@kill.test", subject=f"通知 {n}", body=f"第 {n} 封 / email {n}",
                        cause="kill-test", kick=False)  # fmt: skip
        kick_delivery()
    return {"emails": count}


def deliver() -> dict:
    from gradadmit.outbox.services import kick_delivery

    with transaction.atomic():
        kick_delivery()  # what the schedule does every 30 s
    return {}


def check_emails() -> dict:
    from gradadmit.outbox.models import Email

    emails = Email.objects.filter(cause="kill-test")
    return {
        "statuses": dict(Counter(emails.values_list("status", flat=True))),
        "message_ids": list(emails.values_list("message_id", flat=True)),
    }


# --- more jobs, and the queue ----------------------------------------------------------------------------------


def more(kind: str) -> dict:
    if kind == "packets":
        from gradadmit.cycles.models import Program
        from gradadmit.documents.services import request_packet_build

        program = Program.objects.filter(code__startswith="K").order_by("pk").first()
        return {"id": request_packet_build(actor=office(), program=program).pk}
    if kind == "tickets":
        from gradadmit.cycles.models import Program
        from gradadmit.exams.services import request_ticket_batch

        program = Program.objects.filter(code__startswith="T").order_by("pk").first()
        return {"id": request_ticket_batch(actor=office(), program=program).pk}
    if kind == "statements":
        from gradadmit.fees.models import StatementImport
        from gradadmit.fees.services import start_statement_import

        settings.GRADADMIT_STATEMENT_SYNC_KB = 0
        first = StatementImport.objects.order_by("pk").first()  # imported again: every line a duplicate now
        with first.file.open("rb") as handle:
            upload = SimpleUploadedFile(f"again-{first.original_name}", handle.read())
        return {"id": start_statement_import(actor=office(), cycle=first.cycle, upload=upload).pk}
    raise SystemExit(f"unknown kind {kind!r}")


def check_tasks() -> dict:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values_list("task_path", "status", "traceback", "worker_ids")
    return {
        "statuses": dict(Counter(f"{path.rsplit('.', 1)[1]}:{status}" for path, status, _t, _w in rows)),
        "failures": [traceback[-600:] for _p, status, traceback, _w in rows if status == "FAILED"],
        "most_claims": max((len(workers) for *_rest, workers in rows), default=0),
    }


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "packets":
        result = seed_packets(int(args[0]), int(args[1]))
    elif command == "tickets":
        result = seed_tickets(int(args[0]), int(args[1]))
    elif command == "statements":
        result = seed_statements(int(args[0]), int(args[1]))
    elif command == "emails":
        result = seed_emails(int(args[0]))
    elif command == "deliver":
        result = deliver()
    elif command == "more":
        result = more(args[0])
    elif command == "check":
        result = {"packets": check_packets(), "tickets": check_tickets(), "statements": check_statements(),
                  "emails": check_emails(), "tasks": check_tasks()}  # fmt: skip
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
