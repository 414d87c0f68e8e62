"""Applications (報名): one applicant × one programme, and the applicant's area (考生專區)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gradadmit.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from gradadmit.applications import checklist  # noqa: F401  (registers the application row)
