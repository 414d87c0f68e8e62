"""Recommendations (推薦信): recommender invitations, the recommender's token page, letters, reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "gradadmit.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self):
        from gradadmit.recommendations import checklist, packet  # noqa: F401  (register the checklist row and packet part)
