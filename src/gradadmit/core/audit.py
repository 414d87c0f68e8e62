"""Write to the audit log: who, when, what, before and after."""

from django.db import models

from gradadmit.core.models import AuditEntry


def snapshot(instance: models.Model, fields) -> dict:
    """JSON-safe values of the named fields, for before/after."""
    data = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[name] = value
    return data


def record_audit(*, actor, action: str, target: models.Model, before=None, after=None, reason: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before or {},
        after=after or {},
        reason=reason,
    )
