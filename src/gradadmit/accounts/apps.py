"""Applicant and staff accounts, basic details (基本資料), staff roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gradadmit.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from gradadmit.accounts import checklist, signed_in  # noqa: F401  (checklist registers the basic-details row)
        from gradadmit.accounts.models import ApplicantProfile, User
        from gradadmit.notifications.models import Message
        from gradadmit.practice.models import PracticeAccount

        signed_in.connect(User, ApplicantProfile, Message, PracticeAccount)
