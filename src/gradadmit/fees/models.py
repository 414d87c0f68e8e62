"""Fees: payable items, discounts, waiver requests, charges with their virtual accounts, payments, bank statements.

Money is whole NTD in integer fields; the rules that compute it are in fees/amounts.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.core.i18n import pick
from gradadmit.fees import amounts


class CycleBank(models.Model):
    """The collecting bank and the numbering of virtual accounts for one cycle (settings give the defaults)."""

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.CASCADE, related_name="bank")
    bank_name_zh = models.CharField(_("bank name (Chinese)"), max_length=100)
    bank_name_en = models.CharField(_("bank name (English)"), max_length=100, blank=True)
    bank_code = models.CharField(_("bank code"), max_length=3)
    account_prefix = models.CharField(_("virtual account prefix"), max_length=8)
    account_length = models.PositiveSmallIntegerField(_("virtual account length"), default=14)
    check_weights = models.CharField(_("check digit weights"), max_length=40, default="3,7,1")
    check_modulus = models.PositiveSmallIntegerField(_("check digit modulus"), default=10)
    amount_check = models.BooleanField(
        _("amount checking"),
        default=False,
        help_text=_("The check digit also covers the amount and due date; the bank refuses wrong or late transfers."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(check_modulus__in=[10, 11]), name="cyclebank_modulus_10_11"),
        ]
        verbose_name = _("collecting bank")
        verbose_name_plural = _("collecting banks")

    def __str__(self):
        return f"{self.bank_code} {self.bank_name_zh}"


class FeeItem(models.Model):
    """Something a cycle asks applicants to pay: the application fee (everyone), or e.g. an interview fee."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application fee (every application)")
        EXTRA = "extra", _("Extra fee (only applications charged by the office)")

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="fee_items")
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXTRA)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    amount = models.PositiveIntegerField(_("amount (NTD)"))
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, help_text=_("Empty: the end of the cycle's online application.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="feeitem_unique_code"),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(kind="application"), name="feeitem_one_application_fee"
            ),
        ]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")

    def __str__(self):
        return f"{self.code} {self.amount}"

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)


class Discount(models.Model):
    """A lower price the office defines (本校應屆畢業生 600), applied by rule or by staff."""

    item = models.ForeignKey(FeeItem, on_delete=models.CASCADE, related_name="discounts")
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    price = models.PositiveIntegerField(_("price with the discount (NTD)"))
    school_contains = models.CharField(
        _("applies when the school contains"),
        max_length=100,
        blank=True,
        help_text=_("E.g. the institution's name: own graduates get it automatically. Empty: staff apply it."),
    )
    graduating_only = models.BooleanField(_("only for those graduating this year (應屆)"), default=False)

    class Meta:
        ordering = ["item_id", "price"]
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")

    def __str__(self):
        return f"{self.name_zh} {self.price}"

    @property
    def name(self):
        return pick(self.name_zh, self.name_en)

    def matches(self, profile) -> bool:
        if not self.school_contains or profile is None:
            return False
        if self.graduating_only and profile.education_status != "expected":
            return False
        return self.school_contains in (profile.school or "")


class AccountSerial(models.Model):
    """The last serial handed out under one bank and prefix; locked with select_for_update, never goes back."""

    bank_code = models.CharField(max_length=3)
    prefix = models.CharField(max_length=8)
    last_serial = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank_code", "prefix"], name="accountserial_unique")]

    def __str__(self):
        return f"{self.bank_code}/{self.prefix}: {self.last_serial}"


class Charge(models.Model):
    """One item payable by one application: what is due, by when, what has come in."""

    class Status(models.TextChoices):
        UNPAID = amounts.UNPAID, _("Not paid yet (尚未繳費)")
        PAID = amounts.PAID, _("Paid correctly (已正確繳費)")
        PARTIAL = amounts.PARTIAL, _("Amount wrong: less than due")
        OVER = amounts.OVER, _("Amount wrong: more than due")
        WAIVED = amounts.WAIVED, _("Waived (免繳)")
        REFUNDED = amounts.REFUNDED, _("Refunded")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="charges")
    item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="charges")
    base_amount = models.PositiveIntegerField(_("fee (NTD)"))
    discount = models.ForeignKey(Discount, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waiver_percent = models.PositiveSmallIntegerField(_("waiver (percent off)"), default=0)
    amount_due = models.PositiveIntegerField(_("amount due (NTD)"))
    amount_received = models.IntegerField(_("received (NTD)"), default=0)
    amount_refunded = models.PositiveIntegerField(_("refunded (NTD)"), default=0)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNPAID)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application_id", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="charge_once_per_item"),
            models.CheckConstraint(condition=Q(waiver_percent__lte=100), name="charge_waiver_percent_le_100"),
        ]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return f"charge #{self.pk}"

    def recompute_status(self) -> str:
        self.status = amounts.charge_status(
            due=self.amount_due, received=self.amount_received, refunded=self.amount_refunded
        )
        return self.status

    @property
    def is_amount_wrong(self) -> bool:
        return self.status in (self.Status.PARTIAL, self.Status.OVER)

    @property
    def balance(self) -> int:
        """Still to pay (positive) or to give back (negative)."""
        return self.amount_due - self.amount_received


