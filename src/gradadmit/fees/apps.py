"""Fees (報名費): virtual accounts, payment slips, bank statement import, discounts and waivers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "gradadmit.fees"
    label = "fees"
    verbose_name = _("Fees")

    def ready(self):
        from gradadmit.fees import checklist, permissions  # noqa: F401  (register the checklist row and permissions)
