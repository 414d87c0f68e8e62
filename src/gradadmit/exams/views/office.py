"""Staff: exam numbers, interview slots, publication, ticket PDFs and batches, accommodation requests."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access
from gradadmit.core import exports
from gradadmit.core.choices import Identity
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.core.rocdate import format_for_language
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.exams import selectors, services
from gradadmit.exams.forms import AccommodationDecisionForm, ReopenForm, SlotForm
from gradadmit.exams.models import InterviewSlot, TicketBatch
from gradadmit.exams.tickets import render_ticket, ticket_filename
from gradadmit.office.permissions import staff_required

TICKET_SORTS = [
    Sort("number", gettext_lazy("Exam number"), "sequence"),
    Sort("name", gettext_lazy("Name"), ("application__applicant__profile__name_zh", "sequence")),
    Sort("identity", gettext_lazy("Identity"), ("application__identity", "sequence")),
    Sort("slot", gettext_lazy("Slot"), ("slot__starts_at", "slot__room", "sequence")),
]
TICKET_COLUMNS = [
    exports.Column(gettext_lazy("Exam number"), "exam_number", kind=exports.ID),
    exports.Column(gettext_lazy("Application number"), "application_id", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("name (English, as in passport)"), "application.applicant.profile.name_en"),
    exports.Column(gettext_lazy("Identity"), lambda t: t.application.get_identity_display()),
    exports.Column(gettext_lazy("Interview starts"), "slot.starts_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("Interview ends"), "slot.ends_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("Room"), "slot.room"),
    exports.Column(gettext_lazy("Accommodations"), lambda t: _accommodation(t.application)),
]


def _accommodation(application):
    request = getattr(application, "accommodation", None)
    if request is None:
        return ""
    if request.status == request.Status.APPROVED:
        return f"{request.get_status_display()}: {', '.join(request.needs())}"
    return request.get_status_display()


def _tickets(request, program, slots):
    """The programme's tickets as the URL filters and sorts them (by identity and slot), with the listing."""
    language = get_language() or "zh-hant"
    slot_choices = [(slot.pk, f"{format_for_language(slot.starts_at, language)} {slot.room}") for slot in slots]
    filters = [
        Filter("identity", gettext_lazy("Identity"), "application__identity", Identity.choices),
        Filter("slot", gettext_lazy("Slot"), "slot_id", slot_choices),
    ]
    listing = Listing(request, filters=filters, sorts=TICKET_SORTS, default_sort="number")
    return listing, listing.apply(selectors.tickets_for_staff(request.user, program))


@staff_required()
def admin(request, pk):
    program = program_for_staff(request.user, pk)
    publication = selectors.publication_of(program)
    calendar = calendar_for(program.cycle)
    slots = list(InterviewSlot.objects.filter(program=program))
    listing, tickets = _tickets(request, program, slots)
    page = listing.page(tickets)
    return render(
        request,
        "exams/office_admin.html",
        {
            "program": program,
            "publication": publication,
            "visible_from": selectors.visible_from(publication, calendar),
            "problems": services.publication_problems(program),
            "tickets": page.object_list,
            "page": page,
            "listing": listing,
            "slots": slots,
            "slot_form": SlotForm(),
            "reopen_form": ReopenForm(),
            "batches": list(TicketBatch.objects.filter(program=program)[:3]),
            "frozen": publication is not None and publication.freezes_decisions,
        },
    )


@staff_required()
def tickets_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    _listing, tickets = _tickets(request, program, InterviewSlot.objects.filter(program=program))
    return exports.xlsx_response(columns=TICKET_COLUMNS, rows=tickets.iterator(chunk_size=2000),
                                 filename=exports.export_filename("exam-numbers", program))  # fmt: skip


def _act(request, program, action, success):
    try:
        result = action()
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("exams:admin", pk=program.pk)


@staff_required()
@require_POST
def assign_numbers(request, pk):
    program = program_for_staff(request.user, pk)
    return _act(
        request,
        program,
        lambda: services.assign_exam_numbers(actor=request.user, program=program),
        lambda count: _("%(count)d applications hold an exam number.") % {"count": count},
    )


