"""Scoring (評分), ranking (錄取排序), results (放榜), regrade requests (複查) and appeals (申訴)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "gradadmit.scoring"
    label = "scoring"
    verbose_name = _("Scoring and results")

    def ready(self):
        from gradadmit.scoring import checklist  # noqa: F401  (register the result row)
