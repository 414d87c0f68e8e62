"""The applicant: print the admission ticket once published; request accommodations (附件七)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gradadmit.applications.selectors import application_of
from gradadmit.core.errors import DomainError
from gradadmit.exams import selectors, services
from gradadmit.exams.forms import AccommodationForm
from gradadmit.exams.tickets import render_ticket, ticket_filename
from gradadmit.exams.views.office import _pdf_response


@login_required
def ticket_pdf(request, pk):
    ticket = selectors.printable_ticket_of(request.user, pk)  # 404 before publication, or someone else's
    issue = selectors.current_issue(ticket)  # the PDF the worker rendered when it reissued the ticket
    if issue is not None:
        with issue.file.open("rb") as handle:
            return _pdf_response(handle.read(), ticket_filename(ticket))
    return _pdf_response(render_ticket(ticket), ticket_filename(ticket))


@login_required
def accommodation(request, pk):
    application = application_of(request.user, pk)
    existing = selectors.accommodation_of_applicant(request.user, application.pk)
    decided = existing is not None and existing.status != existing.Status.PENDING
    form = AccommodationForm(request.POST or None, request.FILES or None, instance=existing)
    if request.method == "POST" and not decided and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ACCOMMODATION_FIELDS}
        try:
            services.submit_accommodation(
                applicant=request.user, application=application, data=data, proof=form.cleaned_data["proof_file"]
            )
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your request was sent. The office will decide and tell you."))
            return redirect("exams:accommodation", pk=application.pk)
    return render(
        request,
        "exams/accommodation.html",
        {"application": application, "form": form, "existing": existing, "decided": decided},
    )
