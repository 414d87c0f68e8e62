"""Every change of money: charges and their virtual accounts, discounts, waivers, payments, refunds, statement imports.

Each function is one transaction and writes the audit log (core.audit): who, when, before, after.
"""

import hashlib
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.core.uploads import (
    MB,
    UploadRejected,
    check_pdf,
    check_photo,
    clean_filename,
    human_size,
    store_file,
)
from gradadmit.fees import amounts, statements
from gradadmit.fees.banks import BankConfig, bank_for, default_bank
from gradadmit.fees.models import (
    AccountSerial,
    Charge,
    Discount,
    FeeItem,
    Payment,
    StatementImport,
    StatementLine,
    VirtualAccount,
    WaiverRequest,
)
from gradadmit.fees.virtual_accounts import InvalidAccount, make_account, validate
from gradadmit.notifications.services import notify

CHARGE_FIELDS = ["base_amount", "discount", "waiver_percent", "amount_due", "amount_received", "status"]
PROOF_MAX_BYTES = 5 * MB
BATCH_SIZE = 2000


def statement_max_bytes() -> int:
    return int(getattr(settings, "GRADADMIT_STATEMENT_MAX_MB", 30)) * MB


def statement_sync_bytes() -> int:
    """Files up to this size are imported during the request; larger ones by the task worker."""
    return int(getattr(settings, "GRADADMIT_STATEMENT_SYNC_KB", 512)) * 1024


# --- Charges and virtual accounts --------------------------------------------------------------------------


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


# --- Waivers (報名費優待, 附件八) -----------------------------------------------------------------------------


