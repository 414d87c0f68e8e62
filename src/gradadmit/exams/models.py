"""Exam administration data: publication of a programme's lists, interview slots, tickets, accommodations."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A programme's eligibility results, stage-1 list, interview list and tickets, published together.

    Published lists become visible at the calendar's eligibility-result time. While published (and not
    reopened) eligibility decisions of the programme are frozen; exam numbers never change once published.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PUBLISHED = "published", _("Published")
        REOPENED = "reopened", _("Reopened for corrections")

    program = models.OneToOneField("cycles.Program", on_delete=models.CASCADE, related_name="publication")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(first_published_at__isnull=False), name="publication_has_date"
            ),
        ]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return f"publication of {self.program_id}: {self.state}"

    @property
    def was_published(self) -> bool:
        return self.first_published_at is not None

    @property
    def freezes_decisions(self) -> bool:
        return self.state == self.State.PUBLISHED


class InterviewSlot(models.Model):
    """A time and room of the oral interview (複試); tickets are placed in slots in exam-number order."""

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="interview_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("applicants in this slot"), default=10)

    class Meta:
        ordering = ["program_id", "starts_at", "room", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
        ]
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")

    def __str__(self):
        return f"{self.program_id} {self.starts_at:%Y-%m-%d %H:%M} {self.room}"


class AdmissionTicket(models.Model):
    """准考證: the exam number of one qualified application, and its interview slot."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="ticket")
    program = models.ForeignKey("cycles.Program", on_delete=models.PROTECT, related_name="tickets")
    exam_number = models.CharField(_("exam number"), max_length=20)
    sequence = models.PositiveIntegerField()
    slot = models.ForeignKey(
        InterviewSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("slot")
    )
    assigned_at = models.DateTimeField(_("assigned"))
    # Raised each time the ticket is reissued (a postponement moved its interview); earlier printouts are void.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    reissued_at = models.DateTimeField(_("reissued"), null=True, blank=True)

    class Meta:
        ordering = ["program_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["program", "exam_number"], name="ticket_unique_number"),
            models.UniqueConstraint(fields=["program", "sequence"], name="ticket_unique_sequence"),
        ]
        verbose_name = _("admission ticket")
        verbose_name_plural = _("admission tickets")

    def __str__(self):
        return self.exam_number


def ticket_batch_path(instance, filename):
    return f"tickets/{instance.program_id}/{uuid.uuid4().hex}.zip"


