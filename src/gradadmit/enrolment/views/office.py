"""Staff: the check-in board of a programme (counts per identity, paper check-in, no-shows, promotion, vacancies)."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_accesses
from gradadmit.core import exports
from gradadmit.core.audit import record_audit
from gradadmit.core.choices import Identity
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.core.masking import mask
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.enrolment import selectors, services
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.office.permissions import staff_required

BOARD_FILTERS = [
    Filter("place", gettext_lazy("Place"), "seat_identity", Identity.choices),
    Filter("status", gettext_lazy("Status"), "status", Admission.Status.choices),
]
BOARD_SORTS = [
    Sort("number", gettext_lazy("Exam number"), ("application__ticket__exam_number", "application_id")),
    Sort("name", gettext_lazy("Name"), ("applicant__profile__name_zh", "application_id")),
    Sort("place", gettext_lazy("Place"), ("seat_identity", "application_id")),
    Sort("status", gettext_lazy("Status"), ("status", "application_id")),
    Sort("deadline", gettext_lazy("Deadline"), ("deadline", "application_id")),
]


def _board_listing(request):
    return Listing(request, filters=BOARD_FILTERS, sorts=BOARD_SORTS, default_sort="place")


@staff_required()
def board(request, pk):
    program = program_for_staff(request.user, pk)
    calendar = calendar_for(program.cycle)
    promotion = calendar.window(services.PROMOTION)
    context = selectors.board(program)  # the counts are of the whole programme; the admissions list is filtered
    listing = _board_listing(request)
    page = listing.page(listing.apply(context["admissions"]))
    return render(
        request,
        "enrolment/office_board.html",
        {
            **context,
            "program": program,
            "promotion_open": promotion is not None and promotion.is_open(),
            "promotion_over": promotion is not None and promotion.has_ended(),
            "admissions": page.object_list,
            "page": page,
            "listing": listing,
        },
    )


# The waitlist (備取) of a programme: its own list, since the board's admissions list owns the board's URL.
WAITLIST_FILTERS = [
    Filter("identity", gettext_lazy("Identity"), "identity", Identity.choices),
    Filter("status", gettext_lazy("Status"), "status", WaitlistEntry.Status.choices),
    Filter(
        "wants",
        gettext_lazy("Wants promotion"),
        "wants_promotion",
        [(True, gettext_lazy("Yes")), (False, gettext_lazy("No"))],
    ),
]
WAITLIST_SORTS = [
    Sort("position", gettext_lazy("Waitlist number"), ("identity", "position")),
    Sort("number", gettext_lazy("Exam number"), ("application__ticket__exam_number", "application_id")),
    Sort("name", gettext_lazy("Name"), ("application__applicant__profile__name_zh", "application_id")),
    Sort("status", gettext_lazy("Status"), ("status", "identity", "position")),
]
WAITLIST_COLUMNS = [
    exports.Column(gettext_lazy("Identity"), lambda e: e.get_identity_display()),
    exports.Column(gettext_lazy("Waitlist number"), "position", kind=exports.NUMBER),
    exports.Column(gettext_lazy("exam number"), lambda e: _ticket_number(e), kind=exports.ID),
    exports.Column(gettext_lazy("Application number"), "application_id", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("Wants promotion"), lambda e: _("Yes") if e.wants_promotion else _("No")),
    exports.Column(gettext_lazy("Status"), lambda e: e.get_status_display()),
]


def _waitlist_listing(request):
    return Listing(request, filters=WAITLIST_FILTERS, sorts=WAITLIST_SORTS, default_sort="position")


@staff_required()
def waitlist(request, pk):
    program = program_for_staff(request.user, pk)
    listing = _waitlist_listing(request)
    page = listing.page(listing.apply(selectors.waitlist_entries(program)))
    return render(request, "enrolment/office_waitlist.html", {"program": program, "page": page, "listing": listing})


@staff_required()
def waitlist_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    entries = _waitlist_listing(request).apply(selectors.waitlist_entries(program))
    return exports.xlsx_response(columns=WAITLIST_COLUMNS, rows=entries.iterator(chunk_size=2000),
                                 filename=exports.export_filename("waitlist", program))  # fmt: skip


@staff_required()
@require_POST
def act(request, pk):
    program = program_for_staff(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "open":
            count = services.open_enrolment(actor=request.user, program=program)
            messages.success(request, _("Check-in opened: %(n)s admissions.") % {"n": count})
        elif action == "promote":
            admission = services.promote_next(
                actor=request.user, program=program, identity=request.POST.get("identity", "")
            )
            messages.success(
                request, _("The place was offered to waitlist applicant %(id)s.") % {"id": admission.application_id}
            )
        elif action == "no_show":
            count = services.mark_no_shows(actor=request.user, program=program)
            messages.success(request, _("%(n)s admissions marked as not checked in.") % {"n": count})
        elif action == "paper":
            admission = get_object_or_404(Admission, program=program, pk=request.POST.get("admission") or 0)
            services.record_paper_check_in(actor=request.user, admission=admission)
            messages.success(request, _("The paper check-in was recorded."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("enrolment:board", pk=program.pk)


@staff_required()
def vacancies(request, pk):
    program = program_for_staff(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vacancies-{program.code}.csv"'
    writer = csv.writer(response)
    writer.writerow(["program", "identity", "places", "filled", "vacancies"])
    for row in selectors.vacancy_report(program):
        writer.writerow([program.code, row["identity"], row["places"], row["filled"], row["vacancies"]])
    return response


def _ticket_number(admission):
    ticket = getattr(admission.application, "ticket", None)
    return ticket.exam_number if ticket is not None else ""


def _identity_document(admission):
    profile = getattr(admission.applicant, "profile", None)
    return profile.identity_document if profile is not None else ""


def _phone(admission):
    profile = getattr(admission.applicant, "profile", None)
    return profile.phone_mobile if profile is not None else ""


def _admitted_columns(*, full: bool):
    """The registrar's (教務處) list: who was admitted, how to reach them, whether they checked in. ID and phone
    numbers masked (core.masking) unless `full`: the office's logged export for the registrar, who needs them."""

    def shown(value):
        return value if full else mask(value)

    return [
        exports.Column(gettext_lazy("Identity"), lambda a: a.get_seat_identity_display()),
        exports.Column(gettext_lazy("exam number"), _ticket_number, kind=exports.ID),
        exports.Column(gettext_lazy("name (Chinese)"), "applicant.profile.name_zh"),
        exports.Column(gettext_lazy("name (English, as in passport)"), "applicant.profile.name_en"),
        exports.Column(gettext_lazy("national ID number"), lambda a: shown(_identity_document(a)), kind=exports.ID),
        exports.Column(gettext_lazy("email address"), "applicant.email"),
        exports.Column(gettext_lazy("mobile phone"), lambda a: shown(_phone(a)), kind=exports.ID),
        exports.Column(gettext_lazy("mailing address"), "applicant.profile.address"),
        exports.Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
        exports.Column(gettext_lazy("checked in"), "checked_in_at", kind=exports.DATETIME),
    ]


