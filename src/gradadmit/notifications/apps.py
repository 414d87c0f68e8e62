"""In-portal messages (通知訊息) and the emails that go with them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gradadmit.notifications"
    label = "notifications"
    verbose_name = _("Messages")
