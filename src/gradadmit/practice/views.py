"""Practice pages: where to register, the practice application's sample payment and ticket; the office's list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.fees.selectors import charges_of_application
from gradadmit.office.permissions import staff_required
from gradadmit.practice import selectors, services
from gradadmit.practice.forms import OpenPracticeForm

SAMPLE_EXAM_NUMBER = "SAMPLE-0001"


def landing(request):
    """Open practice cycles, each with its register link."""
    return render(request, "practice/landing.html", {"cycles": list(selectors.open_practice_cycles())})


def register(request, code):
    """Start a sign-up that makes a practice account (allauth's sign-up, marked through the session)."""
    cycle = selectors.open_practice_cycle(code)
    if request.user.is_authenticated:
        return render(request, "practice/register_signed_in.html", {"cycle": cycle})
    request.session[services.SESSION_KEY] = cycle.pk
    return redirect("account_signup")


@require_POST
def leave(request):
    """A visitor who started a practice sign-up goes back to the ordinary one."""
    request.session.pop(services.SESSION_KEY, None)
    return redirect("account_signup")


@login_required
def application(request, pk):
    application = selectors.practice_application_of(request.user, pk)
    charges = list(charges_of_application(application))
    return render(request, "practice/application.html", {"application": application, "charges": charges,
                                                         "cycle": application.program.cycle})  # fmt: skip


@login_required
@require_POST
def pay(request, pk):
    application = selectors.practice_application_of(request.user, pk)
    try:
        services.pay_practice_fee(applicant=request.user, application=application)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The practice fee is marked paid (no money was taken)."))
    return redirect("practice:application", pk=application.pk)


@login_required
def sample_ticket(request, pk):
    """The admission ticket as it would look, marked SAMPLE: no exam number is given, nothing is stored."""
    from gradadmit.core.pdf import render_pdf
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.exams.tickets import TICKET_TEMPLATE, ticket_context

    application = selectors.practice_application_of(request.user, pk)
    ticket = AdmissionTicket(application=application, program=application.program, exam_number=SAMPLE_EXAM_NUMBER,
                             sequence=1, assigned_at=clock.now())  # fmt: skip
    pdf = render_pdf(TICKET_TEMPLATE, {**ticket_context(ticket), "sample_mark": True}, language="zh-hant")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="ticket-sample.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required("office.configure_cycles")
def office_list(request):
    form = OpenPracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.open_practice_cycle(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The practice cycle %(name)s is open.") % {"name": cycle.name})
            return redirect("practice:office_list")
    return render(request, "practice/office_list.html",
                  {"cycles": list(selectors.practice_cycles_for_office()), "form": form})  # fmt: skip


@staff_required("office.configure_cycles")
@require_POST
def office_close(request, pk):
    cycle = selectors.practice_cycle_for_office(pk)
    try:
        services.close_practice_cycle(actor=request.user, cycle=cycle)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The practice cycle is closed; its data is being deleted."))
    return redirect("practice:office_list")
