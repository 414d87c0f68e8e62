"""Checklist rows in 考生專區: check-in (報到) for each admission, the waitlist number for each waitlist entry."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for
from gradadmit.enrolment.models import Admission, WaitlistEntry


@checklist_registry.register(keys=("checkin", "waitlist"))
def enrolment_rows(applications, context):
    """Two queries whatever the number of applications."""
    ids = [a.id for a in applications]
    rows = {}
    url = url_for("enrolment:status") if context.details else (lambda pk: "")
    label_checkin, label_waitlist = _("Check-in (報到)"), _("Waitlist (備取)")
    for admission in Admission.objects.filter(application_id__in=ids):
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
    for entry in WaitlistEntry.objects.filter(application_id__in=ids).exclude(status=WaitlistEntry.Status.OFFERED):
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
