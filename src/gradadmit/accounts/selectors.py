"""Reads about accounts: the applicant's profile and whether it is locked."""

from dataclasses import dataclass
from datetime import datetime

from gradadmit.accounts.models import ApplicantProfile


@dataclass(frozen=True)
class ProfileLock:
    locked: bool
    since: datetime | None = None


def get_profile(user) -> ApplicantProfile | None:
    """The user's basic details, or None; no query when the auth backend loaded them with the user."""
    cached = ApplicantProfile._meta.get_field("user").remote_field.get_cached_value(user, default=None)
    if cached is not None:
        return cached
    return ApplicantProfile.objects.filter(user=user).first()


def profile_lock(user, profile=None, *, applications=None, calendars=None) -> ProfileLock:
    """Locked once the application window of any cycle with an active application has closed.

    The dashboard passes the applications and calendars it already loaded, so this costs no query there.
    """
    from gradadmit.applications.models import Application
    from gradadmit.core import clock
    from gradadmit.core.deadlines import calendars_for, scope_for

    if applications is None:
        applications = Application.objects.active().filter(applicant=user).select_related("program__cycle")
        profile = profile if profile is not None else get_profile(user)
    cycles = {a.program.cycle_id: a.program.cycle for a in applications if a.is_active}
    if not cycles:
        return ProfileLock(False)
    if calendars is None:
        calendars = calendars_for(list(cycles.values()), user)
    scope = scope_for(profile)
    now = clock.now()
    ended = []
    for cycle_id in cycles:
        window = calendars[cycle_id].window("application", scope)
        if window is not None and window.has_ended(now):
            ended.append(window.ends_at)
    return ProfileLock(bool(ended), min(ended) if ended else None)
