"""Visitors: a programme's interview list (exam number, masked name, slot, room) once published."""

from django.shortcuts import get_object_or_404, render

from gradadmit.core.deadlines import calendar_for
from gradadmit.cycles.models import Program
from gradadmit.exams import rules, selectors


def interview_list(request, pk):
    program = get_object_or_404(Program.objects.filter(cycle__is_published=True).select_related("cycle"), pk=pk)
    publication = selectors.publication_of(program)
    calendar = calendar_for(program.cycle)
    visible = selectors.is_visible(publication, calendar)
    rows = []
    if visible:
        for ticket in selectors.interview_list(program):
            profile = getattr(ticket.application.applicant, "profile", None)
            rows.append(
                {"ticket": ticket, "masked": rules.mask_name(profile.name_zh if profile else ""), "slot": ticket.slot}
            )
    return render(
        request,
        "exams/interview_list.html",
        {
            "program": program,
            "visible": visible,
            "visible_from": selectors.visible_from(publication, calendar),
            "rows": rows,
            "interview": calendar.milestone("interview"),
        },
    )
