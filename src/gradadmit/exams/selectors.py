"""Reads of exam administration: publication state and visibility, tickets (own or scoped), interview lists."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from gradadmit.core import clock
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.scoping import staff_program_q
from gradadmit.exams.models import AccommodationRequest, AdmissionTicket, Publication, TicketIssue

RESULT_MILESTONE = "eligibility_result"  # 完成報名資格審核暨公佈通過初試考生名單


def publication_of(program) -> Publication | None:
    return Publication.objects.filter(program=program).first()


def decisions_frozen(program) -> bool:
    """Eligibility decisions are frozen while the programme's lists are published (not reopened)."""
    return Publication.objects.filter(program=program, state=Publication.State.PUBLISHED).exists()


def visible_from(publication: Publication | None, calendar) -> object:
    """When the published lists and tickets become visible: the calendar's result time, or publication."""
    if publication is None or not publication.was_published:
        return None
    milestone = calendar.milestone(RESULT_MILESTONE)
    if milestone is not None and milestone.starts_at > publication.first_published_at:
        return milestone.starts_at
    return publication.first_published_at


def is_visible(publication: Publication | None, calendar, at=None) -> bool:
    start = visible_from(publication, calendar)
    return start is not None and start <= (at or clock.now())


def program_results_visible(program, at=None) -> bool:
    return is_visible(publication_of(program), calendar_for(program.cycle), at)


def tickets_of_applications(applications) -> dict[int, AdmissionTicket]:
    """{application id: ticket} with slot and publication, one query."""
    tickets = AdmissionTicket.objects.filter(application__in=applications).select_related(
        "slot", "program__publication"
    )
    return {ticket.application_id: ticket for ticket in tickets}


def printable_ticket_of(user, application_pk) -> AdmissionTicket:
    """The applicant's own ticket once its programme's lists are visible; 404 otherwise (another user's too)."""
    ticket = get_object_or_404(
        AdmissionTicket.objects.select_related("application__program__cycle", "slot", "program__publication"),
        application__pk=application_pk,
        application__applicant=user,
        application__status="active",
        application__review_decision__result="qualified",
    )
    publication = getattr(ticket.program, "publication", None)
    if not is_visible(publication, calendar_for(ticket.program.cycle)):
        raise Http404("not published yet")
    return ticket


def current_issue(ticket) -> TicketIssue | None:
    """The stored PDF of the ticket's current version (reissued after a postponement), if the worker made it."""
    return (
        TicketIssue.objects.filter(ticket=ticket, version=ticket.version, voided_at__isnull=True)
        .exclude(file="")
        .first()
    )


def tickets_for_staff(user, program):
    return (
        AdmissionTicket.objects.filter(staff_program_q(user, "program"), program=program)
        .select_related("application__applicant__profile", "slot", "application__accommodation")
        .order_by("sequence")
    )


def ticket_for_staff(user, pk) -> AdmissionTicket:
    return get_object_or_404(
        AdmissionTicket.objects.filter(staff_program_q(user, "program")).select_related(
            "application__program__cycle", "application__applicant__profile", "slot"
        ),
        pk=pk,
    )


def interview_list(program):
    """The public interview list: qualified applications with a ticket, in exam-number order."""
    return list(
        AdmissionTicket.objects.filter(
            program=program,
            application__status="active",
            application__review_decision__result="qualified",
        )
        .select_related("application__applicant__profile", "slot")
        .order_by("sequence")
    )


def accommodation_of_applicant(user, application_pk) -> AccommodationRequest | None:
    return AccommodationRequest.objects.filter(application__pk=application_pk, application__applicant=user).first()


def accommodations_for_staff(user, program):
    return (
        AccommodationRequest.objects.filter(staff_program_q(user, "application__program"), application__program=program)
        .select_related("application__applicant__profile", "application__ticket")
        .order_by("status", "submitted_at")
    )


def accommodation_for_staff(user, pk) -> AccommodationRequest:
    return get_object_or_404(
        AccommodationRequest.objects.filter(staff_program_q(user, "application__program")).select_related(
            "application__program"
        ),
        pk=pk,
    )
