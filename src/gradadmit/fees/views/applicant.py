"""The applicant's fee page per application (bank, account number, amount, status), the slip, the waiver request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from gradadmit.applications.selectors import application_of
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import SizeLimitUploadHandler, human_size
from gradadmit.fees import selectors, services
from gradadmit.fees.banks import bank_for
from gradadmit.fees.forms import WaiverRequestForm
from gradadmit.fees.models import FeeItem, WaiverRequest
from gradadmit.fees.slips import render_slip, slip_filename


def _page_context(request, application, form=None):
    charges = services.charges_for_fee_page(application)
    rows = []
    for charge in charges:
        open_waiver = next((w for w in charge.waivers if w.status in ("pending", "approved")), None)
        can_request_waiver = (
            application.is_active
            and charge.item.kind == FeeItem.Kind.APPLICATION
            and open_waiver is None
            and charge.amount_received == 0
            and charge.amount_due > 0
        )
        rows.append({"charge": charge, "account": charge.current_accounts[0] if charge.current_accounts else None,
                     "waivers": charge.waivers, "can_request_waiver": can_request_waiver})  # fmt: skip
    return {
        "application": application,
        "bank": bank_for(application.program.cycle),
        "rows": rows,
        "waiver_form": form or WaiverRequestForm(),
        "proof_limit": human_size(services.PROOF_MAX_BYTES),
    }


@login_required
def page(request, pk):
    application = application_of(request.user, pk)
    return render(request, "fees/page.html", _page_context(request, application))


@login_required
def slip(request, pk, charge_pk):
    application = application_of(request.user, pk)
    charge = selectors.charge_of_applicant(request.user, application, charge_pk)
    if not charge.current_accounts:
        raise Http404
    pdf = render_slip(charge, application, bank_for(application.program.cycle))
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{slip_filename(charge)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@csrf_exempt  # CSRF is checked in _request_waiver, after the size-limiting handler is installed
@require_POST
def request_waiver(request, pk, charge_pk):
    application = application_of(request.user, pk)
    charge = selectors.charge_of_applicant(request.user, application, charge_pk)
    handler = SizeLimitUploadHandler(request, services.PROOF_MAX_BYTES + 1)
    request.upload_handlers.insert(0, handler)
    return _request_waiver(request, application, charge, handler)


@csrf_protect
def _request_waiver(request, application, charge, handler):
    form = WaiverRequestForm(request.POST, request.FILES)
    if handler.exceeded:
        form.add_error("proof", _("The file is larger than %(limit)s. Make it smaller and upload it again.")
                       % {"limit": human_size(services.PROOF_MAX_BYTES)})  # fmt: skip
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_waiver(
                applicant=request.user, charge=charge, category=data["category"],
                household_address=data["household_address"], phone_mobile=data["phone_mobile"],
                phone_day=data["phone_day"], phone_night=data["phone_night"], upload=data["proof"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error("proof" if error.code == "upload_rejected" else None, str(error))
        else:
            messages.success(request, _("Your waiver request was sent. The office will decide it; you get a message."))
            return redirect("fees:page", pk=application.pk)
    messages.error(request, _("The waiver request was not sent. Correct the marked fields."))
    return render(request, "fees/page.html", _page_context(request, application, form), status=400)


@login_required
@require_POST
def withdraw_waiver(request, pk, waiver_pk):
    application = application_of(request.user, pk)
    waiver = WaiverRequest.objects.filter(charge__application=application, pk=waiver_pk).first()
    if waiver is None:
        raise Http404
    try:
        services.withdraw_waiver(applicant=request.user, waiver=waiver)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your waiver request was withdrawn."))
    return redirect("fees:page", pk=application.pk)
