"""Writes to the access log. Each is one INSERT and nothing else: a record page or a file download pays for
exactly one more query, whatever else it shows."""

from django.db.models import Subquery

from gradadmit.accesslog.models import AccessEvent

Kind = AccessEvent.Kind


def record_access(*, staff, kind: str, applicant_id=None, application_id=None, detail: str = "") -> None:
    """Log that `staff` saw personal data of one applicant: `applicant_id`, or the applicant of `application_id`
    (looked up inside the INSERT, so a view that has only the application's id makes no extra query)."""
    if applicant_id is None:
        from gradadmit.applications.models import Application

        applicant_id = Subquery(Application.objects.filter(pk=application_id).values("applicant_id")[:1])
    AccessEvent.objects.create(staff=staff, applicant_id=applicant_id, kind=kind, detail=detail[:200])


def record_accesses(*, staff, kind: str, applicant_ids, detail: str = "") -> None:
    """The same access to many applicants (an export): one INSERT of every row."""
    AccessEvent.objects.bulk_create(
        [AccessEvent(staff=staff, applicant_id=pk, kind=kind, detail=detail[:200]) for pk in applicant_ids]
    )
