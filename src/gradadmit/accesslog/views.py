"""Office pages of the access log: the full identity details (a logged POST) and who opened one applicant's file."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_POST

from gradadmit.accesslog import selectors, services
from gradadmit.office.permissions import staff_required
from gradadmit.office.record import applicant_for_staff

PAGE_SIZE = 50


@staff_required()
@require_POST
def reveal(request, pk):
    """The unmasked ID or passport number, birth date and phones; scoped like the record (another programme's
    applicant is a 404 for department staff), and every reveal logged."""
    applicant = applicant_for_staff(request.user, pk)
    services.record_access(staff=request.user, applicant_id=applicant.pk, kind=services.Kind.REVEAL)
    response = render(
        request, "accesslog/reveal.html", {"applicant": applicant, "profile": getattr(applicant, "profile", None)}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required()
def access_list(request, pk):
    applicant = applicant_for_staff(request.user, pk)
    page = Paginator(selectors.accesses_of(request.user, applicant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accesslog/access_list.html", {"applicant": applicant, "page": page})
