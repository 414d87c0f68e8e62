"""Scores per stage, reviewers, interview invitations, ranking runs, regrade requests and appeals."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

APPEAL_DAYS_MAX = 30
SCORE_FIELD = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
}


class ScoringSettings(models.Model):
    """What the department sets per programme: how reviewer scores combine, the stage-1 pass rule, ties."""

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of the reviewers")
        MEDIAN = "median", _("Median of the reviewers")

    program = models.OneToOneField("cycles.Program", on_delete=models.CASCADE, related_name="scoring_settings")
    aggregation = models.CharField(_("stage score"), max_length=10, choices=Aggregation.choices, default="mean")
    disagreement_threshold = models.DecimalField(
        _("flag when reviewers differ by more than"), default=Decimal(20), **SCORE_FIELD
    )
    pass_minimum = models.DecimalField(_("stage 1 passes from score"), null=True, blank=True, **SCORE_FIELD)
    pass_top_n = models.PositiveSmallIntegerField(
        _("stage 1 passes: top N"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    admit_all_tied = models.BooleanField(
        _("admit every applicant tied at the cut-off"),
        default=False,
        help_text=_("Otherwise a tie no rule can break is reported for the committee to decide."),
    )
    committee_order = models.JSONField(
        _("committee's order for unbroken ties"),
        default=list,
        blank=True,
        help_text=_("Application ids, best first, as the admissions committee decided."),
    )
    show_rank = models.BooleanField(_("show applicants their rank"), default=True)
    appeal_days = models.PositiveSmallIntegerField(
        _("days to appeal after the results"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(APPEAL_DAYS_MAX)],
    )

    class Meta:
        constraints = [
            # The brochure announces one stage-1 pass rule; with both set it would be unclear which was meant.
            models.CheckConstraint(
                condition=Q(pass_minimum__isnull=True) | Q(pass_top_n__isnull=True),
                name="scoring_settings_one_pass_rule",
                violation_error_message=_(
                    "Set the stage-1 pass rule as a minimum score or as the top N, not both. Empty one of them."
                ),
            )
        ]
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self):
        return f"scoring settings of {self.program_id}"


class ReviewerAssignment(models.Model):
    """A reviewer scores the programme's applications (or only one, when application is set)."""

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="reviewer_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_note = models.CharField(_("conflict of interest"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "reviewer", "application"],
                name="reviewer_assignment_unique",
                nulls_distinct=False,
            )
        ]
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")

    def __str__(self):
        return f"{self.reviewer_id} → {self.program_id}/{self.application_id}"


class StageSubmission(models.Model):
    """The department submitted a stage's scores: they are locked until the office reopens them."""

    stage = models.OneToOneField("cycles.SelectionStage", on_delete=models.CASCADE, related_name="submission")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("stage submission")
        verbose_name_plural = _("stage submissions")

    def __str__(self):
        return f"stage {self.stage_id} submitted {self.submitted_at}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None


class ReviewerScore(models.Model):
    """One reviewer's score for one application in one stage; hidden from other reviewers until they submit."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey("cycles.SelectionStage", on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), **SCORE_FIELD)
    criteria = models.JSONField(_("rubric"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "stage", "reviewer"], name="reviewer_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="reviewer_score_0_100"),
        ]
        verbose_name = _("reviewer score")
        verbose_name_plural = _("reviewer scores")

    def __str__(self):
        return f"{self.application_id}/{self.stage_id}: {self.score}"


class StageScore(models.Model):
    """The score of one application in one stage, the one the ranking uses."""

    class Source(models.TextChoices):
        REVIEWERS = "reviewers", _("Reviewers")
        STAFF = "staff", _("Entered by staff")
        IMPORT = "import", _("Imported")
        REGRADE = "regrade", _("Corrected on regrade")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="stage_scores")
    stage = models.ForeignKey("cycles.SelectionStage", on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(_("score"), null=True, blank=True, **SCORE_FIELD)
    absent = models.BooleanField(_("absent"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    disagreement = models.BooleanField(_("reviewers disagree"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="stage_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)), name="stage_score_0_100"
            ),
            models.CheckConstraint(condition=~Q(absent=True, score__isnull=False), name="stage_score_absent_no_score"),
        ]
        verbose_name = _("stage score")
        verbose_name_plural = _("stage scores")

    def __str__(self):
        return f"{self.application_id}/{self.stage_id}: {self.score}"


class InterviewInvitation(models.Model):
    """Passed stage 1 under the programme's pass rule: invited to the interview (複試)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="interview_invitation"
    )
    invited_at = models.DateTimeField(_("invited"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("interview invitation")
        verbose_name_plural = _("interview invitations")

    def __str__(self):
        return f"invitation of {self.application_id}"


class RankingRun(models.Model):
    """One run of the engine on a snapshot: inputs, engine version, result, a hash of the inputs, who ran it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the department")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    program = models.ForeignKey("cycles.Program", on_delete=models.CASCADE, related_name="ranking_runs")
    number = models.PositiveIntegerField(_("run"))
    engine_version = models.CharField(max_length=20)
    inputs = models.JSONField()
    result = models.JSONField()
    input_hash = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Publication at a set time: the workers' schedule publishes the run then, as the office member who set it.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    publish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_error = models.CharField(_("why it was not published"), max_length=300, blank=True)

    class Meta:
        ordering = ["program_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="ranking_run_number_unique"),
            models.UniqueConstraint(
                fields=["program"], condition=Q(state="published"), name="ranking_run_one_published"
            ),
        ]
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")

    def __str__(self):
        return f"{self.program_id} run {self.number}"

    def outcome_of(self, application_id: int) -> dict | None:
        for outcome in self.result.get("outcomes", []):
            if outcome["key"] == application_id:
                return outcome
        return None


class RegradeRequest(models.Model):
    """成績複查 (附件九): listed stages, with the fee; staff answer each item."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ANSWERED = "answered", _("Answered")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="regrades")
    charge = models.ForeignKey("fees.Charge", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("regrade request")
        verbose_name_plural = _("regrade requests")

    def __str__(self):
        return f"regrade #{self.pk}"


class RegradeItem(models.Model):
    request = models.ForeignKey(RegradeRequest, on_delete=models.CASCADE, related_name="items")
    stage = models.ForeignKey("cycles.SelectionStage", on_delete=models.PROTECT, related_name="+")
    original_score = models.DecimalField(_("original score"), null=True, blank=True, **SCORE_FIELD)
    new_score = models.DecimalField(_("score after regrade"), null=True, blank=True, **SCORE_FIELD)
    outcome = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "stage"], name="regrade_item_once")]
        verbose_name = _("regrade item")
        verbose_name_plural = _("regrade items")

    def __str__(self):
        return f"regrade item {self.request_id}/{self.stage_id}"


def appeal_path(instance, filename):
    # Generated, never the applicant's file name: only checked PDFs are stored.
    return f"appeals/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Appeal(models.Model):
    """申訴 (附錄五): in writing within the days after the results; answered in writing by the office."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="appeals")
    facts = models.TextField(_("facts and reasons"))
    remedy = models.TextField(_("what you ask for"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=appeal_path, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"))
    answer_due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self):
        return f"appeal #{self.pk}"
