"""Fee services: charges and accounts, discounts, waivers, payments by hand, and the bank statement import."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.fees import services
from gradadmit.fees.banks import default_bank
from gradadmit.fees.models import (
    Charge,
    CycleBank,
    Payment,
    StatementImport,
    StatementLine,
    VirtualAccount,
    WaiverRequest,
)
from gradadmit.fees.services import imports as statement_imports
from gradadmit.fees.statements import StatementRejected
from gradadmit.fees.virtual_accounts import is_valid, make_account
from gradadmit.notifications.models import Message
from gradadmit.testing.factories import (
    ApplicationFactory,
    CycleFactory,
    DiscountFactory,
    FeeItemFactory,
    OfficeFactory,
    ProgramFactory,
    application_fee_charge,
)
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

HEADER = "value_date,value_time,virtual_account,amount,bank_serial,payer_bank_code"


def account_of(charge) -> str:
    return charge.accounts.get(is_current=True).number


def statement(*lines, header=HEADER, newline="\n", encoding="utf-8", name="statement.csv") -> SimpleUploadedFile:
    text = newline.join([header, *lines]) + newline
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def line(account, amount=900, serial="S1", when="2024-10-01", time="09:49:52", payer="812") -> str:
    return f"{when},{time},{account},{amount},{serial},{payer}"


def run_import(upload_file, *, actor=None, cycle=None, **kwargs) -> StatementImport:
    return services.start_statement_import(actor=actor or OfficeFactory(), cycle=cycle, upload=upload_file, **kwargs)


def outcomes(imported) -> list[tuple[int, str]]:
    return list(imported.lines.order_by("line_number").values_list("line_number", "outcome"))


# --- Charges and virtual accounts ---------------------------------------------------------------------------


def test_application_fee_charge_has_the_cycle_fee_a_valid_account_and_the_application_deadline():
    application = ApplicationFactory(program__cycle__application_fee=1300)
    charge = application_fee_charge(application)
    assert (charge.amount_due, charge.status) == (1300, Charge.Status.UNPAID)
    assert is_valid(default_bank().scheme, account_of(charge))
    window_end = application.program.cycle.milestones.get(kind="application", scope="all").ends_at
    assert charge.due_at == window_end


def test_charging_twice_returns_the_same_charge_and_account():
    application = ApplicationFactory()
    first = application_fee_charge(application)
    second = application_fee_charge(application)
    assert first.pk == second.pk and VirtualAccount.objects.count() == 1


def test_account_numbers_are_unique_and_never_reused_across_cycles():
    charges = [application_fee_charge(program__cycle=CycleFactory()) for _ in range(3)]
    numbers = [account_of(c) for c in charges]
    serials = [c.accounts.get().serial for c in charges]
    assert len(set(numbers)) == 3 and serials == [1, 2, 3]


def test_per_cycle_bank_configures_prefix_and_bank():
    application = ApplicationFactory()
    CycleBank.objects.create(cycle=application.program.cycle, bank_name_zh="玉山銀行", bank_code="808",
                             account_prefix="12345", account_length=16)  # fmt: skip
    number = account_of(application_fee_charge(application))
    assert number.startswith("12345") and len(number) == 16


def test_own_graduates_discount_applies_by_rule():
    application = ApplicationFactory()
    item = services.application_fee_item(application.program.cycle)
    DiscountFactory(item=item, school_contains="彰化師範")  # the factory profile's school
    charge = application_fee_charge(application)
    assert charge.amount_due == 600 and charge.discount is not None


def test_discount_by_staff_needs_a_reason_and_is_audited():
    charge = application_fee_charge()
    discount = DiscountFactory(item=charge.item)
    office = OfficeFactory()
    with pytest.raises(DomainError):
        services.apply_discount(actor=office, charge=charge, discount=discount, reason=" ")
    services.apply_discount(actor=office, charge=charge, discount=discount, reason="本校應屆")
    charge.refresh_from_db()
    assert charge.amount_due == 600
    entry = AuditEntry.objects.get(action="fees.discount")
    assert entry.before["amount_due"] == 900 and entry.after["amount_due"] == 600 and entry.actor == office


def test_extra_fee_charged_by_staff_tells_the_applicant():
    application = ApplicationFactory()
    item = FeeItemFactory(cycle=application.program.cycle, amount=500)
    charge = services.create_charge(application=application, item=item, actor=OfficeFactory())
    assert charge.amount_due == 500
    assert Message.objects.filter(recipient=application.applicant, kind="fees/charge_created").exists()


def test_no_charge_for_a_withdrawn_application_or_another_cycles_fee():
    application = ApplicationFactory(status="withdrawn")
    with pytest.raises(DomainError):
        application_fee_charge(application)
    active = ApplicationFactory()
    with pytest.raises(DomainError):
        services.create_charge(application=active, item=FeeItemFactory())


# --- Waivers ---------------------------------------------------------------------------------------------------


def request_waiver(charge, category="middle_low_income", proof=None):
    return services.request_waiver(
        applicant=charge.application.applicant, charge=charge, category=category, household_address="彰化市介壽北路1號",
        phone_mobile="0912-345-678", upload=proof or upload("certificate.pdf", pdf_bytes()),
    )  # fmt: skip


def test_approved_middle_low_income_waiver_takes_60_percent_off_and_tells_the_applicant():
    charge = application_fee_charge()
    waiver = request_waiver(charge)
    office = OfficeFactory()
    services.decide_waiver(actor=office, waiver=waiver, approve=True, reason="證明文件齊全")
    charge.refresh_from_db()
    assert charge.amount_due == 360 and charge.waiver_percent == 60
    assert AuditEntry.objects.filter(action="fees.waiver_decide", actor=office).exists()
    applied = AuditEntry.objects.get(action="fees.waiver_applied")
    assert (applied.before["amount_due"], applied.after["amount_due"]) == (900, 360)
    assert Message.objects.filter(recipient=charge.application.applicant, kind="fees/waiver_decided").exists()


def test_approved_low_income_waiver_waives_the_fee():
    charge = application_fee_charge()
    services.decide_waiver(actor=OfficeFactory(), waiver=request_waiver(charge, "low_income"), approve=True,
                           reason="低收入戶證明")  # fmt: skip
    charge.refresh_from_db()
    assert (charge.amount_due, charge.status) == (0, Charge.Status.WAIVED)


def test_refused_waiver_keeps_the_amount_and_needs_a_reason():
    charge = application_fee_charge()
    waiver = request_waiver(charge)
    with pytest.raises(DomainError):
        services.decide_waiver(actor=OfficeFactory(), waiver=waiver, approve=False, reason="")
    services.decide_waiver(actor=OfficeFactory(), waiver=waiver, approve=False, reason="里長清寒證明不予受理")
    charge.refresh_from_db()
    waiver.refresh_from_db()
    assert charge.amount_due == 900 and waiver.status == WaiverRequest.Status.REJECTED


def test_waiver_proof_is_checked_like_documents():
    charge = application_fee_charge()
    with pytest.raises(DomainError):
        request_waiver(charge, proof=upload("certificate.pdf", b"not a pdf at all"))
    assert not WaiverRequest.objects.exists()


def test_second_waiver_request_while_one_is_pending_is_refused():
    charge = application_fee_charge()
    request_waiver(charge)
    with pytest.raises(DomainError):
        request_waiver(charge, "low_income")
    assert WaiverRequest.objects.count() == 1


def test_waiver_after_payment_is_refused():
    charge = application_fee_charge()
    services.record_payment(actor=OfficeFactory(), charge=charge, amount=900, method="cash", received_at=clock.now(),
                            note="現金")  # fmt: skip
    charge.refresh_from_db()
    with pytest.raises(DomainError):
        request_waiver(charge)


def test_waiver_by_hand_is_approved_at_once_and_audited():
    charge = application_fee_charge()
    office = OfficeFactory()
    services.waive_by_hand(actor=office, charge=charge, category="low_income", reason="紙本附件八")
    charge.refresh_from_db()
    assert charge.status == Charge.Status.WAIVED
    assert AuditEntry.objects.filter(action="fees.waiver_by_hand", actor=office).exists()


def test_amount_checking_gives_a_new_account_when_the_amount_changes():
    application = ApplicationFactory()
    CycleBank.objects.create(cycle=application.program.cycle, bank_name_zh="中國信託商業銀行", bank_code="822",
                             account_prefix="9793", amount_check=True)  # fmt: skip
    charge = application_fee_charge(application)
    old = charge.accounts.get()
    services.decide_waiver(actor=OfficeFactory(), waiver=request_waiver(charge), approve=True, reason="ok")
    new = charge.accounts.get(is_current=True)
    old.refresh_from_db()
    assert not old.is_current and new.number != old.number and new.amount == 360
    from gradadmit.fees.banks import bank_for

    scheme = bank_for(application.program.cycle).scheme
    assert is_valid(scheme, new.number, amount=360) and not is_valid(scheme, new.number, amount=900)


# --- Payments by hand and refunds -----------------------------------------------------------------------------


def test_postal_money_order_pays_with_a_note_and_is_audited():
    charge = application_fee_charge()
    office = OfficeFactory()
    with pytest.raises(DomainError):
        services.record_payment(actor=office, charge=charge, amount=900, method="postal_order",
                                received_at=clock.now(), note="")  # fmt: skip
    services.record_payment(actor=office, charge=charge, amount=900, method="postal_order", received_at=clock.now(),
                            note="匯票 No. 123456")  # fmt: skip
    charge.refresh_from_db()
    assert charge.status == Charge.Status.PAID
    entry = AuditEntry.objects.get(action="fees.payment_by_hand")
    assert entry.before["status"] == "unpaid" and entry.after["status"] == "paid" and entry.reason == "匯票 No. 123456"


def test_refund_for_an_ineligible_applicant_and_never_more_than_received():
    charge = application_fee_charge()
    office = OfficeFactory()
    services.record_payment(actor=office, charge=charge, amount=900, method="cash", received_at=clock.now(),
                            note="現金")  # fmt: skip
    with pytest.raises(DomainError):
        services.record_refund(actor=office, charge=charge, amount=901, note="資格不符")
    services.record_refund(actor=office, charge=charge, amount=900, note="資格不符退費")
    charge.refresh_from_db()
    assert (charge.status, charge.amount_received, charge.amount_refunded) == (Charge.Status.REFUNDED, 0, 900)
    assert Payment.objects.get(method="refund").amount == -900


# --- Statement import --------------------------------------------------------------------------------------


def test_matched_line_pays_the_charge_and_is_audited():
    charge = application_fee_charge()
    office = OfficeFactory()
    imported = run_import(statement(line(account_of(charge))), actor=office)
    charge.refresh_from_db()
    assert imported.status == StatementImport.Status.DONE and (imported.matched, imported.lines_total) == (1, 1)
    assert charge.status == Charge.Status.PAID and charge.amount_received == 900
    payment = Payment.objects.get()
    assert payment.statement_line.bank_serial == "S1" and payment.recorded_by == office
    assert AuditEntry.objects.filter(action="fees.payment_imported", target_id=str(charge.pk), actor=office).exists()


def test_same_file_twice_changes_nothing_the_second_time():
    charges = [application_fee_charge() for _ in range(3)]
    content = [line(account_of(c), serial=f"S{i}") for i, c in enumerate(charges)]
    run_import(statement(*content))
    second = run_import(statement(*content))
    assert (second.duplicate, second.matched, second.lines_total) == (3, 0, 3)
    assert Payment.objects.count() == 3
    assert all(c.amount_received == 900 for c in Charge.objects.all())


def test_overlapping_files_import_only_the_new_lines():
    a, b, c = (application_fee_charge() for _ in range(3))
    run_import(statement(line(account_of(a), serial="S1"), line(account_of(b), serial="S2")))
    second = run_import(statement(line(account_of(b), serial="S2"), line(account_of(c), serial="S3")))
    assert outcomes(second) == [(2, "duplicate"), (3, "matched")]
    assert Payment.objects.count() == 3


def test_two_genuine_equal_payments_with_different_serials_are_both_recorded():
    charge = application_fee_charge()
    imported = run_import(statement(line(account_of(charge), serial="S1"), line(account_of(charge), serial="S2")))
    charge.refresh_from_db()
    assert outcomes(imported) == [(2, "matched"), (3, "amount_wrong")]
    assert (charge.amount_received, charge.status) == (1800, Charge.Status.OVER)
    assert Payment.objects.count() == 2


def test_partial_payment_is_an_exception_and_the_applicant_is_told(django_capture_on_commit_callbacks):
    charge = application_fee_charge()
    with django_capture_on_commit_callbacks(execute=True):
        imported = run_import(statement(line(account_of(charge), amount=500)))
    charge.refresh_from_db()
    assert imported.amount_wrong == 1 and charge.status == Charge.Status.PARTIAL
    assert "NT$ 500" in imported.lines.get().reason
    assert Message.objects.filter(recipient=charge.application.applicant, kind="fees/amount_wrong").exists()


def test_every_line_ends_in_exactly_one_outcome_with_reasons_for_invalid_ones():
    paid, partial = application_fee_charge(), application_fee_charge()
    scheme = default_bank().scheme
    unknown = make_account(scheme, 99999)  # a valid number nobody was given
    wrong_check = account_of(paid)[:-1] + str((int(account_of(paid)[-1]) + 1) % 10)
    imported = run_import(statement(
        line(account_of(paid), serial="A1"),                     # 2 matched
        line(account_of(partial), amount=300, serial="A2"),      # 3 partial
        line(unknown, serial="A3"),                              # 4 unknown account
        line(account_of(paid), serial="A1"),                     # 5 duplicate in the same file
        line(wrong_check, serial="A4"),                          # 6 wrong check digit
        line("9793-12AB", serial="A5"),                          # 7 malformed account
        line(account_of(partial), amount=-900, serial="A6"),     # 8 negative
        line(account_of(partial), amount=0, serial="A7"),        # 9 zero
        line(account_of(partial), amount="900.50", serial="A8"), # 10 cents
        line(account_of(partial), serial=""),                    # 11 no serial
        line(account_of(partial), when="2024-02-30", serial="A9"),  # 12 no such date
        "",                                                      # 13 blank line
    ))  # fmt: skip
    got = dict(outcomes(imported))
    assert got == {2: "matched", 3: "amount_wrong", 4: "unknown", 5: "duplicate", 6: "invalid", 7: "invalid",
                   8: "invalid", 9: "invalid", 10: "invalid", 11: "invalid", 12: "invalid", 13: "invalid"}  # fmt: skip
    reasons = dict(imported.lines.values_list("line_number", "reason"))
    assert "check digit" in reasons[6]
    assert "digits" in reasons[7]
    assert "negative" in reasons[8] and "zero" in reasons[9] and "cents" in reasons[10]
    assert "serial" in reasons[11] and "does not exist" in reasons[12] and "blank" in reasons[13]
    assert (
        imported.lines_total
        == 12
        == sum(getattr(imported, field) for field in ("matched", "amount_wrong", "unknown", "duplicate", "invalid"))
    )
    assert Payment.objects.count() == 2


def test_thousands_separator_in_a_quoted_amount_is_read():
    charge = application_fee_charge(program__cycle__application_fee=1300)
    imported = run_import(statement(f'2024-10-01,09:00:00,{account_of(charge)},"1,300",S1,812'))
    assert imported.matched == 1


def test_bom_crlf_and_blank_lines_are_read():
    charge = application_fee_charge()
    text = "\ufeff" + HEADER + "\r\n\r\n" + line(account_of(charge)) + "\r\n"
    imported = run_import(SimpleUploadedFile("bom.csv", text.encode("utf-8")))
    assert imported.matched == 1 and imported.encoding == "utf-8-sig"


def test_big5_statement_with_the_banks_chinese_column_names():
    charge = application_fee_charge()
    header = "入帳日期,入帳時間,虛擬帳號,交易金額,交易序號,轉出行代號,備註"
    imported = run_import(statement(line(account_of(charge)) + ",臺灣銀行轉入", header=header, encoding="big5"),
                          bank_format="ctbc")  # fmt: skip
    assert imported.matched == 1 and imported.encoding == "cp950"


def test_column_mapping_for_another_bank():
    charge = application_fee_charge()
    header = "Date,Account,Amount,Ref"
    imported = run_import(
        statement(f"2024/10/01 10:00,{account_of(charge)},900,R-1", header=header),
        mapping_text="value_date = Date\nvirtual_account = Account\namount = Amount\nbank_serial = Ref",
    )
    assert imported.matched == 1


def test_roc_dates_are_read():
    charge = application_fee_charge()
    imported = run_import(statement(line(account_of(charge), when="113/10/01", time="094952")))
    assert imported.lines.get().value_at.year == 2024


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (pdf_bytes(), "not a CSV"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a CSV"),
        (b"\x81\xff\xfe\x80" * 50, "neither UTF-8 nor Big5"),
        (b"hello world, this is a letter\nnot a statement\n", "missing"),
    ],
)
def test_files_that_are_not_statements_are_refused_and_change_nothing(content, message):
    with pytest.raises(StatementRejected) as error:
        run_import(SimpleUploadedFile("file.csv", content))
    assert message in str(error.value)
    assert not StatementImport.objects.exists()


def test_a_50_mb_file_is_refused():
    big = SimpleUploadedFile("big.csv", (HEADER + "\n").encode() + b"0" * (50 * 1024 * 1024))
    with pytest.raises(StatementRejected) as error:
        run_import(big)
    assert "at most" in str(error.value)
    assert not StatementImport.objects.exists()


def test_large_file_is_imported_by_the_task_worker(settings, django_capture_on_commit_callbacks):
    settings.GRADADMIT_STATEMENT_SYNC_KB = 0  # everything goes to the worker (the immediate backend in tests)
    charge = application_fee_charge()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        imported = run_import(statement(line(account_of(charge))))
        assert imported.status == StatementImport.Status.QUEUED
    imported.refresh_from_db()
    assert callbacks and imported.status == StatementImport.Status.DONE and imported.matched == 1


def test_import_in_batches_keeps_counting(monkeypatch):
    monkeypatch.setattr(statement_imports, "BATCH_SIZE", 2)
    charges = [application_fee_charge() for _ in range(5)]
    imported = run_import(statement(*(line(account_of(c), serial=f"S{i}") for i, c in enumerate(charges))))
    assert imported.matched == 5 and Charge.objects.filter(status="paid").count() == 5


def test_an_import_whose_worker_died_goes_on_after_its_last_batch_and_pays_nothing_twice(monkeypatch, settings):
    from gradadmit.core.models import AuditEntry
    from gradadmit.fees.models import Payment

    settings.GRADADMIT_STATEMENT_SYNC_KB = 0
    monkeypatch.setattr(statement_imports, "BATCH_SIZE", 2)
    charges = [application_fee_charge() for _ in range(5)]
    half = [charges[0], charges[1]]  # the second charge is paid twice over in the file: its second line is partial
    rows = [line(account_of(c), serial=f"S{i}") for i, c in enumerate(charges)]
    rows.append(line(account_of(half[1]), amount=100, serial="S9"))
    imported = run_import(statement(*rows))  # queued for the worker (immediate backend runs after commit only)
    real_batch, calls = statement_imports._import_batch, []

    def batch_then_killed(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt  # the worker is killed after its first batch committed (not an Exception)
        calls.append(1)
        real_batch(*args, **kwargs)

    monkeypatch.setattr(statement_imports, "_import_batch", batch_then_killed)
    with pytest.raises(KeyboardInterrupt):
        services.import_statement(statement_id=imported.pk)
    assert StatementImport.objects.get(pk=imported.pk).status == "running" and imported.lines.count() == 2
    monkeypatch.setattr(statement_imports, "_import_batch", real_batch)
    services.import_statement(statement_id=imported.pk)  # the sweeper ran the job again
    imported.refresh_from_db()
    assert imported.status == "done" and imported.lines.count() == 6 and imported.lines_total == 6
    assert (imported.matched, imported.amount_wrong) == (5, 1)
    assert Payment.objects.count() == 6
    for charge in charges:
        charge.refresh_from_db()
        assert charge.amount_received == sum(p.amount for p in Payment.objects.filter(charge=charge))
    assert AuditEntry.objects.filter(action="fees.payment_imported").count() == 6


# --- Resolving exceptions ------------------------------------------------------------------------------------


def test_unknown_line_assigned_to_a_charge_pays_it_with_the_note():
    charge = application_fee_charge()
    imported = run_import(statement(line(make_account(default_bank().scheme, 99999))))
    unknown = imported.lines.get()
    office = OfficeFactory()
    with pytest.raises(DomainError):
        services.resolve_line(actor=office, line=unknown, action="assign", note="", charge=charge)
    services.resolve_line(actor=office, line=unknown, action="assign", note="考生來電確認帳號抄錯", charge=charge)
    charge.refresh_from_db()
    unknown.refresh_from_db()
    assert charge.status == Charge.Status.PAID and unknown.resolution == "assigned" and unknown.resolved_by == office
    with pytest.raises(DomainError):  # resolved once only
        services.resolve_line(actor=office, line=unknown, action="dismiss", note="again")


def test_over_payment_marked_for_refund_records_the_refund():
    charge = application_fee_charge()
    imported = run_import(statement(line(account_of(charge), serial="S1"), line(account_of(charge), serial="S2")))
    over = imported.lines.get(outcome="amount_wrong")
    services.resolve_line(actor=OfficeFactory(), line=over, action="refund", note="重複繳費，退還第二筆")
    charge.refresh_from_db()
    assert (charge.status, charge.amount_received) == (Charge.Status.PAID, 900)
    assert AuditEntry.objects.filter(action="fees.line_resolve").exists()


def test_dismissing_a_payment_line_is_refused():
    charge = application_fee_charge()
    imported = run_import(statement(line(account_of(charge), amount=100)))
    with pytest.raises(DomainError):
        services.resolve_line(actor=OfficeFactory(), line=imported.lines.get(), action="dismiss", note="x")


# --- Two staff importing the same file at once --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_importing_the_same_file_at_once_one_wins_the_other_changes_nothing():
    charges = [application_fee_charge(program=ProgramFactory()) for _ in range(30)]
    content = statement(*(line(account_of(c), serial=f"S{i}") for i, c in enumerate(charges))).read()
    staff = [OfficeFactory(), OfficeFactory()]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker(actor):
        try:
            barrier.wait()
            results.append(run_import(SimpleUploadedFile("same.csv", content), actor=actor))
        except DomainError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(actor,)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Payment.objects.count() == 30
    assert Charge.objects.filter(status="paid", amount_received=900).count() == 30
    matched = sorted(r.matched for r in results)
    # Either the second was refused while the first ran, or it ran after and found only duplicates.
    assert (len(errors), matched) in [(1, [30]), (0, [0, 30])]
    if len(results) == 2:
        assert sorted(r.duplicate for r in results) == [0, 30]
    assert StatementLine.objects.filter(first_serial__isnull=False).count() == 30


def test_charge_due_date_from_fee_item_overrides_the_window():
    application = ApplicationFactory()
    due = clock.now() + timedelta(days=3)
    item = FeeItemFactory(cycle=application.program.cycle, due_at=due)
    assert services.create_charge(application=application, item=item).due_at == due
