"""Eligibility review (資格審查): review queue, decisions, supplements, committee cases, accommodation requests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "gradadmit.eligibility"
    label = "eligibility"
    verbose_name = _("Eligibility review")
