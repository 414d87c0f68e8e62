"""Access log: which staff member opened which applicant's record, files or full identity numbers, and when."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessLogConfig(AppConfig):
    name = "gradadmit.accesslog"
    label = "accesslog"
    verbose_name = _("Access log")
