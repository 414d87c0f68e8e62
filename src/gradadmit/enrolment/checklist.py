"""Checklist rows in 考生專區: check-in (報到) for each admission, the waitlist number for each waitlist entry."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, preloaded, url_for
from gradadmit.enrolment.models import Admission, WaitlistEntry


@checklist_registry.register(keys=("checkin", "waitlist"), related=("admission", "waitlist_entry"))
def enrolment_rows(applications, context):
    """No query when admissions and waitlist entries were joined to the applications, else two."""
    ids = [a.id for a in applications]
    admissions = preloaded(applications, "admission")
    if admissions is None:
        admissions = {a.application_id: a for a in Admission.objects.filter(application_id__in=ids)}
    entries = preloaded(applications, "waitlist_entry")
    if entries is None:
        entries = {e.application_id: e for e in WaitlistEntry.objects.filter(application_id__in=ids)}
    rows = {}
    url = url_for("enrolment:status") if context.details else (lambda pk: "")
    label_checkin, label_waitlist = _("Check-in (報到)"), _("Waitlist (備取)")
    for admission in filter(None, admissions.values()):
        if admission.status == Admission.Status.OFFERED:
            status = RowStatus.PENDING
        elif admission.status == Admission.Status.CHECKED_IN:
            status = RowStatus.DONE
        else:
            status = RowStatus.INFO
        rows[admission.application_id] = [
            ChecklistRow(
                key="checkin",
                order=95,
                label=label_checkin,
                status=status,
                detail=str(admission.get_status_display()) if context.details else "",
                deadline=admission.deadline if status == RowStatus.PENDING else None,
                url=url(admission.application_id),
                blocking=False,
            )
        ]
    for entry in filter(None, entries.values()):
        if entry.status == WaitlistEntry.Status.OFFERED:
            continue
        detail = ""
        if context.details:
            detail = _("Number %(n)s · %(status)s") % {"n": entry.position, "status": entry.get_status_display()}
        rows.setdefault(entry.application_id, []).append(
            ChecklistRow(
                key="waitlist",
                order=96,
                label=label_waitlist,
                status=RowStatus.INFO,
                detail=detail,
                url=url(entry.application_id),
                blocking=False,
            )  # fmt: skip
        )
    return rows
