"""Office and department pages: programmes in scope, applicants, cycle tools."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "gradadmit.office"
    label = "office"
    verbose_name = _("Office")
