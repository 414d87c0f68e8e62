"""Reads of applications, always scoped to who is asking."""

from django.db.models import Count, Q

from gradadmit.accounts.selectors import profile_lock
from gradadmit.applications.models import Application
from gradadmit.core.checklist import ChecklistContext, checklist_registry
from gradadmit.core.deadlines import calendars_for, scope_for
from gradadmit.core.prepared import Param, one_or_404, prepared
from gradadmit.core.scoping import staff_program_q


def applications_of(user):
    return Application.objects.filter(applicant=user).select_related("program__cycle")


def _applications_of_param(*related):
    return Application.objects.filter(applicant_id=Param("user")).select_related("program__cycle", *related)


# The applicant's pages read these on every request: built and compiled once (core/prepared.py). With the
# checklist's one-to-one rows joined an application is about a hundred columns, which Django took longer to
# compile than the database takes to run.
_APPLICATION = prepared(lambda: _applications_of_param().filter(pk=Param("pk")))
_APPLICATION_WITH_CHECKLIST = prepared(
    lambda: _applications_of_param(*checklist_registry.related()).filter(pk=Param("pk"))
)
_APPLICATIONS_WITH_CHECKLIST = prepared(lambda: _applications_of_param(*checklist_registry.related()).order_by())


def application_of(user, pk) -> Application:
    """The applicant's own application, or 404 (another user's id looks like a missing one)."""
    return one_or_404(_APPLICATION(user=user.pk, pk=pk))


def application_with_checklist_of(user, pk) -> Application:
    """application_of() with the one-to-one rows the checklist providers read joined (no query each)."""
    return one_or_404(_APPLICATION_WITH_CHECKLIST(user=user.pk, pk=pk))


def applications_for_staff(user):
    return Application.objects.filter(staff_program_q(user, "program")).select_related(
        "program__cycle", "applicant__profile"
    )


def dashboard(user, profile):
    """Everything 考生專區 shows, in a fixed number of queries whatever the number of applications.

    Returns (items, profile lock).
    """
    # Sorted here, not by the query: an applicant has a handful of applications.
    applications = sorted(
        _APPLICATIONS_WITH_CHECKLIST(user=user.pk),
        key=lambda application: (application.status, application.applied_at, application.pk),
    )
    calendars = _calendars(applications, user)
    lock = profile_lock(user, profile, applications=applications, calendars=calendars)
    return dashboard_for(applications, user, profile, calendars=calendars), lock


def _calendars(applications, user):
    cycles = {a.program.cycle_id: a.program.cycle for a in applications}
    return calendars_for(list(cycles.values()), user)


def dashboard_for(applications, user, profile, *, calendars=None):
    active = [a for a in applications if a.is_active]
    if calendars is None:
        calendars = _calendars(applications, user)
    scope = scope_for(profile)
    rows = checklist_registry.rows_for(active, ChecklistContext(user, profile, calendars, scope))
    items = []
    for application in applications:
        calendar = calendars[application.program.cycle_id]
        application_rows = rows.get(application.id, [])
        items.append(
            {
                "application": application,
                "rows": application_rows,
                "complete": bool(application_rows) and all(row.is_done for row in application_rows),
                "window": calendar.window("application", scope),
                "can_change": application.is_active and calendar.is_open("application", scope),
            }
        )
    return items


def applicant_counts_by_program(programs):
    """Active application counts per programme and identity, one query."""
    counts = (
        Application.objects.active()
        .filter(program__in=programs)
        .values("program_id")
        .annotate(
            general=Count("id", filter=Q(identity="general")),
            in_service=Count("id", filter=Q(identity="in_service")),
        )
    )
    return {row["program_id"]: row for row in counts}
