"""The message inbox (通知訊息)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from gradadmit.notifications import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def message_detail(request, pk):
    message = selectors.message_of(request.user, pk)
    services.mark_read(user=request.user, message=message)
    return render(request, "notifications/message.html", {"message": message})