class TicketBatch(models.Model):
    """Every ticket PDF of a programme in one zip, built by the task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="ticket_batches")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=ticket_batch_path, blank=True, max_length=200)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket batch")
        verbose_name_plural = _("ticket batches")

    def __str__(self):
        return f"tickets of {self.program_id} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def accommodation_proof_path(instance, filename):
    return f"accommodations/{instance.application_id}/{uuid.uuid4().hex}.{instance.proof_extension}"


class AccommodationRequest(models.Model):
    """附件七: an applicant with a disability asks for exam accommodations, with proof; staff decide."""

    class Category(models.TextChoices):
        LIMB_UPPER = "limb_upper", _("Physical disability (upper limbs)")
        LIMB_LOWER = "limb_lower", _("Physical disability (lower limbs)")
        VISUAL = "visual", _("Visual impairment")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        SEVERE = "severe", _("Severe")
        MODERATE = "moderate", _("Moderate")
        MILD = "mild", _("Mild")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="accommodation"
    )
    category = models.CharField(_("kind of disability"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    certificate_number = models.CharField(_("disability certificate number"), max_length=40)
    description = models.TextField(_("describe your situation"))
    brings_aids = models.BooleanField(_("I bring my own assistive devices"), default=False)
    extra_time = models.BooleanField(_("20 minutes extra time"), default=False)
    enlarged_paper = models.BooleanField(_("enlarged papers (1.5 times)"), default=False)
    early_entry = models.BooleanField(_("enter the room 10 minutes early"), default=False)
    other_needs = models.CharField(_("other needs"), max_length=300, blank=True)
    proof = models.FileField(_("copy of the disability certificate"), upload_to=accommodation_proof_path)
    proof_extension = models.CharField(max_length=8)
    proof_content_type = models.CharField(max_length=60)
    status = models.CharField(_("decision"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_note = models.TextField(_("what is granted, or why not"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_time=True) | Q(enlarged_paper=True) | Q(early_entry=True) | ~Q(other_needs=""),
                name="accommodation_asks_something",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""), name="accommodation_rejection_has_note"
            ),
        ]
        verbose_name = _("accommodation request")
        verbose_name_plural = _("accommodation requests")

    def __str__(self):
        return f"accommodation request of application #{self.application_id}"

    def needs(self) -> list[str]:
        items = []
        if self.extra_time:
            items.append(str(_("20 minutes extra time")))
        if self.enlarged_paper:
            items.append(str(_("enlarged papers (1.5 times)")))
        if self.early_entry:
            items.append(str(_("enter the room 10 minutes early")))
        if self.other_needs:
            items.append(self.other_needs)
        return items


# --- Postponement after a major incident (附錄四) ------------------------------------------------------------


class Postponement(models.Model):
    """A milestone (e.g. the interview day) moved after a typhoon, earthquake or epidemic, for a cycle or a programme.

    Applied in one audited operation (exams.postponement): the calendar (or, for one programme, its own dates,
    see PostponementChange), the interview slots, the tickets (reissued by the worker), messages and emails, and a
    public announcement.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="postponements")
    program = models.ForeignKey(
        "cycles.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="postponements",
        verbose_name=_("programme"),
    )  # fmt: skip
    kind = models.CharField(_("step"), max_length=30)
    reason = models.TextField(_("reason"))
    old_starts_at = models.DateTimeField(_("was"))
    new_starts_at = models.DateTimeField(_("new date and time"))
    short_notice = models.BooleanField(_("decided less than three hours before"), default=False)
    affected = models.PositiveIntegerField(_("applicants told"), default=0)
    tickets_total = models.PositiveIntegerField(default=0)
    tickets_reissued = models.PositiveIntegerField(default=0)
    announcement = models.ForeignKey(
        "announcements.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied"))

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")

    def __str__(self):
        return f"{self.kind} of {self.cycle_id}/{self.program_id or '-'} → {self.new_starts_at:%Y-%m-%d %H:%M}"

    @property
    def kind_label(self) -> str:
        from gradadmit.cycles.models import Milestone

        return str(Milestone.Kind(self.kind).label) if self.kind in Milestone.Kind.values else self.kind


class PostponementChange(models.Model):
    """One date a postponement moved. With a programme, it is that programme's own date (the cycle's stays)."""

    postponement = models.ForeignKey(Postponement, on_delete=models.CASCADE, related_name="changes")
    program = models.ForeignKey("cycles.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("step"), max_length=30)
    old_starts_at = models.DateTimeField(_("was"))
    old_ends_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(_("now"))
    new_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["postponement_id", "old_starts_at", "id"]
        verbose_name = _("date moved")
        verbose_name_plural = _("dates moved")

    def __str__(self):
        return f"{self.kind}: {self.old_starts_at:%Y-%m-%d %H:%M} → {self.new_starts_at:%Y-%m-%d %H:%M}"

    @property
    def kind_label(self) -> str:
        from gradadmit.cycles.models import Milestone

        return str(Milestone.Kind(self.kind).label) if self.kind in Milestone.Kind.values else self.kind


def ticket_issue_path(instance, filename):
    return f"tickets/issued/{instance.ticket.program_id}/{uuid.uuid4().hex}.pdf"


class TicketIssue(models.Model):
    """One printed version of a ticket: reissued ones hold the PDF the worker rendered; void ones are earlier."""

    ticket = models.ForeignKey(AdmissionTicket, on_delete=models.CASCADE, related_name="issues")
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(upload_to=ticket_issue_path, blank=True, max_length=200)
    postponement = models.ForeignKey(
        Postponement, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket_issues"
    )
    issued_at = models.DateTimeField(_("issued"))
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)

    class Meta:
        ordering = ["ticket_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["ticket", "version"], name="ticket_issue_unique_version")]
        verbose_name = _("ticket issue")
        verbose_name_plural = _("ticket issues")

    def __str__(self):
        return f"{self.ticket_id} v{self.version}"
