"""Staff: a programme's recommendation letters (requested, completed, declined, overdue, send failures)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access
from gradadmit.core import exports
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.files import serve_stored_file
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.office.permissions import staff_required
from gradadmit.recommendations import selectors
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest

FILTERS = [
    Filter("status", gettext_lazy("Status"), "status", RecommendationRequest.Status.choices),
    Filter("overdue", gettext_lazy("Overdue"), "overdue", [(True, gettext_lazy("Overdue")), (False, gettext_lazy("Not overdue"))]),
]  # fmt: skip
SORTS = [
    Sort("application", gettext_lazy("Application"), ("application_id", "created_at")),
    Sort("applicant", gettext_lazy("Applicant"), ("application__applicant__profile__name_zh", "application_id")),
    Sort("recommender", gettext_lazy("Recommender"), "name"),
    Sort("status", gettext_lazy("Status"), ("status", "application_id")),
]
COLUMNS = [
    exports.Column(gettext_lazy("Application number"), "application_id", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("Recommender"), "name"),
    exports.Column(gettext_lazy("job title"), "title"),
    exports.Column(gettext_lazy("organisation"), "organisation"),
    exports.Column(gettext_lazy("email"), "email"),
    exports.Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    exports.Column(gettext_lazy("Overdue"), lambda r: gettext_lazy("Yes") if r.overdue else ""),
    exports.Column(gettext_lazy("Completed"), "completed_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("Declined"), "declined_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("Reason"), "decline_reason"),
    exports.Column(gettext_lazy("Emails that failed"), lambda r: len(r.failed_notices) or None, kind=exports.NUMBER),
]


def _program_rows(request, pk):
    """The programme, its letters window, every request (marked overdue / failed), and the list the URL asks for."""
    program = program_for_staff(request.user, pk)
    window = selectors.letters_window(calendar_for(program.cycle), "all")
    overdue_now = window is not None and window.has_ended()
    rows = list(selectors.program_requests(request.user, program))
    finished = (RecommendationRequest.Status.COMPLETED, RecommendationRequest.Status.DECLINED)
    for row in rows:
        row.overdue = overdue_now and row.status not in finished
        row.failed_notices = [n for n in row.notice_list if n.status == RecommendationNotice.Status.FAILED]
    listing = Listing(request, filters=FILTERS, sorts=SORTS, default_sort="application")
    return program, window, rows, listing


@staff_required()
def program_recommendations(request, pk):
    program, window, rows, listing = _program_rows(request, pk)
    summary = {
        "requested": len(rows),
        "completed": sum(1 for r in rows if r.status == RecommendationRequest.Status.COMPLETED),
        "declined": sum(1 for r in rows if r.status == RecommendationRequest.Status.DECLINED),
        "overdue": sum(1 for r in rows if r.overdue),
        "failed": sum(1 for r in rows if r.failed_notices),
    }
    page = listing.page(listing.apply(rows))
    context = {"program": program, "window": window, "rows": page.object_list, "page": page, "listing": listing,
               "summary": summary}  # fmt: skip
    return render(request, "recommendations/office_program.html", context)


@staff_required()
def program_recommendations_xlsx(request, pk):
    program, _window, rows, listing = _program_rows(request, pk)
    return exports.xlsx_response(columns=COLUMNS, rows=listing.apply(rows),
                                 filename=exports.export_filename("recommendations", program))  # fmt: skip


@staff_required()
def letter(request, pk):
    recommendation = selectors.letter_for_staff(request.user, pk)
    record_access(staff=request.user, application_id=recommendation.application_id, kind=AccessKind.LETTER,
                  detail=f"recommendation #{recommendation.pk}")  # fmt: skip
    letter = recommendation.letter
    return serve_stored_file(
        letter.file,
        content_type="application/pdf",
        filename=f"recommendation-{recommendation.pk}.pdf",
        download=request.GET.get("download"),
    )