def check_proof(upload):
    """The proof as documents are checked: a real PDF (active content removed) or a JPEG/PNG photo."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head.startswith(b"%PDF"):
        return check_pdf(upload, max_bytes=PROOF_MAX_BYTES, max_pages=20)
    return check_photo(upload, max_bytes=PROOF_MAX_BYTES)


def request_waiver(*, applicant, charge: Charge, category: str, household_address: str, phone_mobile: str,
                   phone_day: str = "", phone_night: str = "", upload=None) -> WaiverRequest:  # fmt: skip
    """The applicant asks for the low-income (100 %) or middle-low-income (60 %) waiver with proof.

    Refused when the charge is not the applicant's application fee, is already paid, or a request
    is pending or granted. No message (the page shows the request); staff decide it.
    """
    if charge.application.applicant_id != applicant.id or not charge.application.is_active:
        raise DomainError(_("This fee is not yours."))
    if charge.item.kind != FeeItem.Kind.APPLICATION:
        raise DomainError(_("Waivers apply to the application fee only."))
    if category not in WaiverRequest.Category.values:
        raise DomainError(_("Choose low-income or middle-low-income household."))
    if not household_address.strip() or not phone_mobile.strip():
        raise DomainError(_("Fill in the household registration address and a mobile phone number."))
    if upload is None:
        raise UploadRejected(_("Upload the certificate of your low-income or middle-low-income household."))
    if charge.amount_received > 0:
        raise DomainError(
            _("You have already paid this fee. Contact the admissions office about a refund after a waiver.")
        )
    checked = check_proof(upload)
    waiver = WaiverRequest(
        charge=charge,
        category=category,
        household_address=household_address.strip()[:200],
        phone_day=phone_day.strip()[:30],
        phone_night=phone_night.strip()[:30],
        phone_mobile=phone_mobile.strip()[:30],
        proof_extension=checked.extension,
        proof_name=clean_filename(upload.name),
        proof_content_type=checked.content_type,
        proof_size=checked.size,
        proof_sha256=checked.sha256,
        requested_by=applicant,
        requested_at=clock.now(),
    )
    upload.seek(0)
    store_file(waiver.proof, "proof", ContentFile(checked.content) if checked.content is not None else File(upload))
    try:
        with transaction.atomic():
            Charge.objects.select_for_update().get(pk=charge.pk)
            if WaiverRequest.objects.filter(charge=charge, status__in=["pending", "approved"]).exists():
                raise DomainError(_("A waiver request for this fee is already being considered or was granted."))
            waiver.save()
            record_audit(actor=applicant, action="fees.waiver_request", target=waiver,
                         after=snapshot(waiver, ["category", "status", "charge"]))  # fmt: skip
    except (DomainError, IntegrityError) as error:
        waiver.proof.delete(save=False)
        if isinstance(error, IntegrityError):
            raise DomainError(_("A waiver request for this fee is already being considered.")) from error
        raise
    return waiver


def withdraw_waiver(*, applicant, waiver: WaiverRequest) -> WaiverRequest:
    with transaction.atomic():
        locked = WaiverRequest.objects.select_for_update().get(pk=waiver.pk)
        if locked.requested_by_id != applicant.id or locked.status != WaiverRequest.Status.PENDING:
            raise DomainError(_("Only a request still waiting for the decision can be withdrawn."))
        locked.status = WaiverRequest.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        record_audit(actor=applicant, action="fees.waiver_withdraw", target=locked,
                     before={"status": "pending"}, after={"status": locked.status})  # fmt: skip
    return locked


def _set_waiver_on_charge(charge_id: int, percent: int) -> tuple[Charge, dict]:
    charge = (
        Charge.objects.select_for_update(of=("self",))
        .select_related("discount", "application__program__cycle")
        .get(pk=charge_id)
    )
    before = snapshot(charge, CHARGE_FIELDS)
    charge.waiver_percent = percent
    _apply_amount(charge)
    return charge, before


def decide_waiver(*, actor, waiver: WaiverRequest, approve: bool, reason: str) -> WaiverRequest:
    """Approve (the due amount drops by the category's percentage) or refuse, with a reason.

    Side effects: audit entries (the request and the charge), a message and email to the applicant.
    """
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision; the applicant reads it."))
    with transaction.atomic():
        locked = WaiverRequest.objects.select_for_update().get(pk=waiver.pk)
        if locked.status != WaiverRequest.Status.PENDING:
            raise DomainError(_("This request was already decided or withdrawn."))
        before = snapshot(locked, ["status", "reason"])
        locked.status = WaiverRequest.Status.APPROVED if approve else WaiverRequest.Status.REJECTED
        locked.reason, locked.decided_by, locked.decided_at = reason.strip(), actor, clock.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        record_audit(actor=actor, action="fees.waiver_decide", target=locked, before=before,
                     after=snapshot(locked, ["status", "reason"]), reason=reason.strip())  # fmt: skip
        charge = locked.charge
        if approve:
            charge, charge_before = _set_waiver_on_charge(locked.charge_id, locked.percent)
            record_audit(actor=actor, action="fees.waiver_applied", target=charge, before=charge_before,
                         after=snapshot(charge, CHARGE_FIELDS), reason=reason.strip())  # fmt: skip
        notify(user=charge.application.applicant, template="fees/waiver_decided",
               context={"waiver": locked, "charge": charge, "application": charge.application})  # fmt: skip
    return locked


def waive_by_hand(*, actor, charge: Charge, category: str, reason: str) -> WaiverRequest:
    """Staff record a waiver decided on paper (附件八 handed in at the office): approved at once, with the reason."""
    if category not in WaiverRequest.Category.values:
        raise DomainError(_("Choose low-income or middle-low-income household."))
    if not reason.strip():
        raise DomainError(_("Say why (e.g. the certificate seen at the office)."))
    with transaction.atomic():
        Charge.objects.select_for_update().get(pk=charge.pk)
        if WaiverRequest.objects.filter(charge=charge, status__in=["pending", "approved"]).exists():
            raise DomainError(_("This fee already has a waiver request; decide that one."))
        now = clock.now()
        waiver = WaiverRequest.objects.create(
            charge=charge, category=category, status=WaiverRequest.Status.APPROVED, requested_by=actor,
            requested_at=now, decided_by=actor, decided_at=now, reason=reason.strip(),
        )  # fmt: skip
        updated, before = _set_waiver_on_charge(charge.pk, waiver.percent)
        record_audit(actor=actor, action="fees.waiver_by_hand", target=updated, before=before,
                     after=snapshot(updated, CHARGE_FIELDS), reason=reason.strip())  # fmt: skip
        notify(user=updated.application.applicant, template="fees/waiver_decided",
               context={"waiver": waiver, "charge": updated, "application": updated.application})  # fmt: skip
    return waiver


# --- Payments by hand and refunds ----------------------------------------------------------------------------


def _add_payment(*, actor, charge_id: int, amount: int, method: str, received_at, note: str, line=None,
                 action: str) -> Payment:  # fmt: skip
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
        return _add_payment(actor=actor, charge_id=charge.pk, amount=amount, method=method, received_at=received_at,
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
        return _add_payment(actor=actor, charge_id=charge.pk, amount=-amount, method=Payment.Method.REFUND,
                            received_at=clock.now(), note=note.strip(), action="fees.refund")  # fmt: skip


# --- Bank statement import -----------------------------------------------------------------------------------


def start_statement_import(*, actor, cycle, upload, bank_format: str = "gradadmit",
                           mapping_text: str = "") -> StatementImport:  # fmt: skip
    """Check the file's size, encoding and header, store it, import it (now if small, else by the worker).

    A refused file (empty, not text, too large, columns missing) changes nothing. The same file
    imported while it is still being imported is refused; imported again later, every line is a
    duplicate. Side effects: the stored file, audit entry, maybe a task.
    """
    mapping = statements.parse_mapping(mapping_text)
    columns = statements.columns_for(bank_format, mapping)
    size = upload.size
    if size == 0:
        raise statements.StatementRejected(_("The file is empty (0 bytes). Export the statement from the bank again."))
    if size > statement_max_bytes():
        raise statements.StatementRejected(
            _("The file is %(size)s; statements may be at most %(limit)s. Split it into several files.")
            % {"size": human_size(size), "limit": human_size(statement_max_bytes())}
        )
    upload.seek(0)
    text, encoding = statements.open_text(upload)
    next(iter(statements.read_statement(text, columns)), None)  # header check only
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    statement = StatementImport(
        cycle=cycle, original_name=clean_filename(upload.name), size=size, sha256=digest.hexdigest(),
        bank_format=bank_format, mapping=mapping, encoding=encoding, imported_by=actor,
    )  # fmt: skip
    statement.file.save("statement.csv", File(upload), save=False)
    try:
        with transaction.atomic():
            statement.save()
            record_audit(actor=actor, action="fees.statement_import", target=statement,
                         after={"file": statement.original_name, "sha256": statement.sha256, "size": size})  # fmt: skip
    except IntegrityError as error:
        statement.file.delete(save=False)
        raise DomainError(
            _("This file is being imported right now (by you or a colleague). Wait for that import to finish.")
        ) from error
    if size <= statement_sync_bytes():
        import_statement(statement_id=statement.pk)
        statement.refresh_from_db()
    else:
        from gradadmit.fees.tasks import import_statement_task

        with transaction.atomic():
            jobs.enqueue(import_statement_task, statement_id=statement.pk)
    return statement


def import_statement(*, statement_id: int) -> StatementImport:
    """Read the stored file in one pass and import it in batches (memory stays flat whatever the file size).

    Idempotent and resumable: a finished import is left alone; lines already seen (by bank serial) are
    duplicates; an import whose worker died goes on after the last batch it committed (batches are atomic and
    written in file order), so no line, payment or audit entry is written twice. Counts are read back at the end.
    """
    claimed = StatementImport.objects.filter(
        pk=statement_id, status__in=[StatementImport.Status.QUEUED, StatementImport.Status.RUNNING]
    ).update(status=StatementImport.Status.RUNNING)
    statement = StatementImport.objects.select_related("cycle", "imported_by").get(pk=statement_id)
    if not claimed:
        return statement
    bank = bank_for(statement.cycle) if statement.cycle_id else default_bank()
    counts = Counter()
    resume_after = statement.lines.aggregate(last=Max("line_number"))["last"] or 0
    try:
        with statement.file.open("rb") as binary:
            text, _encoding = statements.open_text(binary)
            columns = statements.columns_for(statement.bank_format, statement.mapping)
            batch = []
            for parsed in statements.read_statement(text, columns):
                if parsed.line_number <= resume_after:
                    continue  # imported by an earlier run of this job
                batch.append(parsed)
                if len(batch) >= BATCH_SIZE:
                    _import_batch(statement, batch, counts, bank)
                    batch = []
            if batch:
                _import_batch(statement, batch, counts, bank)
    except Exception as error:
        message = str(error) if isinstance(error, DomainError) else type(error).__name__
        StatementImport.objects.filter(pk=statement_id).update(
            status=StatementImport.Status.FAILED, error=message[:300], finished_at=clock.now(), **_count_fields(counts)
        )
        if not isinstance(error, DomainError):
            raise
        statement.refresh_from_db()
        return statement
    counts = Counter(dict(statement.lines.order_by().values_list("outcome").annotate(n=Count("pk"))))
    with transaction.atomic():  # done, and the messages about wrong amounts queued, together
        StatementImport.objects.filter(pk=statement_id).update(
            status=StatementImport.Status.DONE, finished_at=clock.now(), **_count_fields(counts)
        )
        if counts[StatementLine.Outcome.AMOUNT_WRONG]:
            from gradadmit.fees.tasks import notify_amount_wrong_task

            jobs.enqueue(notify_amount_wrong_task, statement_id=statement_id)
    statement.refresh_from_db()
    return statement


def _count_fields(counts: Counter) -> dict:
    outcome = StatementLine.Outcome
    return {
        "lines_total": sum(counts.values()),
        "matched": counts[outcome.MATCHED],
        "amount_wrong": counts[outcome.AMOUNT_WRONG],
        "unknown": counts[outcome.UNKNOWN],
        "duplicate": counts[outcome.DUPLICATE],
        "invalid": counts[outcome.INVALID],
    }


def _diagnose_unknown(bank: BankConfig, parsed) -> str:
    """Why an account is not ours: malformed, wrong check digit, or simply unknown (returns '' then)."""
    try:
        validate(bank.scheme, parsed.account, amount=parsed.amount if bank.scheme.amount_check else None)
    except InvalidAccount as error:
        return f"account {parsed.account}: {error}"
    return ""


def _import_batch(statement, batch, counts: Counter, bank: BankConfig, attempts: int = 3) -> None:
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                _import_batch_once(statement, batch, counts, bank)
            return
        except IntegrityError:
            # Another import took a bank serial between our read and our write: read again, it is a duplicate now.
            if attempt == attempts - 1:
                raise


def _import_batch_once(statement, batch, counts: Counter, bank: BankConfig) -> None:
    outcome = StatementLine.Outcome
    serials = {line.bank_serial for line in batch if line.bank_serial}
    seen = set(StatementLine.objects.filter(first_serial__in=serials).values_list("first_serial", flat=True))
    numbers = {line.account for line in batch if line.account and not line.blank}
    charge_of = dict(VirtualAccount.objects.filter(number__in=numbers).values_list("number", "charge_id"))
    charges = {
        row[0]: list(row[1:])
        for row in Charge.objects.select_for_update()
        .filter(pk__in=set(charge_of.values()))
        .values_list("pk", "amount_due", "amount_received", "amount_refunded", "status")
    }
    before = {pk: (values[1], values[3]) for pk, values in charges.items()}
    now = clock.now()
    lines, paid = [], []
    batch_counts = Counter()
    for parsed in batch:
        line = StatementLine(
            statement=statement, line_number=parsed.line_number, raw=parsed.raw, value_at=parsed.value_at,
            account=parsed.account, amount=parsed.amount, bank_serial=parsed.bank_serial,
            payer_bank_code=parsed.payer_bank_code,
        )  # fmt: skip
        if parsed.blank:
            line.outcome, line.reason = outcome.INVALID, parsed.error
            line.resolution, line.resolution_note, line.resolved_at = "dismissed", "blank line", now
        elif parsed.bank_serial and parsed.bank_serial in seen:
            line.outcome, line.reason = outcome.DUPLICATE, f"bank serial {parsed.bank_serial} already imported"
        else:
            if parsed.bank_serial:
                seen.add(parsed.bank_serial)
                line.first_serial = parsed.bank_serial
            charge_id = charge_of.get(parsed.account)
            if parsed.error:
                line.outcome, line.reason = outcome.INVALID, parsed.error
            elif charge_id is None:
                reason = _diagnose_unknown(bank, parsed)
                line.outcome = outcome.INVALID if reason else outcome.UNKNOWN
                line.reason = reason or f"no charge has the virtual account {parsed.account}"
            else:
                values = charges[charge_id]
                values[1] += parsed.amount
                values[3] = amounts.charge_status(due=values[0], received=values[1], refunded=values[2])
                line.charge_id = charge_id
                if values[3] == amounts.PAID:
                    line.outcome = outcome.MATCHED
                else:
                    line.outcome = outcome.AMOUNT_WRONG
                    line.reason = f"received NT$ {values[1]:,} in all, NT$ {values[0]:,} due"
                paid.append(line)
        batch_counts[line.outcome] += 1
        lines.append(line)
    StatementLine.objects.bulk_create(lines)
    Payment.objects.bulk_create(
        Payment(charge_id=line.charge_id, amount=line.amount, method=Payment.Method.BANK,
                received_at=line.value_at or now, statement_line=line, recorded_by=statement.imported_by,
                note=f"{statement.original_name} line {line.line_number}")
        for line in paid
    )  # fmt: skip
    if charges:
        table = connection.ops.quote_name(Charge._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET amount_received = %s, status = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                [(values[1], values[3], now, pk) for pk, values in charges.items() if before[pk][0] != values[1]],
            )
        actor_id = statement.imported_by_id
        AuditEntry.objects.bulk_create(
            AuditEntry(actor_id=actor_id, action="fees.payment_imported", target_type="fees.charge", target_id=str(pk),
                       before={"amount_received": before[pk][0], "status": before[pk][1]},
                       after={"amount_received": values[1], "status": values[3]},
                       reason=f"statement import #{statement.pk}")
            for pk, values in charges.items() if before[pk][0] != values[1]
        )  # fmt: skip
    counts.update(batch_counts)
    StatementImport.objects.filter(pk=statement.pk).update(lines_total=sum(counts.values()))


def resolve_line(*, actor, line: StatementLine, action: str, note: str, charge: Charge | None = None) -> StatementLine:
    """Close an exception with a note: assign the money to a charge, mark it for refund, accept it, or dismiss it.

    assign: an unknown or invalid line with a positive amount becomes a payment of `charge`.
    refund: the money goes back; for a line already paid into a charge, a refund of its amount is recorded.
    accept: a partial or over payment stays as it is (the applicant pays the rest, or was told).
    dismiss: not a payment (a blank or garbage line). Side effects: payment or refund, audit entry.
    """
    if not note.strip():
        raise DomainError(_("Add a note saying what was done and why."))
    outcome = StatementLine.Outcome
    with transaction.atomic():
        locked = StatementLine.objects.select_for_update().get(pk=line.pk)
        if not locked.is_open:
            raise DomainError(_("This line is not an open exception (already resolved, or nothing to resolve)."))
        has_payment = Payment.objects.filter(statement_line=locked).exists()
        if action == "assign":
            if charge is None:
                raise DomainError(_("Choose the charge the money belongs to (by virtual account or application)."))
            if has_payment or locked.outcome not in (outcome.UNKNOWN, outcome.INVALID):
                raise DomainError(_("This line is already paid into a charge."))
            if not locked.amount or locked.amount <= 0:
                raise DomainError(_("This line has no positive amount to assign; dismiss it or mark it for refund."))
            _add_payment(actor=actor, charge_id=charge.pk, amount=locked.amount, method=Payment.Method.BANK,
                         received_at=locked.value_at or clock.now(), note=note.strip(), line=locked,
                         action="fees.line_assigned")  # fmt: skip
            locked.charge = charge
            resolution = StatementLine.Resolution.ASSIGNED
        elif action == "refund":
            if has_payment:
                _add_payment(actor=actor, charge_id=locked.charge_id, amount=-locked.amount,
                             method=Payment.Method.REFUND, received_at=clock.now(), note=note.strip(),
                             action="fees.refund")  # fmt: skip
            resolution = StatementLine.Resolution.REFUND
        elif action == "accept":
            if not has_payment:
                raise DomainError(_("Only a payment already in a charge can be accepted as it is."))
            resolution = StatementLine.Resolution.ACCEPTED
        elif action == "dismiss":
            if has_payment:
                raise DomainError(_("This line is a payment; mark it for refund or accept it."))
            resolution = StatementLine.Resolution.DISMISSED
        else:
            raise DomainError(_("Choose what to do with the line."))
        locked.resolution, locked.resolution_note = resolution, note.strip()
        locked.resolved_by, locked.resolved_at = actor, clock.now()
        locked.save(update_fields=["charge", "resolution", "resolution_note", "resolved_by", "resolved_at"])
        record_audit(actor=actor, action="fees.line_resolve", target=locked, before={"resolution": ""},
                     after={"resolution": resolution, "charge": locked.charge_id}, reason=note.strip())  # fmt: skip
    return locked


def notify_amount_wrong(*, statement_id: int) -> int:
    """Tell applicants whose payment in this import was not the amount due (run by the worker). Returns the count.

    Run again after a worker died, it skips the charges already told (the line is marked with the message).
    """
    lines = (
        StatementLine.objects.filter(statement_id=statement_id, outcome=StatementLine.Outcome.AMOUNT_WRONG)
        .select_related("charge__application__applicant", "charge__application__program", "charge__item")
        .order_by("charge_id", "-line_number")
    )
    done = set()
    for line in lines:
        if line.charge_id in done:
            continue
        done.add(line.charge_id)
        charge = Charge.objects.select_related("application__applicant", "application__program", "item").get(
            pk=line.charge_id
        )
        if charge.is_amount_wrong:
            with transaction.atomic():
                if not StatementLine.objects.filter(pk=line.pk, notified_at__isnull=True).update(
                    notified_at=clock.now()
                ):
                    continue  # told by an earlier run of this job
                notify(user=charge.application.applicant, template="fees/amount_wrong",
                       context={"charge": charge, "application": charge.application})  # fmt: skip
    return len(done)
