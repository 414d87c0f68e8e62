"""Personal data (個人資料保護法): the applicant's copy of their data, account deletion, anonymising a finished cycle."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "gradadmit.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
