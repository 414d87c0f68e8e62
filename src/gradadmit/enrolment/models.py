"""Places per programme and identity, admissions (offers) with their check-in, waitlist entries."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gradadmit.core.choices import Identity


class SeatPool(models.Model):
    """The places of one programme for one identity; the row every change of `held` locks.

    `held` counts the admissions holding a place (offered or checked in). The check constraint keeps it within
    the places, so even a code path that forgot the lock cannot fill one place twice.
    """

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="seat_pools")
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices)
    places = models.PositiveSmallIntegerField(_("places"))
    held = models.PositiveSmallIntegerField(_("places held"), default=0)

    class Meta:
        ordering = ["program_id", "identity"]
        constraints = [
            models.UniqueConstraint(fields=["program", "identity"], name="seat_pool_once"),
            models.CheckConstraint(condition=Q(held__lte=F("places")), name="seat_pool_held_within_places"),
        ]
        verbose_name = _("places")
        verbose_name_plural = _("places")

    def __str__(self):
        return f"{self.program_id}/{self.identity}: {self.held}/{self.places}"

    @property
    def vacancies(self) -> int:
        return self.places - self.held


class Admission(models.Model):
    """An offer of a place: from the published result or from a waitlist promotion."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Admitted, not checked in")
        CHECKED_IN = "checked_in", _("Checked in")
        GIVEN_UP = "given_up", _("Gave up (放棄錄取)")
        NO_SHOW = "no_show", _("Did not check in")
        RELEASED = "released", _("Released")

    class Source(models.TextChoices):
        RESULT = "result", _("Published result")
        PROMOTION = "promotion", _("Waitlist promotion")

    class How(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper, recorded by staff")

    HOLDING = (Status.OFFERED, Status.CHECKED_IN)

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="admission")
    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="admissions")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admissions")
    seat_identity = models.CharField(_("place of identity"), max_length=20, choices=Identity.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OFFERED)
    deadline = models.DateTimeField(_("check in by"))
    how = models.CharField(_("checked in"), max_length=10, choices=How.choices, blank=True)
    undertaking = models.BooleanField(_("will present the degree certificate at registration"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("gave up"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "seat_identity", "id"]
        constraints = [
            # One programme only: a second check-in is refused by the database too.
            models.UniqueConstraint(
                fields=["applicant"], condition=Q(status="checked_in"), name="admission_one_check_in"
            ),
            models.CheckConstraint(
                condition=~Q(status="checked_in") | (Q(checked_in_at__isnull=False) & ~Q(how="")),
                name="admission_checked_in_has_time_and_how",
            ),
            models.CheckConstraint(
                condition=~Q(status="given_up") | Q(given_up_at__isnull=False), name="admission_given_up_has_time"
            ),
        ]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")

    def __str__(self):
        return f"admission of {self.application_id} ({self.status})"

    @property
    def receipt_number(self) -> str:
        return f"GU-{self.program_id:04d}-{self.pk:06d}"


class WaitlistEntry(models.Model):
    """備取: a waitlisted application, its position in the published order and its wish to be promoted."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a place")
        DECLINED = "declined", _("Declined the offer")
        LAPSED = "lapsed", _("Did not reply in time")
        PROMOTED = "promoted", _("Promoted and checked in")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="waitlist_entry"
    )
    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="waitlist_entries")
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices)
    position = models.PositiveSmallIntegerField(_("waitlist number"))
    wants_promotion = models.BooleanField(_("wants to be promoted (遞補意願)"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    admission = models.OneToOneField(
        Admission, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program_id", "identity", "position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "identity", "position"], name="waitlist_position_once"),
        ]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")

    def __str__(self):
        return f"waitlist {self.program_id}/{self.identity} #{self.position}"
