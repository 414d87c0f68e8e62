"""Bank statement import of 100,000 lines (1 % exceptions) against reading the file with csv and one bulk insert.

Both run in one process on the same fresh bench database (SQLite in a temporary GRADADMIT_DATA_DIR, migrated as
the harness does), seeded with 99,250 applications each with an application-fee charge and virtual account.
Reference: csv.reader over the file plus StatementLine.objects.bulk_create of every row (no checks, no matching),
timed before and after the import; the ratio is reference seconds (mean of the two) over import seconds, i.e. the
import's rate as a fraction of the reference rate. The import is the real one (fees.services.start_statement_import,
synchronous): hashing and storing the file, header check, streamed parsing, batches of 2,000 with row locks,
payments, charge updates and audit entries. Memory: tracemalloc peak of re-importing a 20,000-line and the
100,000-line file (every line a duplicate then, the same streaming path); flat means the peaks differ by < 1.5x.
Environment: BENCH_FEES_LINES (100000).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

NAME = "fees"
TARGET = 0.2
LINES = int(os.environ.get("BENCH_FEES_LINES", "100000"))
EXCEPTION_SHARE = 100  # one line in 100 is an exception


def run() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-fees-"))
    env = harness.bench_env(data_dir)
    env["GRADADMIT_STATEMENT_MAX_MB"] = "100"
    try:
        subprocess.run([harness.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=harness.REPO, env=env,
                       check=True, timeout=300)  # fmt: skip
        completed = subprocess.run(
            [harness.PYTHON, str(Path(__file__).resolve()), "--inner"],
            cwd=harness.REPO, env=env, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        sys.stdout.write(completed.stdout)
        if completed.returncode != 0:
            sys.stderr.write(completed.stderr)
            return completed.returncode
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            subprocess.run(["rm", "-rf", str(data_dir)], check=False)
    return 0


# --- Inside the bench environment -----------------------------------------------------------------------------


def _inner() -> None:
    import time
    import tracemalloc
    from collections import Counter

    sys.path.insert(0, str(harness.REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from gradadmit.accounts.models import User
    from gradadmit.applications.models import Application
    from gradadmit.core import clock
    from gradadmit.cycles.models import Cycle, Program
    from gradadmit.fees.banks import default_bank
    from gradadmit.fees.models import AccountSerial, Charge, FeeItem, StatementImport, StatementLine, VirtualAccount
    from gradadmit.fees.services import start_statement_import
    from gradadmit.fees.virtual_accounts import make_account

    settings.GRADADMIT_STATEMENT_SYNC_KB = 10**9  # synchronous: the request path, timed as a whole
    exceptions = LINES // EXCEPTION_SHARE
    quarter = exceptions // 4
    matched = LINES - exceptions
    charges_needed = matched + quarter  # + the partial payers

    started = time.monotonic()
    bank = default_bank()
    now = clock.now()
    cycle = Cycle.objects.create(code="bench-fees", name_zh="115學年度碩士班甄試入學招生", academic_year=115)
    program = Program.objects.create(cycle=cycle, code="B01", name_zh="電機工程系碩士班", department_zh="電機工程系")
    item = FeeItem.objects.create(cycle=cycle, code="application", kind="application", name_zh="報名費", amount=900)
    office = User.objects.create(email="office@bench.tw", staff_role="office", is_staff=True)
    numbers = []
    chunk = 10_000
    with transaction.atomic():
        for start in range(0, charges_needed, chunk):
            size = min(chunk, charges_needed - start)
            users = User.objects.bulk_create(User(email=f"a{start + i}@bench.tw", password="!") for i in range(size))
            applications = Application.objects.bulk_create(
                Application(applicant=user, program=program, identity="general", applied_at=now) for user in users
            )
            charges = Charge.objects.bulk_create(
                Charge(application=a, item=item, base_amount=900, amount_due=900, due_at=now, status="unpaid")
                for a in applications
            )
            accounts = [
                VirtualAccount(charge=c, number=make_account(bank.scheme, start + i + 1), bank_code=bank.code,
                               serial=start + i + 1)
                for i, c in enumerate(charges)
            ]  # fmt: skip
            VirtualAccount.objects.bulk_create(accounts)
            numbers += [a.number for a in accounts]
        AccountSerial.objects.create(bank_code=bank.code, prefix=bank.scheme.prefix, last_serial=charges_needed)
    harness.log(f"seed: {charges_needed} applications with charges in {time.monotonic() - started:.1f} s")

    # The statement: matched lines, then 1 % exceptions spread through it.
    rows, expected = [], Counter()
    unknown_serial = charges_needed + 1_000_000
    for i in range(LINES):
        serial = f"TX{i:08d}"
        if i % EXCEPTION_SHARE == 50:
            kind = ("unknown", "partial", "invalid", "duplicate")[(i // EXCEPTION_SHARE) % 4]
            n = i // EXCEPTION_SHARE // 4
            if kind == "unknown":
                rows.append(f"2024-10-01,10:00:00,{make_account(bank.scheme, unknown_serial + n)},900,{serial},812")
            elif kind == "partial":
                rows.append(f"2024-10-01,10:00:00,{numbers[matched + n]},500,{serial},812")
            elif kind == "invalid":
                rows.append(f"2024-10-01,10:00:00,{numbers[0]},-900,{serial},812")
            else:
                rows.append(f"2024-10-01,10:00:00,{numbers[0]},900,TX{0:08d},812")
            expected[kind] += 1
        else:
            rows.append(f"2024-10-01,09:{i % 60:02d}:00,{numbers[len(rows) - sum(expected.values())]},900,{serial},812")
    header = "value_date,value_time,virtual_account,amount,bank_serial,payer_bank_code\n"
    content = (header + "\n".join(rows) + "\n").encode()
    small = (header + "\n".join(rows[: LINES // 5]) + "\n").encode()
    harness.log(f"statement: {LINES} lines, {len(content) / 1e6:.1f} MB, exceptions {dict(expected)}")

    def reference() -> float:
        import csv
        import io

        holder = StatementImport.objects.create(original_name="reference.csv", sha256="ref", status="done")
        begin = time.monotonic()
        reader = csv.reader(io.StringIO(content.decode("utf-8")))
        next(reader)
        lines = [
            StatementLine(statement=holder, line_number=n, outcome="matched", account=r[2], amount=int(r[3]),
                          bank_serial=r[4], payer_bank_code=r[5])
            for n, r in enumerate(reader, start=2)
        ]  # fmt: skip
        with transaction.atomic():
            StatementLine.objects.bulk_create(lines)
        seconds = time.monotonic() - begin
        StatementLine.objects.filter(statement=holder).delete()
        holder.delete()
        return seconds

    ref_before = reference()
    begin = time.monotonic()
    imported = start_statement_import(actor=office, cycle=cycle, upload=SimpleUploadedFile("bank.csv", content))
    seconds = time.monotonic() - begin
    ref_after = reference()
    ref = (ref_before + ref_after) / 2
    harness.log(f"reference (csv + one bulk insert): {ref_before:.2f} s before, {ref_after:.2f} s after; "
                f"{LINES / ref:,.0f} lines/s")  # fmt: skip
    harness.log(f"import: {seconds:.2f} s, {LINES / seconds:,.0f} lines/s; status {imported.status}; matched "
                f"{imported.matched}, amount wrong {imported.amount_wrong}, unknown {imported.unknown}, duplicate "
                f"{imported.duplicate}, invalid {imported.invalid}")  # fmt: skip
    correct = (
        imported.status == "done"
        and imported.lines_total == LINES
        and imported.matched == matched
        and imported.amount_wrong == expected["partial"]
        and imported.unknown == expected["unknown"]
        and imported.duplicate == expected["duplicate"]
        and imported.invalid == expected["invalid"]
        and Charge.objects.filter(status="paid").count() == matched
    )
    if not correct:
        harness.log("invalid run: the import's counts are not what the statement holds")

    peaks = {}
    for label, data in (("20%", small), ("100%", content)):
        tracemalloc.start()
        again = start_statement_import(actor=office, cycle=cycle, upload=SimpleUploadedFile(f"{label}.csv", data))
        peaks[label] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert again.duplicate + again.invalid == again.lines_total, "a re-import must find only duplicates"
    # The upload itself (held in memory by SimpleUploadedFile, as Django spools big uploads to disk) is not counted:
    flat = peaks["100%"] < 1.5 * peaks["20%"]
    harness.log(f"memory (tracemalloc peak, re-import): {peaks['20%'] / 1e6:.1f} MB for {LINES // 5} lines, "
                f"{peaks['100%'] / 1e6:.1f} MB for {LINES} lines: {'flat' if flat else 'GROWS'}")  # fmt: skip
    connection.close()
    ratio = ref / seconds if seconds else 0.0
    verdict = "PASS" if correct and flat and ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)


if __name__ == "__main__" and "--inner" in sys.argv:
    _inner()
