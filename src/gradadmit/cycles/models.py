"""Cycles (招生考試), milestones, programmes (系所組別), document items, stages, forms, extensions."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.core.i18n import pick
from gradadmit.core.numbers import percent
from gradadmit.cycles.configuration import ConfigurationQuerySet


class CycleQuerySet(models.QuerySet):
    def real(self):
        """Cycles that count: a practice cycle (模擬報名) never reaches real lists, exports or statistics."""
        return self.filter(is_practice=False)

    def practice(self):
        return self.filter(is_practice=True)


class Cycle(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    institution_zh = models.CharField(_("institution (Chinese)"), max_length=200, blank=True)
    institution_en = models.CharField(_("institution (English)"), max_length=200, blank=True)
    application_fee = models.PositiveIntegerField(_("application fee (NTD)"), default=900)
    is_published = models.BooleanField(_("published"), default=False)
    # A practice copy (模擬報名, practice app): anyone may register on it and walk the whole flow; nothing of it
    # reaches real lists, and its data is wiped on a schedule and when the office closes it.
    is_practice = models.BooleanField(_("practice cycle (模擬報名)"), default=False, editable=False)
    cloned_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Changes with every change of the configuration pages read on every request (cycles.configuration): each process
    # keeps what it loaded under this version.
    config_version = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "code"]
        verbose_name = _("admission cycle")
        verbose_name_plural = _("admission cycles")

    def __str__(self):
        return self.name_zh

    def save(self, *args, **kwargs):
        # A new version on every save: a copy loaded before a configuration change must not bring the old one back.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "config_version" in update_fields:
            self.config_version = uuid.uuid4()
        super().save(*args, **kwargs)

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)

    @property
    def institution(self):
        return pick(self.institution_zh, self.institution_en)


class Milestone(models.Model):
    """One dated step of the cycle's calendar; deadlines are data, read through core.deadlines."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Brochure published")
        APPLICATION = "application", _("Online application")
        COMMITTEE_REVIEW = "committee_review", _("Equivalent-qualification committee review")
        DOCUMENTS = "documents", _("Document upload")
        RECOMMENDATIONS = "recommendations", _("Recommendation letters")
        ELIGIBILITY_RESULT = "eligibility_result", _("Eligibility result and stage-1 list")
        INTERVIEW = "interview", _("Oral interview (stage 2)")
        SCORE_RELEASE = "score_release", _("Scores online")
        REGRADE = "regrade", _("Regrade requests")
        RESULTS = "results", _("Results announced")
        APPEAL = "appeal", _("Appeals")
        CHECKIN = "checkin", _("Check-in of admitted applicants")
        WAITLIST_PROMOTION = "waitlist_promotion", _("Waitlist promotion")

    class Scope(models.TextChoices):
        ALL = "all", _("All applicants")
        ARTICLE_7 = "article7", _("Article 7 equivalent qualification")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("step"), max_length=30, choices=Kind.choices)
    scope = models.CharField(_("applies to"), max_length=20, choices=Scope.choices, default=Scope.ALL)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    note_zh = models.CharField(_("note (Chinese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    objects = ConfigurationQuerySet.as_manager()
    configuration_cycle = "cycle_id"  # cycles.configuration: a write changes this cycle's version

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind", "scope"], name="milestone_unique_kind_scope"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="milestone_ends_after_start",
            ),
        ]
        verbose_name = _("calendar step")
        verbose_name_plural = _("calendar")

    def __str__(self):
        return f"{self.cycle.code} {self.kind}/{self.scope}"

    @property
    def note(self):
        return pick(self.note_zh, self.note_en)


