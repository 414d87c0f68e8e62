"""Authentication backends: the signed-in user loaded with what every page shows; office permissions in the admin.

The admissions office may configure everything of the portal's own apps in the admin screens.
"""

import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from gradadmit.accounts import signed_in
from gradadmit.core.prepared import Param, one_or_none, prepared

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
    (notifications.context_processors.portal shows it): two queries fewer on every signed-in page. The annotated
    queryset is built once per process (`signed_in_users`); each request only adds its user's id to a copy. Each
    process keeps the users it loaded while nothing they show changed (accounts.signed_in): no query at all then.
    """

    def get_user(self, user_id):
        user = signed_in.user_of(user_id, _load)
        return user if user is not None and self.user_can_authenticate(user) else None


def _load(user_id):
    return None if user_id is None else one_or_none(_SIGNED_IN_USER(user=user_id))


_SIGNED_IN_USER = prepared(lambda: signed_in_users().filter(pk=Param("user")))


@functools.cache
def signed_in_users():
    """Users with their profile, unread message count and practice cycle (None unless a practice account).

    Built once: resolving the two subqueries costs more than the query itself (about 0.6 ms a request), and a
    queryset is never changed by filtering it (every filter works on a copy), so threads may share it.
    """
    from gradadmit.notifications.models import Message
    from gradadmit.practice.models import PracticeAccount

    unread = (
        Message.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The practice cycle of a practice account (practice.selectors.practice_cycle_id_of), or None.
    practice = PracticeAccount.objects.filter(user=OuterRef("pk")).values("cycle_id")[:1]
    return (
        get_user_model()
        ._default_manager.select_related("profile")
        .annotate(unread_messages=Coalesce(Subquery(unread), 0), practice_cycle_id=Subquery(practice))
    )


class PortalModelBackend(_PortalUserMixin, ModelBackend):
    """Django's password backend with the portal's get_user()."""


class PortalAuthenticationBackend(_PortalUserMixin, AuthenticationBackend):
    """allauth's backend (email login) with the portal's get_user()."""
