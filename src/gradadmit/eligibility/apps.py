"""Eligibility review (資格審查): review queue, decisions, supplements, committee cases, accommodation requests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "gradadmit.eligibility"
    label = "eligibility"
    verbose_name = _("Eligibility review")

    def ready(self):
        from gradadmit.documents import reopened
        from gradadmit.eligibility import checklist  # noqa: F401  (register the checklist row)
        from gradadmit.eligibility.selectors import supplement_items

        reopened.register(supplement_items)