class VirtualAccount(models.Model):
    """A virtual account number of a charge. Numbers are never reused; amount checking may reissue a charge's."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="accounts")
    number = models.CharField(_("virtual account"), max_length=20, unique=True)
    bank_code = models.CharField(max_length=3)
    serial = models.PositiveBigIntegerField()
    amount = models.PositiveIntegerField(null=True, blank=True)  # covered by the check digit (amount checking)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["charge"], condition=Q(is_current=True), name="account_one_current"),
        ]
        verbose_name = _("virtual account")
        verbose_name_plural = _("virtual accounts")

    def __str__(self):
        return self.number


def proof_path(instance, filename):
    return f"fee-waivers/{instance.charge.application_id}/{uuid.uuid4().hex}.{instance.proof_extension}"


class WaiverRequest(models.Model):
    """報名費優待申請 (附件八): the form's data and the proof, decided by staff with a reason."""

    class Category(models.TextChoices):
        LOW_INCOME = amounts.LOW_INCOME, _("Low-income household (低收入戶): fee waived")
        MIDDLE_LOW_INCOME = amounts.MIDDLE_LOW_INCOME, _("Middle-low-income household (中低收入戶): 60 percent off")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office's decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="waiver_requests")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    household_address = models.CharField(_("household registration address (戶籍地址)"), max_length=200, blank=True)
    phone_day = models.CharField(_("phone (day)"), max_length=30, blank=True)
    phone_night = models.CharField(_("phone (evening)"), max_length=30, blank=True)
    phone_mobile = models.CharField(_("mobile phone"), max_length=30, blank=True)
    proof = models.FileField(upload_to=proof_path, max_length=200, blank=True)
    proof_extension = models.CharField(max_length=8, blank=True)
    proof_name = models.CharField(_("original file name"), max_length=200, blank=True)
    proof_content_type = models.CharField(max_length=60, blank=True)
    proof_size = models.PositiveIntegerField(default=0)
    proof_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One request under consideration or granted per charge; a refused one may be followed by another.
            models.UniqueConstraint(
                fields=["charge"], condition=Q(status__in=["pending", "approved"]), name="waiver_one_open"
            ),
        ]
        verbose_name = _("fee waiver request")
        verbose_name_plural = _("fee waiver requests")

    def __str__(self):
        return f"waiver #{self.pk}"

    @property
    def percent(self) -> int:
        return amounts.WAIVER_PERCENT_OFF[self.category]


class StatementImport(models.Model):
    """One bank statement file imported by staff: its lines, and what became of each."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey("cycles.Cycle", null=True, on_delete=models.SET_NULL, related_name="statement_imports")
    file = models.FileField(upload_to="bank-statements/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    bank_format = models.CharField(_("format"), max_length=40, default="gradadmit")
    mapping = models.JSONField(default=dict, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    lines_total = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    amount_wrong = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same file twice at once: the second is refused while the first runs (then it finds duplicates).
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(status__in=["queued", "running"]), name="import_same_file_once_at_a_time"
            ),
        ]
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")

    def __str__(self):
        return f"import #{self.pk} {self.original_name}"


class StatementLine(models.Model):
    """One line of a statement and exactly one outcome; exceptions carry who resolved them and how."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matched and paid")
        AMOUNT_WRONG = "amount_wrong", _("Partial or over payment")
        UNKNOWN = "unknown", _("Unknown account")
        DUPLICATE = "duplicate", _("Duplicate (already imported)")
        INVALID = "invalid", _("Invalid line")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        ASSIGNED = "assigned", _("Assigned to an applicant's charge")
        REFUND = "refund", _("Marked for refund")
        ACCEPTED = "accepted", _("Accepted as it is")
        DISMISSED = "dismissed", _("Not a payment")

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    raw = models.CharField(max_length=500, blank=True)
    value_at = models.DateTimeField(null=True, blank=True)
    account = models.CharField(max_length=40, blank=True)
    amount = models.IntegerField(null=True, blank=True)
    bank_serial = models.CharField(max_length=60, blank=True)
    payer_bank_code = models.CharField(max_length=10, blank=True)
    # Set only on the first line ever seen with a bank serial: the database makes the import idempotent.
    first_serial = models.CharField(max_length=60, null=True, blank=True, unique=True)
    charge = models.ForeignKey(Charge, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_lines")
    resolution = models.CharField(max_length=10, choices=Resolution.choices, default=Resolution.OPEN, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the applicant was told the amount was wrong (so a job run again never tells them twice).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_number"], name="line_once_per_statement"),
        ]
        indexes = [models.Index(fields=["statement", "outcome"])]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self):
        return f"line {self.line_number} of import #{self.statement_id}"

    @property
    def is_exception(self) -> bool:
        return self.outcome in (self.Outcome.AMOUNT_WRONG, self.Outcome.UNKNOWN, self.Outcome.INVALID)

    @property
    def is_open(self) -> bool:
        return self.is_exception and self.resolution == self.Resolution.OPEN


class Payment(models.Model):
    """Money in (positive) or back out (negative, a refund) for a charge; who recorded it and why."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer to the virtual account")
        POSTAL_ORDER = "postal_order", _("Postal money order (郵政匯票)")
        CASH = "cash", _("Cash at the office")
        REFUND = "refund", _("Refund")

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payments")
    amount = models.IntegerField(_("amount (NTD)"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    received_at = models.DateTimeField(_("received"))
    statement_line = models.OneToOneField(
        StatementLine, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_not_zero"),
            models.CheckConstraint(
                condition=Q(method="refund", amount__lt=0) | (~Q(method="refund") & Q(amount__gt=0)),
                name="payment_sign_by_method",
            ),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"payment #{self.pk} {self.amount}"
