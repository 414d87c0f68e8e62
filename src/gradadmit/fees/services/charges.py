"""Charges and their virtual accounts, discounts. One transaction each, audited (core.audit)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.fees import amounts, selectors
from gradadmit.fees.banks import BankConfig, bank_for
from gradadmit.fees.models import (
    AccountSerial,
    Charge,
    Discount,
    FeeItem,
    VirtualAccount,
)
from gradadmit.fees.virtual_accounts import make_account
from gradadmit.notifications.services import notify

CHARGE_FIELDS = ["base_amount", "discount", "waiver_percent", "amount_due", "amount_received", "status"]


def application_fee_item(cycle) -> FeeItem:
    """The cycle's application-fee item, created from Cycle.application_fee the first time it is needed."""
    item = FeeItem.objects.filter(cycle=cycle, kind=FeeItem.Kind.APPLICATION).first()
    if item is not None:
        return item
    try:
        with transaction.atomic():
            return FeeItem.objects.create(
                cycle=cycle,
                kind=FeeItem.Kind.APPLICATION,
                code="application",
                name_zh="報名費",
                name_en="Application fee",
                amount=cycle.application_fee,
            )
    except IntegrityError:
        return FeeItem.objects.get(cycle=cycle, kind=FeeItem.Kind.APPLICATION)


def _default_due_at(application, item):
    if item.due_at:
        return item.due_at
    window = calendar_for(application.program.cycle, application.applicant).window("application")
    if window is not None and window.ends_at is not None:
        return window.ends_at
    return clock.now() + timedelta(days=14)


def _allocate_account(charge: Charge, bank: BankConfig) -> VirtualAccount:
    """A new number from the (bank, prefix) counter, locked so two charges never get the same serial."""
    scheme = bank.scheme
    AccountSerial.objects.get_or_create(bank_code=bank.code, prefix=scheme.prefix)
    counter = AccountSerial.objects.select_for_update().get(bank_code=bank.code, prefix=scheme.prefix)
    counter.last_serial += 1
    if counter.last_serial > scheme.capacity:
        raise DomainError(_("Virtual account numbers of this prefix are used up. Ask the bank for a new prefix."))
    counter.save(update_fields=["last_serial"])
    amount = charge.amount_due if scheme.amount_check else None
    number = make_account(scheme, counter.last_serial, amount=amount, due=clock.local(charge.due_at).date())
    return VirtualAccount.objects.create(
        charge=charge, number=number, bank_code=bank.code, serial=counter.last_serial, amount=amount
    )


def _apply_amount(charge: Charge, bank: BankConfig | None = None) -> None:
    """Recompute what is due and the status; with amount checking, a new number when the amount changed."""
    charge.amount_due = amounts.amount_due(
        charge.base_amount,
        discounted_price=charge.discount.price if charge.discount_id else None,
        waiver_percent=charge.waiver_percent,
    )
    charge.recompute_status()
    charge.save()
    bank = bank or bank_for(charge.application.program.cycle)
    if not bank.scheme.amount_check:
        return
    current = charge.accounts.filter(is_current=True).first()
    if current is not None and current.amount != charge.amount_due:
        VirtualAccount.objects.filter(pk=current.pk).update(is_current=False)
        _allocate_account(charge, bank)


def create_charge(*, application, item: FeeItem, actor=None) -> Charge:
    """The charge of one item for one application, with its virtual account; the existing one if there is one.

    The application fee is charged on demand (the applicant's fee page); extra items (an interview
    fee for those invited) by staff. A discount whose rule matches the applicant's basic details is
    applied. Side effects: audit entry; for a charge staff create, a message and email to the applicant.
    """
    existing = Charge.objects.filter(application=application, item=item).first()
    if existing is not None:
        return existing
    if item.cycle_id != application.program.cycle_id:
        raise DomainError(_("This fee belongs to another cycle."))
    if not application.is_active:
        raise DomainError(_("This application was withdrawn."))
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    discount = next((d for d in item.discounts.all() if d.matches(profile)), None)
    bank = bank_for(application.program.cycle)
    try:
        with transaction.atomic():
            charge = Charge(
                application=application,
                item=item,
                base_amount=item.amount,
                discount=discount,
                amount_due=0,
                due_at=_default_due_at(application, item),
            )
            charge.amount_due = amounts.amount_due(item.amount, discounted_price=discount.price if discount else None)
            charge.recompute_status()
            charge.save()
            _allocate_account(charge, bank)
            record_audit(actor=actor, action="fees.charge_create", target=charge,
                         after=snapshot(charge, CHARGE_FIELDS))  # fmt: skip
            if actor is not None and actor.is_authenticated and actor.pk != application.applicant_id:
                notify(user=application.applicant, template="fees/charge_created",
                       context={"charge": charge, "application": application})  # fmt: skip
    except IntegrityError:
        # Two requests at once: the unique constraint kept one; return it.
        return Charge.objects.get(application=application, item=item)
    return charge


def ensure_application_charge(application) -> Charge:
    return create_charge(application=application, item=application_fee_item(application.program.cycle))


def charges_for_fee_page(application) -> list[Charge]:
    """The application's charges (fees.selectors.charges_of_application), the application fee charged first if it
    is not yet: the applicant's first visit to the fee page charges it. Once charged (the usual case), no query
    more than reading the charges."""
    charges = selectors.charges_of_application(application)
    if application.is_active and not any(charge.item.kind == FeeItem.Kind.APPLICATION for charge in charges):
        ensure_application_charge(application)
        charges = selectors.charges_of_application(application)
    return charges


def apply_discount(*, actor, charge: Charge, discount: Discount | None, reason: str) -> Charge:
    """Give (or with None remove) an office-defined discount; reason required. Side effect: audit entry."""
    if not reason.strip():
        raise DomainError(_("Say why the discount is given or removed."))
    if discount is not None and discount.item_id != charge.item_id:
        raise DomainError(_("This discount belongs to another fee."))
    with transaction.atomic():
        locked = (
            Charge.objects.select_for_update(of=("self",))  # PostgreSQL: no row lock through the outer join
            .select_related("discount", "application__program__cycle")
            .get(pk=charge.pk)
        )
        before = snapshot(locked, CHARGE_FIELDS)
        locked.discount = discount
        _apply_amount(locked)
        record_audit(actor=actor, action="fees.discount", target=locked, before=before,
                     after=snapshot(locked, CHARGE_FIELDS), reason=reason.strip())  # fmt: skip
    return locked
