"""Office pages about one applicant: the search box's results and the applicant's record."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access
from gradadmit.office import record, search
from gradadmit.office.permissions import staff_required


def _record_url() -> str:
    """The applicant record's URL with `{}` for the id: one reverse() per page, not one per row."""
    return reverse("office:applicant", args=[0]).replace("/0/", "/{}/")


@staff_required()
def applicant_search(request):
    query = search.SearchQuery.parse(request.GET.get("q"))
    page = None
    if query.error == "short":
        messages.error(request, _("Type at least %(n)d characters to search.") % {"n": search.MIN_LENGTH})
    elif query.error == "long":
        messages.error(
            request,
            _("A search can be at most %(n)d characters long. Type a name, email or number.")
            % {"n": search.MAX_LENGTH},
        )
    elif query.text:
        page = search.search_page(request.user, query.text, request.GET.get("page"))
        if page.paginator.count == 1 and page.number == 1:
            only = page.object_list[0]
            if search.exact_match(request.user, query.text) == only.pk:
                return redirect("office:applicant", pk=only.pk)
    return render(request, "office/search.html", {"query": query, "page": page, "record_url": _record_url()})


@staff_required()
def applicant_record(request, pk):
    applicant = record.applicant_for_staff(request.user, pk)
    record_access(staff=request.user, applicant_id=applicant.pk, kind=AccessKind.RECORD)
    return render(request, "office/applicant.html", record.applicant_record(request.user, applicant))
