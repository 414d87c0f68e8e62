"""Exam administration: exam numbers, admission tickets (准考證), interview lists."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "gradadmit.exams"
    label = "exams"
    verbose_name = _("Exam administration")

    def ready(self):
        from gradadmit.exams import checklist  # noqa: F401  (register the checklist row)
