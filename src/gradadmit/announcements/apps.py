"""Announcements (最新消息): staff post them per cycle or programme; visitors read them, with an Atom feed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "gradadmit.announcements"
    label = "announcements"
    verbose_name = _("Announcements")
