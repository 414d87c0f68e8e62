"""The outbox's figures for Prometheus, read at scrape time: emails by status, age of the oldest due email."""

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily

from gradadmit.core import clock
from gradadmit.outbox.models import Email


def outbox_metrics():
    by_status = GaugeMetricFamily("gradadmit_emails", "Emails in the outbox by status.", labels=["status"])
    counts = dict(Email.objects.order_by().values_list("status").annotate(n=Count("pk")))
    for status in Email.Status.values:
        by_status.add_metric([status], counts.get(status, 0))
    yield by_status
    oldest = Email.objects.filter(status=Email.Status.QUEUED, next_attempt_at__lte=clock.now()).aggregate(
        oldest=Min("next_attempt_at")
    )["oldest"]
    age = (clock.now() - oldest).total_seconds() if oldest else 0.0
    yield GaugeMetricFamily(
        "gradadmit_emails_oldest_due_age_seconds", "How long the oldest due email has waited to be sent.", value=age
    )
