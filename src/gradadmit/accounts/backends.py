"""Authentication backends: the signed-in user loaded with what every page shows; office permissions in the admin.

The admissions office may configure everything of the portal's own apps in the admin screens.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

OFFICE_APPS = {"accounts", "cycles", "applications", "notifications", "core", "django_tasks_db", "account", "mfa"}


class OfficePermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return bool(user.is_active and getattr(user, "is_office", False) and perm.split(".", 1)[0] in OFFICE_APPS)

    def has_module_perms(self, user, app_label):
        return bool(user.is_active and getattr(user, "is_office", False) and app_label in OFFICE_APPS)


class _PortalUserMixin:
    """get_user() loads, in the one query per request it makes anyway, the applicant profile and the unread count.

    `user.profile` is then cached (accounts.selectors.get_profile reads it) and `user.unread_messages` is set
    (notifications.context_processors.portal shows it): two queries fewer on every signed-in page.
    """

    def get_user(self, user_id):
        from gradadmit.notifications.models import Message

        unread = (
            Message.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        from gradadmit.practice.models import PracticeAccount

        # The practice cycle of a practice account (practice.selectors.practice_cycle_id_of), or None.
        practice = PracticeAccount.objects.filter(user=OuterRef("pk")).values("cycle_id")[:1]
        users = (
            get_user_model()
            ._default_manager.select_related("profile")
            .annotate(unread_messages=Coalesce(Subquery(unread), 0), practice_cycle_id=Subquery(practice))
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PortalModelBackend(_PortalUserMixin, ModelBackend):
    """Django's password backend with the portal's get_user()."""


class PortalAuthenticationBackend(_PortalUserMixin, AuthenticationBackend):
    """allauth's backend (email login) with the portal's get_user()."""
