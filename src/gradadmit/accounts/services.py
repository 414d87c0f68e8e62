"""Writes to accounts: saving basic details under the deadline lock."""

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.accounts.selectors import profile_lock
from gradadmit.core.errors import DomainError


def save_profile(*, user, data: dict) -> ApplicantProfile:
    """Create or update the applicant's basic details.

    After the application deadline of any cycle the applicant applied to, only
    contact fields change; anything else in `data` is ignored (and refused
    when it differs). No side effects beyond the row.
    """
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().filter(user=user).first()
        lock = profile_lock(user)
        if profile is None:
            if lock.locked:
                raise DomainError(_("Basic details can no longer be created: the application deadline has passed."))
            profile = ApplicantProfile(user=user)
        editable = ApplicantProfile.CONTACT_FIELDS if lock.locked else data.keys()
        for name, value in data.items():
            if name in editable:
                setattr(profile, name, value)
            elif getattr(profile, name) != value:
                raise DomainError(
                    _("Basic details are locked after the application deadline; only contact details can change.")
                )
        profile.full_clean(exclude=["user"])
        profile.save()
    return profile
