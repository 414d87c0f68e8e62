"""Bank statement imports: resumable batches (no payment recorded twice), line resolution, wrong-amount notices."""

import hashlib
from collections import Counter

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.core.uploads import (
    MB,
    clean_filename,
    human_size,
)
from gradadmit.fees import amounts, statements
from gradadmit.fees.banks import BankConfig, bank_for, default_bank
from gradadmit.fees.models import (
    Charge,
    Payment,
    StatementImport,
    StatementLine,
    VirtualAccount,
)
from gradadmit.fees.services.payments import add_payment
from gradadmit.fees.virtual_accounts import InvalidAccount, validate
from gradadmit.notifications.services import notify

BATCH_SIZE = 2000


def statement_max_bytes() -> int:
    return int(getattr(settings, "GRADADMIT_STATEMENT_MAX_MB", 30)) * MB


def statement_sync_bytes() -> int:
    """Files up to this size are imported during the request; larger ones by the task worker."""
    return int(getattr(settings, "GRADADMIT_STATEMENT_SYNC_KB", 512)) * 1024


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
            add_payment(actor=actor, charge_id=charge.pk, amount=locked.amount, method=Payment.Method.BANK,
                         received_at=locked.value_at or clock.now(), note=note.strip(), line=locked,
                         action="fees.line_assigned")  # fmt: skip
            locked.charge = charge
            resolution = StatementLine.Resolution.ASSIGNED
        elif action == "refund":
            if has_payment:
                add_payment(actor=actor, charge_id=locked.charge_id, amount=-locked.amount,
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
