"""The applicant's check-in, give-up declaration (附件十) with its PDF receipt, and waitlist wish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.applications.selectors import application_of
from gradadmit.core.errors import DomainError
from gradadmit.core.pdf import render_pdf
from gradadmit.enrolment import selectors, services
from gradadmit.enrolment.models import Admission


@login_required
def status(request, pk):
    application = application_of(request.user, pk)
    admission, entry = selectors.enrolment_of(request.user, application.pk)
    profile = getattr(request.user, "profile", None)
    return render(
        request,
        "enrolment/status.html",
        {
            "application": application,
            "admission": admission,
            "entry": entry,
            "others": selectors.other_holding(admission) if admission else [],
            "expected_graduate": getattr(profile, "education_status", "") == "expected",
        },
    )


@login_required
@require_POST
def check_in(request, pk):
    admission = selectors.admission_of(request.user, pk)
    try:
        services.check_in(
            applicant=request.user,
            admission=admission,
            documents_confirmed=request.POST.get("documents") == "on",
            undertaking=request.POST.get("undertaking") == "on",
            confirm_release=request.POST.get("release") == "on",
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are checked in."))
    return redirect("enrolment:status", pk=pk)


@login_required
def give_up(request, pk):
    admission = selectors.admission_of(request.user, pk)
    if request.method == "POST":
        try:
            services.give_up(applicant=request.user, admission=admission, password=request.POST.get("password", ""))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your give-up declaration is recorded. Download the receipt below."))
            return redirect("enrolment:status", pk=pk)
    return render(request, "enrolment/give_up.html", {"admission": admission, "application": admission.application})


@login_required
def give_up_receipt(request, pk):
    admission = selectors.admission_of(request.user, pk)
    if admission.status != Admission.Status.GIVEN_UP:
        raise Http404
    profile = getattr(request.user, "profile", None)
    pdf = render_pdf(
        "enrolment/pdf/give_up_receipt.html",
        {"admission": admission, "profile": profile, "cycle": admission.program.cycle},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="give-up-{admission.receipt_number}.pdf"'
    return response


@login_required
@require_POST
def decline(request, pk):
    admission = selectors.admission_of(request.user, pk)
    try:
        services.decline_offer(applicant=request.user, admission=admission)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined the offer."))
    return redirect("enrolment:status", pk=pk)


@login_required
@require_POST
def waitlist_wish(request, pk):
    application = application_of(request.user, pk)
    _admission, entry = selectors.enrolment_of(request.user, application.pk)
    if entry is None:
        raise Http404
    try:
        services.set_wants_promotion(applicant=request.user, entry=entry, wants=request.POST.get("wants") == "yes")
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your wish about promotion is saved."))
    return redirect("enrolment:status", pk=pk)
