"""Enrolment after the results: check-in (報到), give-up declarations (放棄錄取), waitlist promotion (備取遞補)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "gradadmit.enrolment"
    label = "enrolment"
    verbose_name = _("Check-in and waitlist promotion")

    def ready(self):
        from gradadmit.enrolment import checklist  # noqa: F401  (register the check-in / waitlist row)
