"""考生專區: the applicant's personal data page: download a copy, delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.core.errors import DomainError
from gradadmit.core.files import serve_stored_file
from gradadmit.privacy import selectors, services
from gradadmit.privacy.forms import DeleteAccountForm
from gradadmit.privacy.models import DataExport


@login_required
def my_data(request):
    latest = selectors.latest_export(request.user)
    if request.GET.get("partial"):
        return render(request, "privacy/_export_status.html", {"export": latest})
    refusal = services.deletion_refusal(request.user)
    form = DeleteAccountForm(user=request.user)
    return render(request, "privacy/my_data.html", {"export": latest, "refusal": refusal, "form": form})


@login_required
@require_POST
def request_export(request):
    services.request_data_export(applicant=request.user)
    messages.success(request, _("Your data is being prepared; this page shows when the file is ready."))
    return redirect("privacy:my_data")


@login_required
def download_export(request, pk):
    export = selectors.export_of(request.user, pk)  # another applicant's export: 404
    if export.status != DataExport.Status.DONE or not export.file:
        raise Http404
    day = export.created_at.strftime("%Y%m%d")
    return serve_stored_file(export.file, content_type="application/zip", filename=f"my-data-{day}.zip", download=True)


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.delete_account(user=request.user)
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("/")
    latest = selectors.latest_export(request.user)
    refusal = services.deletion_refusal(request.user)
    return render(request, "privacy/my_data.html", {"export": latest, "refusal": refusal, "form": form}, status=400)
