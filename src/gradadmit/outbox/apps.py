"""The email outbox: every email the portal sends is a row, written with the change that causes it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "gradadmit.outbox"
    label = "outbox"
    verbose_name = _("Email outbox")

    def ready(self):
        from gradadmit.core.metrics import register_metric_source
        from gradadmit.outbox.metrics import outbox_metrics

        register_metric_source(outbox_metrics, name="outbox")
