"""Practice cycles (模擬報名): a copy of a cycle to try the portal on, kept out of every real list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "gradadmit.practice"
    label = "practice"
    verbose_name = _("Practice cycles")

    def ready(self):
        from allauth.account.signals import user_signed_up

        from gradadmit.practice import checklist  # noqa: F401  (registers the sample rows)
        from gradadmit.practice.services import mark_practice_signup

        user_signed_up.connect(mark_practice_signup, dispatch_uid="practice-signup")
