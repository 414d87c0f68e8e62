"""Payments by hand and refunds. One transaction each, audited (core.audit)."""

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.fees.models import (
    Charge,
    Payment,
)


def add_payment(*, actor, charge_id: int, amount: int, method: str, received_at, note: str, line=None,
                 action: str) -> Payment:  # fmt: skip
    """Record one payment (a refund when negative) on the charge, under its row lock, and audit it as `action`: the
    step every way of paying shares (by hand, a statement line, a practice cycle's sample payment)."""
    charge = Charge.objects.select_for_update().get(pk=charge_id)
    before = snapshot(charge, ["amount_received", "amount_refunded", "status"])
    payment = Payment.objects.create(charge=charge, amount=amount, method=method, received_at=received_at,
                                     statement_line=line, note=note, recorded_by=actor)  # fmt: skip
    charge.amount_received += amount
    if amount < 0:
        charge.amount_refunded += -amount
    charge.recompute_status()
    charge.save(update_fields=["amount_received", "amount_refunded", "status", "updated_at"])
    record_audit(actor=actor, action=action, target=charge, before=before,
                 after={**snapshot(charge, ["amount_received", "amount_refunded", "status"]), "payment": payment.pk},
                 reason=note)  # fmt: skip
    return payment


def record_payment(*, actor, charge: Charge, amount: int, method: str, received_at, note: str) -> Payment:
    """A payment by other means (postal money order, cash at the office), always with a note. Audited."""
    if method not in (Payment.Method.POSTAL_ORDER, Payment.Method.CASH):
        raise DomainError(_("Choose postal money order or cash."))
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("The amount must be a whole number of NTD above zero."))
    if not note.strip():
        raise DomainError(_("Add a note: the money order number, or who paid in cash."))
    with transaction.atomic():
        return add_payment(actor=actor, charge_id=charge.pk, amount=amount, method=method, received_at=received_at,
                            note=note.strip(), action="fees.payment_by_hand")  # fmt: skip


def record_refund(*, actor, charge: Charge, amount: int, note: str) -> Payment:
    """Money given back (found ineligible, paid twice); at most what was received. Audited."""
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("The refund must be a whole number of NTD above zero."))
    if not note.strip():
        raise DomainError(_("Say why the money is refunded and how."))
    with transaction.atomic():
        received = Charge.objects.select_for_update().values_list("amount_received", flat=True).get(pk=charge.pk)
        if amount > received:
            raise DomainError(
                _("Only NT$ %(received)s was received; a refund cannot be larger.") % {"received": f"{received:,}"}
            )
        return add_payment(actor=actor, charge_id=charge.pk, amount=-amount, method=Payment.Method.REFUND,
                            received_at=clock.now(), note=note.strip(), action="fees.refund")  # fmt: skip
