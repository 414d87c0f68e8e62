"""Admission cycles, their calendars, programmes, document items and selection stages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "gradadmit.cycles"
    label = "cycles"
    verbose_name = _("Admission cycles")

    def ready(self):
        from gradadmit.cycles import configuration
        from gradadmit.cycles.models import DeadlineExtension, DocumentRequirement, FormTemplate, Milestone

        configuration.connect(Milestone, DeadlineExtension, DocumentRequirement, FormTemplate)
