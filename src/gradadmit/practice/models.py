"""A practice account: a user who registered through a practice cycle (and may open only its pages)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.signed_in import SignedInQuerySet


class PracticeAccount(models.Model):
    """Marks a user registered through the practice cycle's page: their pages are the practice cycle's only.

    Real pages (office, other cycles, their public lists and announcements) answer 404 to them, they apply only
    to the practice cycle, and they are deleted with the practice data (practice.services.wipe_practice_data).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_account")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="practice_accounts")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = SignedInQuerySet.as_manager()
    signed_in_user = "user_id"  # accounts.signed_in: the signed-in user's query reads the practice cycle

    class Meta:
        verbose_name = _("practice account")
        verbose_name_plural = _("practice accounts")

    def __str__(self):
        return f"practice account {self.user_id} of {self.cycle_id}"
