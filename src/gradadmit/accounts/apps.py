"""Applicant and staff accounts, basic details (基本資料), staff roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gradadmit.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from gradadmit.accounts import checklist  # noqa: F401  (registers the basic-details row)
