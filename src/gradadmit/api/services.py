"""Writes of the API's own data: service accounts, tokens (create, revoke), the call log, idempotent writes.

A token's secret exists only in the creation's return value: what is stored is its prefix (to find the row)
and a SHA-256 of the whole token (a 256-bit random secret needs no slow hash). Every change is audited.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.api.models import ApiCall, ApiToken, IdempotentWrite, ServiceAccount
from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.models import Program, ProgramAssignment

TOKEN_PREFIX = "ga"
MAX_DAYS = 366
TOKEN_FIELDS = ["name", "access", "expires_at", "revoked_at"]


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> str | None:
    """The prefix of a well-formed token (`ga_<12 hex>_<secret>`), or None."""
    parts = token.split("_", 2)  # the secret itself may hold "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1]


def token_matches(token: ApiToken, presented: str) -> bool:
    return hmac.compare_digest(token.secret_hash, hash_secret(presented))


def create_service_account(*, actor, name: str) -> ServiceAccount:
    """The office adds another system as a user without a password (it cannot sign in). Audited."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office creates service accounts."))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the service account a name, e.g. the system that will use it."))
    User = get_user_model()
    with transaction.atomic():
        if ServiceAccount.objects.filter(name__iexact=name).exists():
            raise DomainError(_("A service account of this name exists already."))
        user = User(email=f"service-{secrets.token_hex(6)}@service.invalid", staff_role=User.StaffRole.DEPARTMENT)
        user.set_unusable_password()
        user.save()
        account = ServiceAccount.objects.create(user=user, name=name, created_by=actor)
        record_audit(actor=actor, action="api.service_account_create", target=account, after={"name": name})
    return account


def create_token(
    *, actor, name: str, programs, access: str, days: int, service_account: ServiceAccount | None = None
) -> tuple[ApiToken, str]:
    """A token for the actor, or (the office only) for a service account; returns (token, secret shown once).

    The programmes must be ones the actor may see; for a service account the office assigns it to them, so the
    account sees them through the same scoping as staff (core.scoping). Side effect: audit entry.
    """
    name = name.strip()
    programs = list(programs)
    if not name:
        raise DomainError(_("Give the token a name that says where it is used."))
    if not programs:
        raise DomainError(_("Choose at least one programme."))
    if access not in ApiToken.Access.values:
        raise DomainError(_("Choose read only or read and write."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A token lasts from 1 to %(days)s days.") % {"days": MAX_DAYS})
    if not actor.is_portal_staff:
        raise DomainError(_("Only staff create API tokens."))
    if service_account is not None and not actor.is_office:
        raise DomainError(_("Only the admissions office creates tokens for service accounts."))
    visible = set(Program.objects.filter(staff_program_q(actor)).values_list("pk", flat=True))
    if any(program.pk not in visible for program in programs):
        raise DomainError(_("You may only choose programmes you can see yourself."))
    owner = service_account.user if service_account is not None else actor
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner, name=name, prefix=prefix, secret_hash=hash_secret(secret), access=access,
            expires_at=clock.now() + timedelta(days=days), created_by=actor,
        )  # fmt: skip
        token.programs.set(programs)
        if service_account is not None:
            ProgramAssignment.objects.bulk_create(
                [ProgramAssignment(user=owner, program=program) for program in programs], ignore_conflicts=True
            )
        record_audit(actor=actor, action="api.token_create", target=token,
                     after={"name": name, "access": access, "owner": owner.pk, "days": days,
                            "programs": sorted(p.pk for p in programs)})  # fmt: skip
    return token, secret


def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    """The token stops working at once (the next call is a 401). Audited; revoking twice changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at, locked.revoked_by = clock.now(), actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record_audit(
            actor=actor, action="api.token_revoke", target=locked, after={"revoked_at": str(locked.revoked_at)}
        )
    return locked


def log_call(*, token_id: int, method: str, path: str, status: int, at, duration_ms: int) -> None:
    """One row per call; the token's last use is kept on the token for the list page."""
    ApiCall.objects.create(token_id=token_id, method=method, path=path[:300], status=status, at=at,
                           duration_ms=duration_ms)  # fmt: skip
    ApiToken.objects.filter(pk=token_id).update(last_used_at=at)


class KeyReused(DomainError):
    """The Idempotency-Key was used before for a different request."""


def run_once(*, user, key: str, operation: str, request_hash: str, write) -> tuple[int, dict, bool]:
    """Run `write()` -> (status, body) once per (user, key); the same key again returns the first answer.

    The answer is stored in the write's own transaction, so a write that fails stores nothing and may be retried
    with the same key; two calls racing with one key: the database's unique constraint lets one through, the
    other replays its answer. Returns (status, body, replayed).
    """
    found = IdempotentWrite.objects.filter(user=user, key=key).first()
    if found is not None:
        return _replay(found, operation, request_hash)
    try:
        with transaction.atomic():
            status, body = write()
            if status < 300:
                IdempotentWrite.objects.create(user=user, key=key, operation=operation, request_hash=request_hash,
                                               status=status, response=body)  # fmt: skip
    except IntegrityError:
        found = IdempotentWrite.objects.filter(user=user, key=key).first()
        if found is None:
            raise
        return _replay(found, operation, request_hash)
    return status, body, False


def _replay(found: IdempotentWrite, operation: str, request_hash: str) -> tuple[int, dict, bool]:
    if found.operation != operation or found.request_hash != request_hash:
        raise KeyReused(
            _("This Idempotency-Key was used for a different request. Use a new key for a new write."), code="key"
        )
    return found.status, found.response, True
