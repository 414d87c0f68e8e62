"""One step of the tickets benchmark in a fresh process (bench environment), for bench_tickets.py: one JSON line.

ticket_worker.py seed N...   per N, a programme of an open cycle with N qualified applications (bulk inserts,
                             each with a current photo, 600x800 JPEG), exam numbers from
                             exams.services.assign_exam_numbers, interview slots of 10 from
                             add_interview_slot + assign_interview_slots; prints {"programs": {N: id}}
ticket_worker.py single PROGRAM RENDERS
                             one ticket of the programme through gradadmit.core.pdf.render_pdf, Chinese
                             (exams.tickets.render_ticket) and Latin-only (same template, same renderer, every
                             name, label and room in English, language "en"), after a warm-up, RENDERS each,
                             alternately; prints the times, Han characters in each HTML, PDF sizes
ticket_worker.py batch PROGRAM
                             the per-programme ticket zip (exams.tasks.build_ticket_batch on a new TicketBatch),
                             after one warm-up render (a long-lived worker has WeasyPrint loaded); prints wall
                             seconds, tickets in the zip, zip size, RSS before and peak RSS (VmHWM)
"""

import json
import os
import statistics
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("ticket_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")

SLOT_CAPACITY = 10


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def han(text: str) -> int:
    return sum(1 for char in text if 0x3000 <= ord(char) <= 0x9FFF or 0xFF00 <= ord(char) <= 0xFFEF)


def setup():
    import django

    django.setup()


