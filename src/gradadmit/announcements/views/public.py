"""Visitors: the announcements list (pinned first, newest), one announcement, its attachments."""

from django.core.paginator import Paginator
from django.shortcuts import render

from gradadmit.announcements import selectors
from gradadmit.announcements.views import serve_attachment

PAGE_SIZE = 15


def announcement_list(request):
    cycles = list(selectors.cycles_with_announcements())
    code = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if c.code == code), None)
    page = Paginator(selectors.published_announcements(cycle=cycle), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "announcements/list.html", {"page": page, "cycles": cycles, "cycle": cycle})


def announcement_detail(request, pk):
    announcement = selectors.published_announcement(pk)
    return render(
        request,
        "announcements/detail.html",
        {"announcement": announcement, "attachments": list(announcement.attachments.all())},
    )


def attachment(request, pk, attachment_id):
    return serve_attachment(request, selectors.published_attachment(pk, attachment_id))
