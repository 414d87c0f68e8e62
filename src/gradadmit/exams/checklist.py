"""Checklist row: the admission ticket (准考證), once the programme's lists are visible; information only."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, preloaded, url_for
from gradadmit.exams.selectors import is_visible, tickets_of_applications


@checklist_registry.register(keys=("ticket",), related=("ticket", "program__publication"))
def ticket_rows(applications, context):
    """No query when tickets and publications were joined to the applications, else one."""
    tickets = preloaded(applications, "ticket")
    publications = preloaded([a.program for a in applications], "publication")
    if tickets is None or publications is None:
        tickets = tickets_of_applications(applications)  # publication joined
        publications = {t.program_id: getattr(t.program, "publication", None) for t in tickets.values()}
    rows = {}
    url = None
    for application in applications:
        ticket = tickets.get(application.id)
        if ticket is None:
            continue
        publication = publications.get(application.program_id)
        if not is_visible(publication, context.calendars[application.program.cycle_id]):
            continue
        if url is None:  # most applications have no visible ticket: no reverse() for them
            url = url_for("exams:ticket_pdf")
        rows[application.id] = [
            ChecklistRow(
                key="ticket",
                order=70,
                label=_("Admission ticket (准考證)"),
                status=RowStatus.INFO,
                detail=_("Exam number %(number)s. Print the ticket and bring it with your ID.")
                % {"number": ticket.exam_number},
                url=url(application.pk),
                blocking=False,
            )
        ]
    return rows
