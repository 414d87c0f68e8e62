"""Shared pieces: clock and deadlines, ROC dates, audit log, checklist registry, scoping."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gradadmit.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from gradadmit.core import checks, displays, metrics  # noqa: F401 (checks registers the field-key check)

        displays.install()  # get_FOO_display() from a table per field (core/displays.py)

        metrics.register_collector()  # queue figures read at scrape time; other apps add register_metric_source()
