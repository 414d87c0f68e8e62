"""The admissions office may configure everything of the portal's own apps in the admin screens."""

OFFICE_APPS = {"accounts", "cycles", "applications", "notifications", "core", "django_tasks_db", "account", "mfa"}


class OfficePermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return bool(user.is_active and getattr(user, "is_office", False) and perm.split(".", 1)[0] in OFFICE_APPS)

    def has_module_perms(self, user, app_label):
        return bool(user.is_active and getattr(user, "is_office", False) and app_label in OFFICE_APPS)
