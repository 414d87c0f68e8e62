"""Reads of the access log: one applicant's, for the admissions office only."""

from django.core.exceptions import PermissionDenied

from gradadmit.accesslog.models import AccessEvent


def accesses_of(user, applicant):
    """Who opened `applicant`'s data, newest first. Office only: the log shows every staff member's activity,
    department staff's programmes aside, so departments get a 403 (see README "Personal data")."""
    if not user.is_office:
        raise PermissionDenied
    return AccessEvent.objects.filter(applicant=applicant).select_related("staff").order_by("-at", "-pk")
