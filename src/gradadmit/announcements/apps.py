"""Announcements (最新消息): staff post them per cycle or programme; visitors read them, with an Atom feed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "gradadmit.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from gradadmit.announcements.templatetags.announcements import latest_announcements, newsdate, text_lang
        from gradadmit.core.jinja_env import add_globals

        add_globals(latest_announcements=latest_announcements, newsdate=newsdate, text_lang=text_lang)
