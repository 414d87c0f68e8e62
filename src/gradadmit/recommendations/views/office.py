"""Staff: a programme's recommendation letters (requested, completed, declined, overdue, send failures)."""

from django.shortcuts import render

from gradadmit.core.deadlines import calendar_for
from gradadmit.core.files import serve_stored_file
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.office.permissions import staff_required
from gradadmit.recommendations import selectors
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest


@staff_required()
def program_recommendations(request, pk):
    program = program_for_staff(request.user, pk)
    window = selectors.letters_window(calendar_for(program.cycle), "all")
    overdue_now = window is not None and window.has_ended()
    rows = list(selectors.program_requests(request.user, program))
    finished = (RecommendationRequest.Status.COMPLETED, RecommendationRequest.Status.DECLINED)
    for row in rows:
        row.overdue = overdue_now and row.status not in finished
        row.failed_notices = [n for n in row.notices.all() if n.status == RecommendationNotice.Status.FAILED]
    summary = {
        "requested": len(rows),
        "completed": sum(1 for r in rows if r.status == RecommendationRequest.Status.COMPLETED),
        "declined": sum(1 for r in rows if r.status == RecommendationRequest.Status.DECLINED),
        "overdue": sum(1 for r in rows if r.overdue),
        "failed": sum(1 for r in rows if r.failed_notices),
    }
    context = {"program": program, "window": window, "rows": rows, "summary": summary}
    return render(request, "recommendations/office_program.html", context)


@staff_required()
def letter(request, pk):
    recommendation = selectors.letter_for_staff(request.user, pk)
    letter = recommendation.letter
    return serve_stored_file(
        letter.file,
        content_type="application/pdf",
        filename=f"recommendation-{recommendation.pk}.pdf",
        download=request.GET.get("download"),
    )