class Program(models.Model):
    class Degree(models.TextChoices):
        MASTER = "master", _("Master's (碩士)")
        PHD = "phd", _("PhD (博士)")

    class RecommendationPolicy(models.TextChoices):
        NONE = "none", _("No letters")
        OPTIONAL = "optional", _("Optional (選繳)")
        AT_LEAST = "at_least", _("At least N letters (至少N封)")

    class RecommendationFormat(models.TextChoices):
        UPLOAD = "upload", _("PDF letter")
        FORM = "form", _("Structured form")
        EITHER = "either", _("PDF letter or structured form")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="programs")
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    department_zh = models.CharField(_("department (Chinese)"), max_length=200)
    department_en = models.CharField(_("department (English)"), max_length=200, blank=True)
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, default=Degree.MASTER)
    quota_general = models.PositiveSmallIntegerField(_("quota, general"), default=0)
    quota_in_service = models.PositiveSmallIntegerField(_("quota, in-service"), default=0)
    waitlist_general = models.PositiveSmallIntegerField(_("waitlist size, general"), default=0)
    waitlist_in_service = models.PositiveSmallIntegerField(_("waitlist size, in-service"), default=0)
    quota_flows = models.BooleanField(
        _("unfilled places flow to the other identity"),
        default=True,
    )
    recommendation_policy = models.CharField(
        _("recommendation letters"),
        max_length=10,
        choices=RecommendationPolicy.choices,
        default=RecommendationPolicy.OPTIONAL,
    )
    recommendations_required = models.PositiveSmallIntegerField(_("letters required (至少N封)"), default=0)
    recommendation_format = models.CharField(
        _("letter format"), max_length=10, choices=RecommendationFormat.choices, default=RecommendationFormat.EITHER
    )
    stage1_pass_rule_zh = models.TextField(_("stage-1 pass rule (Chinese)"), blank=True)
    stage1_pass_rule_en = models.TextField(_("stage-1 pass rule (English)"), blank=True)
    minimum_standard = models.DecimalField(
        _("minimum admission standard"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    description_zh = models.TextField(_("selection method (Chinese)"), blank=True)
    description_en = models.TextField(_("selection method (English)"), blank=True)
    max_total_upload_mb = models.PositiveSmallIntegerField(
        _("total upload limit per application (MB)"),
        null=True,
        blank=True,
        help_text=_("Empty: no total limit. The national system uses 10 MB."),
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=60, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProgramAssignment",
        related_name="assigned_programs",
        blank=True,
    )

    class Meta:
        ordering = ["cycle_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="program_unique_code_per_cycle"),
            models.CheckConstraint(
                condition=~Q(recommendation_policy="at_least") | Q(recommendations_required__gte=1),
                name="program_at_least_needs_n",
            ),
        ]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return f"{self.code} {self.name_zh}"

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)

    @property
    def department(self):
        return pick(self.department_zh, self.department_en)

    @property
    def stage1_pass_rule(self):
        return pick(self.stage1_pass_rule_zh, self.stage1_pass_rule_en)

    @property
    def description(self):
        return pick(self.description_zh, self.description_en)

    @property
    def total_quota(self):
        return self.quota_general + self.quota_in_service

    def quota_for(self, identity: str) -> int:
        return self.quota_in_service if identity == "in_service" else self.quota_general

    def offers_identity(self, identity: str) -> bool:
        return self.quota_for(identity) > 0


class ProgramAssignment(models.Model):
    """Department staff see and change only the programmes assigned to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "program"], name="assignment_unique")]
        verbose_name = _("programme assignment")
        verbose_name_plural = _("programme assignments")

    def __str__(self):
        return f"{self.user_id} → {self.program_id}"


class SelectionStage(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT_REVIEW = "document_review", _("Stage 1: document review (書面審查)")
        INTERVIEW = "interview", _("Stage 2: oral interview (口試)")
        WRITTEN = "written", _("Written test (筆試)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)

    class Meta:
        ordering = ["program_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="stage_unique_order"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=1), name="stage_weight_0_1"),
        ]
        verbose_name = _("selection stage")
        verbose_name_plural = _("selection stages")

    def __str__(self):
        return f"{self.program.code} {self.kind} {self.weight}"

    @property
    def notes(self):
        return pick(self.notes_zh, self.notes_en)

    @property
    def weight_percent(self):
        return percent(self.weight)


class FormTemplate(models.Model):
    """A downloadable form of the brochure (附件): 學經歷表, 推薦函, 服務年資證明書 …"""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="forms")
    code = models.SlugField(_("code"), max_length=40)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="forms/", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ConfigurationQuerySet.as_manager()
    configuration_cycle = "cycle_id"  # cycles.configuration: a write changes this cycle's version

    class Meta:
        ordering = ["cycle_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="form_unique_code")]
        verbose_name = _("downloadable form")
        verbose_name_plural = _("downloadable forms")

    def __str__(self):
        return self.title_zh

    @property
    def title(self):
        return pick(self.title_zh, self.title_en)


class DocumentRequirement(models.Model):
    class AppliesTo(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        IN_SERVICE = "in_service", _("In-service applicants only")
        EQUIVALENT = "equivalent", _("Equivalent-qualification applicants only")

    class FileKind(models.TextChoices):
        PDF = "pdf", _("PDF")
        PHOTO = "photo", _("Photo (JPEG/PNG)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="document_requirements")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    instructions_zh = models.TextField(_("instructions (Chinese)"), blank=True)
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    applies_to = models.CharField(_("who must give it"), max_length=20, choices=AppliesTo.choices, default="everyone")
    file_kind = models.CharField(_("file type"), max_length=10, choices=FileKind.choices, default=FileKind.PDF)
    max_size_mb = models.PositiveSmallIntegerField(_("size limit (MB)"), default=5)
    max_pages = models.PositiveSmallIntegerField(_("page limit"), null=True, blank=True)
    needs_initial_check = models.BooleanField(
        _("initial check by staff (初審)"),
        default=False,
        help_text=_("Photos and degree proof: staff pass them or ask for a replacement."),
    )
    template = models.ForeignKey(
        FormTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("template")
    )

    objects = ConfigurationQuerySet.as_manager()
    configuration_cycle = "program__cycle_id"  # cycles.configuration: a write changes this cycle's version

    class Meta:
        ordering = ["program_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="requirement_unique_code")]
        verbose_name = _("document item")
        verbose_name_plural = _("document items")

    def __str__(self):
        return f"{self.program.code} {self.name_zh}"

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)

    @property
    def instructions(self):
        return pick(self.instructions_zh, self.instructions_en)

    def applies_to_application(self, *, identity: str, education_status: str) -> bool:
        if self.applies_to == self.AppliesTo.IN_SERVICE:
            return identity == "in_service"
        if self.applies_to == self.AppliesTo.EQUIVALENT:
            return education_status == "equivalent"
        return True


class DeadlineExtension(models.Model):
    """More time for one applicant or for all, after an incident; who granted it and why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="extensions")
    kind = models.CharField(_("step"), max_length=30, choices=Milestone.Kind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_extensions",
        help_text=_("Empty: the extension applies to every applicant."),
        verbose_name=_("applicant"),
    )
    extended_until = models.DateTimeField(_("extended until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConfigurationQuerySet.as_manager()
    configuration_cycle = "cycle_id"  # cycles.configuration: a write changes this cycle's version

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self):
        return f"{self.cycle.code} {self.kind} → {self.extended_until:%Y-%m-%d %H:%M}"