def seed(sizes: list[int]) -> None:
    setup()
    from django.core.files.base import ContentFile
    from django.db import transaction

    from gradadmit.accounts.models import ApplicantProfile, User
    from gradadmit.applications.models import Application
    from gradadmit.core import clock
    from gradadmit.cycles.models import DocumentRequirement, Milestone
    from gradadmit.documents.models import Document
    from gradadmit.eligibility.models import ReviewDecision
    from gradadmit.exams.services import add_interview_slot, assign_exam_numbers, assign_interview_slots
    from gradadmit.testing.factories import CycleFactory, ProgramFactory, valid_taiwan_id
    from gradadmit.testing.files import photo_bytes

    started = time.perf_counter()
    now = clock.now()
    cycle = CycleFactory()
    interview_day = (now + timedelta(days=20)).replace(hour=1, minute=0, second=0, microsecond=0)
    Milestone.objects.create(cycle=cycle, kind="interview", starts_at=interview_day)
    photo = Document._meta.get_field("file").storage.save("bench/photo.jpg", ContentFile(photo_bytes()))
    programs, offset = {}, 0
    for size in sizes:
        with transaction.atomic():
            program = ProgramFactory(
                cycle=cycle, name_zh="電機工程學系碩士班 甲組（電力系統）", name_en="Electrical Engineering MSc, group A",
                department_zh="電機工程學系", department_en="Department of Electrical Engineering",
            )  # fmt: skip
            requirement = DocumentRequirement.objects.get(program=program, file_kind="photo")
            users = User.objects.bulk_create(
                User(email=f"applicant{offset + n}@example.tw", password="!", pdpa_consent_at=now) for n in range(size)
            )
            ApplicantProfile.objects.bulk_create(
                ApplicantProfile(
                    user=user,
                    name_zh="王小明",
                    name_en="WANG, HSIAO-MING",
                    national_id=valid_taiwan_id(offset + n),
                    birth_date=date(1999, 5, 4),
                    gender="male",
                    phone_mobile="0912-345-678",
                    address="彰化市介壽北路1號",
                    school="國立彰化師範大學",
                    department="電機工程學系",
                    education_status="expected",
                )  # fmt: skip
                for n, user in enumerate(users)
            )
            applications = Application.objects.bulk_create(
                Application(applicant=user, program=program, identity="general", applied_at=now - timedelta(minutes=n))
                for n, user in enumerate(users)
            )
            Document.objects.bulk_create(
                Document(
                    application=application,
                    requirement=requirement,
                    file=photo,
                    extension="jpg",
                    original_name="photo.jpg",
                    content_type="image/jpeg",
                    size=len(photo_bytes()),
                    sha256="0" * 64,
                    uploaded_at=now,
                )  # fmt: skip
                for application in applications
            )
            ReviewDecision.objects.bulk_create(
                ReviewDecision(application=application, result="qualified", version=1, decided_at=now)
                for application in applications
            )
        for n in range((size + SLOT_CAPACITY - 1) // SLOT_CAPACITY):
            start = interview_day + timedelta(minutes=30 * n)
            add_interview_slot(actor=None, program=program, starts_at=start, ends_at=start + timedelta(minutes=30),
                               room="E301 電機館", capacity=SLOT_CAPACITY)  # fmt: skip
        numbered = assign_exam_numbers(actor=None, program=program)
        unplaced = assign_interview_slots(actor=None, program=program)
        if numbered != size or unplaced:
            raise RuntimeError(f"programme of {size}: {numbered} exam numbers, {unplaced} tickets without a slot")
        programs[size] = program.pk
        offset += size
    print(json.dumps({"programs": programs, "seconds": time.perf_counter() - started}), flush=True)


def latin_context(ticket):
    """The Chinese ticket's context with every Chinese text replaced by its English counterpart (unsaved copies)."""
    from gradadmit.exams.tickets import ticket_context

    context = ticket_context(ticket)
    cycle, program, profile, slot = context["cycle"], context["program"], context["profile"], context["slot"]
    cycle.name_zh, cycle.institution_zh = cycle.name_en, cycle.institution_en
    program.name_zh, program.department_zh = program.name_en, program.department_en
    profile.name_zh = profile.name_en
    if slot is not None:
        slot.room = "E301 EE Building"
    context["labels"] = {key: {"zh": value["en"] or value["zh"], "en": ""} for key, value in context["labels"].items()}
    return context


def single(program_id: int, renders: int) -> None:
    setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from gradadmit.core.pdf import render_pdf
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.exams.tickets import TICKET_TEMPLATE, render_ticket, ticket_context

    def load():
        return (
            AdmissionTicket.objects.filter(program_id=program_id)
            .select_related("application__program__cycle", "application__applicant__profile", "slot")
            .order_by("sequence")
            .first()
        )

    def chinese() -> bytes:
        return render_ticket(load())

    def latin() -> bytes:
        return render_pdf(TICKET_TEMPLATE, latin_context(load()), language="en")

    with translation.override("zh-hant"):
        chinese_html = render_to_string(TICKET_TEMPLATE, ticket_context(load()))
    with translation.override("en"):
        latin_html = render_to_string(TICKET_TEMPLATE, latin_context(load()))
    started = time.perf_counter()
    chinese()
    first = time.perf_counter() - started
    for _ in range(2):
        latin()
        chinese()
    times, sizes = {"chinese": [], "latin": []}, {}
    for n in range(renders):
        order = [("latin", latin), ("chinese", chinese)]
        for name, render in order if n % 2 == 0 else reversed(order):
            started = time.perf_counter()
            sizes[name] = len(render())
            times[name].append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "first_seconds": first,
                "han": {"chinese": han(chinese_html), "latin": han(latin_html)},
                "sizes": sizes,
                "median": {name: statistics.median(values) for name, values in times.items()},
                "min": {name: min(values) for name, values in times.items()},
                "max": {name: max(values) for name, values in times.items()},
                "renders": renders,
            }
        ),
        flush=True,
    )


def batch(program_id: int) -> None:
    setup()
    from gradadmit.core.pdf import html_to_pdf
    from gradadmit.exams.models import TicketBatch
    from gradadmit.exams.tasks import build_ticket_batch

    html_to_pdf("<!doctype html><meta charset=utf-8><p>暖身 warm-up</p>")  # import WeasyPrint, load the fonts
    record = TicketBatch.objects.create(program_id=program_id)
    baseline = status_kb("VmRSS")
    started = time.perf_counter()
    build_ticket_batch.call(batch_id=record.pk)
    seconds = time.perf_counter() - started
    record.refresh_from_db()
    with record.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "status": record.status,
                "done": record.done,
                "total": record.total,
                "tickets": len(names),
                "zip_size": record.file.size,
                "baseline_kb": baseline,
                "peak_kb": status_kb("VmHWM"),
                "rss_after_kb": status_kb("VmRSS"),
            }
        ),
        flush=True,
    )


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "seed":
        seed([int(size) for size in argv[1:]])
    elif len(argv) == 3 and argv[0] == "single":
        single(int(argv[1]), int(argv[2]))
    elif len(argv) == 2 and argv[0] == "batch":
        batch(int(argv[1]))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