ADMITTED_COLUMNS = _admitted_columns(full=False)
ADMITTED_COLUMNS_FULL = _admitted_columns(full=True)

# The check-in board as the staff member filtered it.
BOARD_COLUMNS = [
    exports.Column(gettext_lazy("exam number"), _ticket_number, kind=exports.ID),
    exports.Column(gettext_lazy("Application number"), "application_id", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "applicant.profile.name_zh"),
    exports.Column(gettext_lazy("Place"), lambda a: a.get_seat_identity_display()),
    exports.Column(gettext_lazy("source"), lambda a: a.get_source_display()),
    exports.Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    exports.Column(gettext_lazy("How"), lambda a: a.get_how_display()),
    exports.Column(gettext_lazy("Deadline"), "deadline", kind=exports.DATETIME),
    exports.Column(gettext_lazy("checked in"), "checked_in_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("gave up"), "given_up_at", kind=exports.DATETIME),
]

VACANCY_COLUMNS = [
    exports.Column(gettext_lazy("Identity"), lambda row: row["label"]),
    exports.Column(gettext_lazy("Places"), lambda row: row["places"], kind=exports.NUMBER),
    exports.Column(gettext_lazy("Filled"), lambda row: row["filled"], kind=exports.NUMBER),
    exports.Column(gettext_lazy("Vacancies"), lambda row: row["vacancies"], kind=exports.NUMBER),
]


@staff_required()
def admitted_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    admissions = (
        Admission.objects.filter(program=program)
        .select_related("application__ticket", "applicant__profile")
        .order_by("seat_identity", "application__ticket__exam_number", "pk")
    )
    # ?full=1: whole ID and phone numbers, for the admissions office only, each applicant's access logged.
    full = request.GET.get("full") == "1"
    if full:
        if not request.user.is_office:
            raise PermissionDenied
        record_accesses(staff=request.user, kind=AccessKind.EXPORT, detail=f"admitted list {program.code}",
                        applicant_ids=admissions.values_list("applicant_id", flat=True))  # fmt: skip
        # The registrar's copy (with the full numbers it needs): anonymising the cycle later asks whether it was made.
        record_audit(actor=request.user, action="enrolment.admitted_exported", target=program)
    return exports.xlsx_response(columns=ADMITTED_COLUMNS_FULL if full else ADMITTED_COLUMNS,
                                 rows=admissions.iterator(chunk_size=2000),
                                 filename=exports.export_filename("admitted", program))  # fmt: skip


@staff_required()
def board_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    admissions = selectors.board_admissions(program)
    return exports.xlsx_response(columns=BOARD_COLUMNS, rows=_board_listing(request).apply(admissions),
                                 filename=exports.export_filename("check-in", program))  # fmt: skip


@staff_required()
def vacancies_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    return exports.xlsx_response(columns=VACANCY_COLUMNS, rows=selectors.vacancy_report(program),
                                 filename=exports.export_filename("vacancies", program))  # fmt: skip
