"""Admission ticket (准考證) PDFs: one ticket, or every ticket of a programme into a zip written as it goes."""

import base64
import tempfile
import zipfile
from pathlib import Path

from django.core.files import File
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext_lazy

from gradadmit.core import clock
from gradadmit.cycles.models import DocumentRequirement

TICKET_TEMPLATE = "exams/ticket.html"
# The ticket is bilingual: each label in Chinese (the zh-Hant catalogue) with the English msgid beside it.
TICKET_LABELS = {
    "title": gettext_lazy("Admission ticket"),
    "exam_number": gettext_lazy("Exam number"),
    "name": gettext_lazy("Name"),
    "programme": gettext_lazy("Programme"),
    "identity": gettext_lazy("Identity"),
    "date": gettext_lazy("Interview date"),
    "slot": gettext_lazy("Time slot"),
    "room": gettext_lazy("Room"),
    "accommodations": gettext_lazy("Accommodations"),
    "version": gettext_lazy("Reissued ticket"),
    "rules": gettext_lazy("Rules"),
}


def bilingual_labels() -> dict[str, dict[str, str]]:
    labels = {}
    for key, message in TICKET_LABELS.items():
        with translation.override("zh-hant"):
            zh = str(message)
        with translation.override("en"):
            en = str(message)
        labels[key] = {"zh": zh, "en": en if en != zh else ""}
    return labels


def photo_data_uri(application) -> str:
    """The applicant's current photo (the photo item's current Document) as a data: URI; "" without one."""
    from gradadmit.documents.models import Document

    document = (
        Document.objects.filter(
            application=application, is_current=True, requirement__file_kind=DocumentRequirement.FileKind.PHOTO
        )
        .order_by("requirement__order")
        .first()
    )
    if document is None:
        return ""
    with document.file.open("rb") as handle:
        data = handle.read()
    return f"data:{document.content_type};base64,{base64.b64encode(data).decode('ascii')}"


def ticket_context(ticket) -> dict:
    application = ticket.application
    program = application.program
    profile = getattr(application.applicant, "profile", None)
    accommodation = getattr(application, "accommodation", None)
    from gradadmit.core.deadlines import calendar_for
    from gradadmit.exams.postponement import program_milestone

    interview = program_milestone(program, "interview", calendar_for(program.cycle))
    return {
        "ticket": ticket,
        "application": application,
        "program": program,
        "cycle": program.cycle,
        "profile": profile,
        "photo": photo_data_uri(application),
        "slot": ticket.slot,
        "interview": interview,
        "accommodation": accommodation if accommodation and accommodation.status == "approved" else None,
        "generated_at": clock.now(),
        "labels": bilingual_labels(),
    }


def render_ticket(ticket) -> bytes:
    from gradadmit.core.pdf import render_pdf

    return render_pdf(TICKET_TEMPLATE, ticket_context(ticket), language="zh-hant")


def ticket_filename(ticket) -> str:
    return f"ticket-{ticket.exam_number}.pdf"


def build_ticket_zip(batch) -> None:
    """Every ticket of the programme, one PDF each, into a zip on disk; progress saved after each ticket.

    Tickets are read in chunks and each PDF goes straight to the zip, so memory stays flat for any size.
    """
    from gradadmit.exams.models import AdmissionTicket, TicketBatch

    tickets = (
        AdmissionTicket.objects.filter(program=batch.program)
        .select_related("application__program__cycle", "application__applicant__profile", "slot")
        .order_by("sequence")
    )
    TicketBatch.objects.filter(pk=batch.pk).update(status=TicketBatch.Status.RUNNING, total=tickets.count(), done=0)
    with tempfile.TemporaryDirectory() as folder:
        zip_path = Path(folder) / "tickets.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for ticket in tickets.iterator(chunk_size=100):
                archive.writestr(ticket_filename(ticket), render_ticket(ticket))
                TicketBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
        with zip_path.open("rb") as handle:
            batch.file.save(f"tickets-{batch.program.code}.zip", File(handle), save=False)
    TicketBatch.objects.filter(pk=batch.pk).update(
        status=TicketBatch.Status.DONE, file=batch.file.name, finished_at=clock.now()
    )
