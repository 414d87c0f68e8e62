"""The applicant's own result (scores, total, rank where shown, explanation), regrade request and appeal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gradadmit.applications.selectors import application_of
from gradadmit.core.errors import DomainError
from gradadmit.scoring import services
from gradadmit.scoring.models import Appeal, RegradeRequest
from gradadmit.scoring.results import result_for_applicant


@login_required
def result(request, pk):
    application = application_of(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "regrade":
                services.request_regrade(
                    applicant=request.user, application=application, stage_ids=request.POST.getlist("stage")
                )
                messages.success(request, _("Your regrade request was sent."))
            elif request.POST.get("action") == "appeal":
                services.submit_appeal(
                    applicant=request.user,
                    application=application,
                    facts=request.POST.get("facts", ""),
                    remedy=request.POST.get("remedy", ""),
                    attachment=request.FILES.get("attachment"),
                )
                messages.success(request, _("Your appeal was sent."))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("scoring:result", pk=application.pk)
    return render(
        request,
        "scoring/result.html",
        {
            "application": application,
            "regrades": list(RegradeRequest.objects.filter(application=application).prefetch_related("items__stage")),
            "appeals": list(Appeal.objects.filter(application=application)),
            **result_for_applicant(application),
        },
    )