@staff_required()
@require_POST
def add_slot(request, pk):
    program = program_for_staff(request.user, pk)
    form = SlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the start, end, room and size of the slot."))
        return redirect("exams:admin", pk=program.pk)
    return _act(
        request,
        program,
        lambda: services.add_interview_slot(actor=request.user, program=program, **form.cleaned_data),
        _("The slot was added."),
    )


@staff_required()
@require_POST
def assign_slots(request, pk):
    program = program_for_staff(request.user, pk)
    return _act(
        request,
        program,
        lambda: services.assign_interview_slots(actor=request.user, program=program),
        lambda unplaced: (
            _("Every ticket has a slot.")
            if not unplaced
            else _("%(count)d tickets have no slot: add slots or places.") % {"count": unplaced}
        ),
    )


@staff_required()
@require_POST
def publish(request, pk):
    program = program_for_staff(request.user, pk)
    return _act(
        request,
        program,
        lambda: services.publish_results(actor=request.user, program=program),
        _("Published. Applicants see the results, the interview list and their tickets from the calendar's time."),
    )


@staff_required("office.configure_cycles")
@require_POST
def reopen(request, pk):
    program = program_for_staff(request.user, pk)
    form = ReopenForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(
        request,
        program,
        lambda: services.reopen_results(actor=request.user, program=program, reason=reason),
        _("Reopened: decisions can be corrected; published exam numbers stay."),
    )


@staff_required()
def staff_ticket_pdf(request, pk):
    ticket = selectors.ticket_for_staff(request.user, pk)
    return _pdf_response(render_ticket(ticket), ticket_filename(ticket))


@staff_required()
@require_POST
def request_batch(request, pk):
    program = program_for_staff(request.user, pk)
    return _act(
        request,
        program,
        lambda: services.request_ticket_batch(actor=request.user, program=program),
        _("The tickets are being built; this page shows the progress."),
    )


@staff_required()
def batches(request, pk):
    """The ticket builds of a programme, as the page's live region shows them (polled while one runs)."""
    program = program_for_staff(request.user, pk)
    return render(
        request, "exams/_ticket_batches.html", {"batches": list(TicketBatch.objects.filter(program=program)[:3])}
    )


@staff_required()
@require_POST
def batch_retry(request, pk):
    batch = get_object_or_404(TicketBatch, pk=pk)
    program = program_for_staff(request.user, batch.program_id)  # 404 outside the staff member's programmes
    return _act(
        request,
        program,
        lambda: services.retry_ticket_batch(actor=request.user, batch=batch),
        _("The tickets are being built again; this page shows the progress."),
    )


@staff_required()
def batch_download(request, pk):
    batch = get_object_or_404(TicketBatch, pk=pk, status=TicketBatch.Status.DONE)
    program_for_staff(request.user, batch.program_id)  # 404 outside the staff member's programmes
    if not batch.file:
        raise Http404
    response = FileResponse(batch.file.open("rb"), as_attachment=True, filename=f"tickets-{batch.program.code}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required()
def accommodations(request, pk):
    program = program_for_staff(request.user, pk)
    requests = list(selectors.accommodations_for_staff(request.user, program))
    return render(
        request,
        "exams/office_accommodations.html",
        {"program": program, "requests": requests, "form": AccommodationDecisionForm()},
    )


@staff_required()
@require_POST
def decide_accommodation(request, pk):
    accommodation = selectors.accommodation_for_staff(request.user, pk)
    form = AccommodationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_accommodation(
                actor=request.user,
                request=accommodation,
                approved=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The decision was saved and the applicant was notified."))
    else:
        messages.error(request, _("Choose approve or do not approve."))
    return redirect("exams:accommodations", pk=accommodation.application.program_id)


@staff_required()
def accommodation_proof(request, pk):
    accommodation = selectors.accommodation_for_staff(request.user, pk)
    record_access(staff=request.user, applicant_id=accommodation.application.applicant_id, kind=AccessKind.PROOF,
                  detail=f"accommodation #{accommodation.pk}")  # fmt: skip
    response = FileResponse(accommodation.proof.open("rb"), content_type=accommodation.proof_content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
