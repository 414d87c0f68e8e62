"""Reviewers: the programmes and applications assigned to them, and the score form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gradadmit.core.errors import DomainError
from gradadmit.scoring import selectors, services
from gradadmit.scoring.models import ReviewerScore


@login_required
def programs(request):
    return render(
        request, "scoring/review_programs.html", {"programs": list(selectors.programs_for_reviewer(request.user))}
    )


@login_required
def applications(request, pk):
    program = selectors.program_for_reviewer(request.user, pk)
    items = list(selectors.applications_for_reviewer(request.user, program))
    stages = list(program.stages.order_by("order"))
    mine = set(
        ReviewerScore.objects.filter(reviewer=request.user, application__in=items).values_list(
            "application_id", "stage_id"
        )
    )
    rows = [{"application": a, "stages": [(s, (a.id, s.id) in mine) for s in stages]} for a in items]
    return render(request, "scoring/review_applications.html", {"program": program, "rows": rows})


@login_required
def score(request, pk, application_id, stage_id):
    program = selectors.program_for_reviewer(request.user, pk)
    application = selectors.application_for_reviewer(request.user, program, application_id)
    stage = selectors.stage_for_program(program, stage_id)
    if request.method == "POST":
        try:
            services.submit_reviewer_score(
                reviewer=request.user,
                application=application,
                stage=stage,
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your score was saved."))
            return redirect("scoring:review_applications", pk=program.pk)
    mine = ReviewerScore.objects.filter(application=application, stage=stage, reviewer=request.user).first()
    return render(
        request,
        "scoring/review_score.html",
        {
            "program": program,
            "application": application,
            "stage": stage,
            "mine": mine,
            "others": selectors.reviewer_scores_visible_to(request.user, application, stage),
        },
    )
