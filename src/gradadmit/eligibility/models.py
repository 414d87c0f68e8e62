"""The eligibility review (報名資格審查) of one application: its current decision and the supplement it allows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewDecision(models.Model):
    """One row per reviewed application; absent means not yet reviewed. Changed only by eligibility.services.

    `version` grows with every change: a form posts the version it showed, and a decision made on a stale
    version is refused (two staff deciding at once: the second sees a conflict, nothing is overwritten).
    """

    class Result(models.TextChoices):
        PENDING = "pending", _("Not yet reviewed")
        QUALIFIED = "qualified", _("Qualified")
        SUPPLEMENT = "supplement", _("Needs supplement")
        NOT_QUALIFIED = "not_qualified", _("Not qualified")
        COMMITTEE = "committee", _("Referred to the committee")

    class Reason(models.TextChoices):
        DEGREE = "degree", _("Degree or equivalent qualification not proven")
        SERVICE = "service", _("In-service: no service certificate or less than one year of continuous service")
        PHOTO = "photo", _("No usable photo")
        DOCUMENTS = "documents", _("Mandatory documents missing")
        COMMITTEE = "committee", _("Not approved by the equivalent-qualification committee")
        OTHER = "other", _("Other")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="review_decision"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.PENDING)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    message = models.TextField(_("message to the applicant"), blank=True)
    supplement_until = models.DateTimeField(_("supplement deadline"), null=True, blank=True)
    supplement_items = models.ManyToManyField(
        "cycles.DocumentRequirement", blank=True, related_name="+", verbose_name=_("items to supplement")
    )
    by_committee = models.BooleanField(_("decided by the equivalent-qualification committee"), default=False)
    committee_reference = models.CharField(_("committee meeting reference"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="supplement") | Q(supplement_until__isnull=False),
                name="review_supplement_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(result="not_qualified") | ~Q(reason=""), name="review_not_qualified_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(by_committee=False) | ~Q(committee_reference=""), name="review_committee_has_reference"
            ),
        ]
        indexes = [models.Index(fields=["result"])]
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")

    def __str__(self):
        return f"review of application #{self.application_id}: {self.result}"

    @property
    def is_qualified(self) -> bool:
        return self.result == self.Result.QUALIFIED

    @property
    def is_final(self) -> bool:
        return self.result in (self.Result.QUALIFIED, self.Result.NOT_QUALIFIED)
