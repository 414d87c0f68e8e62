"""Reads: the applicant's own admissions and waitlist entries, the office's check-in board and vacancy report."""

from collections import Counter

from django.shortcuts import get_object_or_404

from gradadmit.core.choices import Identity
from gradadmit.enrolment.models import Admission, SeatPool, WaitlistEntry


def admission_of(user, application_pk) -> Admission:
    """The applicant's own admission for an application, or 404 (someone else's looks like a missing one)."""
    return get_object_or_404(
        Admission.objects.select_related("program__cycle", "application", "applicant"),
        application_id=application_pk,
        applicant=user,
    )


def enrolment_of(user, application_pk) -> tuple[Admission | None, WaitlistEntry | None]:
    admission = (
        Admission.objects.filter(application_id=application_pk, applicant=user).select_related("program").first()
    )
    entry = (
        WaitlistEntry.objects.filter(application_id=application_pk, application__applicant=user)
        .select_related("application")
        .first()
    )
    return admission, entry


def other_holding(admission: Admission) -> list[Admission]:
    return list(
        Admission.objects.filter(applicant_id=admission.applicant_id, status__in=Admission.HOLDING)
        .exclude(pk=admission.pk)
        .select_related("program")
    )


def board(program) -> dict:
    """Everything the check-in board shows, in four queries whatever the programme's size."""
    pools = {pool.identity: pool for pool in SeatPool.objects.filter(program=program)}
    admissions = list(board_admissions(program))
    entries = list(WaitlistEntry.objects.filter(program=program).only("identity", "status"))
    rows = []
    for identity in Identity.values:
        counts = Counter((a.status, a.how) for a in admissions if a.seat_identity == identity)
        pool = pools.get(identity)
        rows.append(
            {
                "identity": identity,
                "label": Identity(identity).label,
                "places": pool.places if pool else 0,
                "offered": counts[Admission.Status.OFFERED, ""],
                "online": counts[Admission.Status.CHECKED_IN, Admission.How.ONLINE],
                "paper": counts[Admission.Status.CHECKED_IN, Admission.How.PAPER],
                "given_up": counts[Admission.Status.GIVEN_UP, ""],
                "no_show": counts[Admission.Status.NO_SHOW, ""],
                "released": counts[Admission.Status.RELEASED, ""],
                "vacancies": pool.vacancies if pool else 0,
                "waiting": sum(
                    1 for e in entries if e.identity == identity and e.status == WaitlistEntry.Status.WAITING
                ),
            }
        )
    return {"opened": bool(pools), "counts": rows, "admissions": admissions, "entries": entries}


def waitlist_entries(program):
    """The programme's waitlist with exam number and name, for its list and export."""
    return WaitlistEntry.objects.filter(program=program).select_related(
        "application__ticket", "application__applicant__profile"
    )


def board_admissions(program):
    """The programme's admissions with exam number and name, for the board and its export."""
    return Admission.objects.filter(program=program).select_related("application__ticket", "applicant__profile")


def vacancy_report(program) -> list[dict]:
    """Places left per identity after the promotion period: transferred to 一般入學 (brochure 玖.五)."""
    return [
        {
            "identity": pool.identity,
            "label": Identity(pool.identity).label,
            "places": pool.places,
            "filled": pool.held,
            "vacancies": pool.vacancies,
        }  # fmt: skip
        for pool in SeatPool.objects.filter(program=program)
    ]
