"""The office's page of the outbox: queued, failed and sent emails, search, resend."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.core.errors import DomainError
from gradadmit.office.permissions import staff_required
from gradadmit.outbox import selectors, services
from gradadmit.outbox.models import Email


@staff_required("office.configure_cycles")
def email_list(request):
    query, status = request.GET.get("q", "")[:100], request.GET.get("status", "")
    page = Paginator(selectors.search_emails(query=query, status=status), 50).get_page(request.GET.get("page"))
    counts = selectors.counts_by_status()
    return render(request, "outbox/list.html", {
        "page": page, "query": query, "status": status, "statuses": Email.Status.choices,
        "counts": [(value, label, counts[value]) for value, label in Email.Status.choices],
    })  # fmt: skip


@staff_required("office.configure_cycles")
def email_detail(request, pk):
    email = get_object_or_404(Email, pk=pk)
    return render(request, "outbox/detail.html", {"email": email})


@staff_required("office.configure_cycles")
@require_POST
def email_resend(request, pk):
    email = get_object_or_404(Email, pk=pk)
    try:
        result = services.resend(actor=request.user, email=email)
    except DomainError as refusal:
        messages.error(request, str(refusal))
        return redirect("outbox:detail", pk=email.pk)
    messages.success(request, _("The email is queued to be sent again."))
    return redirect("outbox:detail", pk=result.pk)
