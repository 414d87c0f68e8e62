"""Reads of the outbox for the office: search, counts per status."""

from django.db.models import Count, Q

from gradadmit.outbox.models import Email


def search_emails(*, query: str = "", status: str = ""):
    emails = Email.objects.all()
    if status in Email.Status.values:
        emails = emails.filter(status=status)
    query = query.strip()
    if query:
        emails = emails.filter(Q(to__icontains=query) | Q(subject__icontains=query) | Q(cause__icontains=query))
    return emails.order_by("-created_at", "-id")


def counts_by_status() -> dict[str, int]:
    counts = dict(Email.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Email.Status.values}
