"""Staff: the eligibility decisions of a programme as an Excel file, with the review queue's filters."""

from django.utils.translation import gettext_lazy

from gradadmit.core import exports
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.eligibility import selectors
from gradadmit.office.permissions import staff_required


def _yes_no(value):
    """A checklist state: done, not done, or no such row (shown empty)."""
    if value is None:
        return ""
    return gettext_lazy("Yes") if value else gettext_lazy("No")


def _state(row, name):
    return _yes_no(getattr(row.completeness, name, None))


def _decision(row, name):
    return getattr(row.decision, name, None) if row.decision is not None else None


def _basis(row):
    profile = getattr(row.application.applicant, "profile", None)
    return profile.get_education_status_display() if profile is not None else ""


DECISION_COLUMNS = [
    exports.Column(gettext_lazy("Application number"), "application.pk", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("name (English, as in passport)"), "application.applicant.profile.name_en"),
    exports.Column(gettext_lazy("Identity"), lambda r: r.application.get_identity_display()),
    exports.Column(gettext_lazy("Qualification basis"), _basis),
    exports.Column(gettext_lazy("Paid"), lambda r: _state(r, "paid")),
    exports.Column(gettext_lazy("Documents complete"), lambda r: _state(r, "documents_complete")),
    exports.Column(gettext_lazy("Result"), lambda r: r.decision.get_result_display() if r.decision else
                   selectors.Result.PENDING.label),
    exports.Column(gettext_lazy("Reason"), lambda r: r.decision.get_reason_display() if r.decision else ""),
    exports.Column(gettext_lazy("message to the applicant"), lambda r: _decision(r, "message")),
    exports.Column(gettext_lazy("supplement deadline"), lambda r: _decision(r, "supplement_until"),
                   kind=exports.DATETIME),
    exports.Column(gettext_lazy("Committee"), lambda r: gettext_lazy("Yes") if _decision(r, "by_committee") else ""),
    exports.Column(gettext_lazy("decided"), lambda r: _decision(r, "decided_at"), kind=exports.DATETIME),
    exports.Column(gettext_lazy("Decided by"), lambda r: getattr(_decision(r, "decided_by"), "email", "")),
]  # fmt: skip


@staff_required()
def decisions_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    filters = selectors.QueueFilters.from_query(request.GET)
    rows = selectors.queue_rows_for_export(request.user, program, filters)
    return exports.xlsx_response(columns=DECISION_COLUMNS, rows=rows,
                                 filename=exports.export_filename("eligibility", program))  # fmt: skip
