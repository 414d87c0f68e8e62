"""API tokens (stored hashed, scoped to programmes, read or read-write), the call log, idempotent writes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceAccount(models.Model):
    """A user that is another system (the registrar's student system, a department's tool), never a person.

    Its user has no usable password (it cannot sign in to the pages) and the department-staff role: it sees the
    programmes the office assigns to it, through the same scoping code as a staff member's pages.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_account")
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """A bearer token: `ga_<prefix>_<secret>`; only the prefix (to find it) and a SHA-256 of the whole are kept."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    programs = models.ManyToManyField("cycles.Program", related_name="+", verbose_name=_("programmes"))
    access = models.CharField(_("access"), max_length=12, choices=Access.choices, default=Access.READ)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} (ga_{self.prefix}_…)"

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE

    def is_usable(self, at) -> bool:
        return self.revoked_at is None and self.expires_at > at


class ApiCall(models.Model):
    """One call made with a token: who, what, when, with which outcome (no bodies: they hold personal data)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="calls")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["token", "-at"])]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class IdempotentWrite(models.Model):
    """A write made with a client's Idempotency-Key: the same key again replays the stored answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")]
        verbose_name = _("idempotent API write")
        verbose_name_plural = _("idempotent API writes")

    def __str__(self):
        return f"{self.operation} {self.key}"
