"""Recommendations (推薦信): recommender invitations, the recommender's token page, letters, reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "gradadmit.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")
