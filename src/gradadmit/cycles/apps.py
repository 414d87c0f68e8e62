"""Admission cycles, their calendars, programmes, document items and selection stages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "gradadmit.cycles"
    label = "cycles"
    verbose_name = _("Admission cycles")
