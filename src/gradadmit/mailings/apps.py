"""Mailings to groups: staff write to applicants chosen by filters, a second office member approves, the worker sends."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "gradadmit.mailings"
    label = "mailings"
    verbose_name = _("Mailings")
