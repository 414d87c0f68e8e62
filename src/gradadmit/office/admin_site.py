"""The configuration screens (Django admin) are for the admissions office only, behind the portal sign-in."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _


def office_only(request):
    user = request.user
    return user.is_active and user.is_authenticated and user.is_office


def configure_admin_site():
    site = admin.site
    site.site_header = _("GradAdmit configuration")
    site.site_title = _("GradAdmit configuration")
    site.index_title = _("Cycles, programmes and accounts")
    site.has_permission = office_only

    def login(request, extra_context=None):
        # One sign-in for everyone: allauth (rate limits, two-factor).
        return redirect_to_login(request.get_full_path())

    site.login = login
