"""Exporting an office list to xlsx through gradadmit.core.exports against openpyxl's write-only mode on its own.

The rows: ROWS application-like objects (Chinese and English names, a national ID and a virtual account with leading
zeros, an exam number, an identity label, an amount in NTD, a score, an aware application time, a birth date, and
every 50th name starting with "=" so the neutralisation path is exercised). The core export reads them through nine
Column declarations (attribute paths and functions, kinds ID/DATE/DATETIME/MONEY) and writes a workbook to a
temporary file, as an export view does. The reference: openpyxl's write-only workbook appending the same values from
a prepared list of lists (naive datetimes, plain strings and ints: no accessors, no styles), saved to a temporary
file. After a warm-up, ROUNDS rounds alternate the two; ratio = median reference time / median export time
(target >= 0.5).

Memory: child processes export 5,000 and 50,000 generated rows (a generator, as a queryset iterator gives them)
and report their peak resident size (VmHWM); flat means the larger export peaks at most MEMORY_SLACK_MB above the
smaller one. The verdict needs both. Environment: BENCH_EXPORT_ROWS (10000), BENCH_EXPORT_ROUNDS (5).
"""

import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

NAME = "export"
TARGET = 0.5
ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "10000"))
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "5"))
MEMORY_ROWS = (5_000, 50_000)
MEMORY_SLACK_MB = 16

SURNAMES = "王李張劉陳楊黃趙吳周"
GIVEN = "小明美玲志豪家豪怡君雅婷俊傑"


class Profile:
    def __init__(self, i):
        self.name_zh = SURNAMES[i % 10] + GIVEN[i % 7] + GIVEN[(i * 3) % 11]
        self.name_en = f'=HYPERLINK("http://x","{i}")' if i % 50 == 0 else f"Wang Hsiao-ming {i}"
        self.national_id = f"{i:010d}"
        self.birth_date = datetime.date(1990 + i % 10, 1 + i % 12, 1 + i % 28)


class Row:
    def __init__(self, i):
        self.pk = i + 1
        self.profile = Profile(i)
        self.exam_number = f"0{i:07d}"
        self.account = f"0009527{i:07d}"
        self.identity = "一般生" if i % 3 else "在職生"
        self.amount = 1500 + (i % 3) * 100
        self.score = 60 + (i % 400) / 10
        self.applied_at = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=i)


def rows(n):
    return (Row(i) for i in range(n))


def columns():
    from gradadmit.core.exports import DATE, DATETIME, ID, MONEY, NUMBER, Column

    return [
        Column("Application", "pk", kind=NUMBER),
        Column("Exam number", "exam_number", kind=ID),
        Column("Name (Chinese)", "profile.name_zh"),
        Column("Name (English)", "profile.name_en"),
        Column("National ID", "profile.national_id", kind=ID),
        Column("Identity", lambda row: row.identity),
        Column("Virtual account", "account", kind=ID),
        Column("Amount", "amount", kind=MONEY),
        Column("Score", "score", kind=NUMBER),
        Column("Applied", "applied_at", kind=DATETIME),
        Column("Date of birth", "profile.birth_date", kind=DATE),
    ]


def prepared(objects):
    """The reference's input: plain values in lists, datetimes already naive (what openpyxl alone can take)."""
    return [
        [r.pk, r.exam_number, r.profile.name_zh, r.profile.name_en, r.profile.national_id, r.identity, r.account,
         r.amount, r.score, r.applied_at.replace(tzinfo=None), r.profile.birth_date]
        for r in objects
    ]  # fmt: skip


def export_core(objects, cols):
    from gradadmit.core.exports import write_xlsx

    with tempfile.TemporaryFile() as out:
        write_xlsx(out, columns=cols, rows=objects, title="bench")
        return out.tell()


def export_reference(values):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("bench")
    sheet.append(["Application", "Exam number", "Name (Chinese)", "Name (English)", "National ID",
                  "Identity", "Virtual account", "Amount", "Score", "Applied", "Date of birth"])  # fmt: skip
    for row in values:
        sheet.append(row)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        return out.tell()


def setup_django():
    sys.path.insert(0, str(harness.REPO / "src"))
    import django

    django.setup()


def child(args, data_dir):
    return subprocess.run(
        [harness.PYTHON, str(Path(__file__).resolve()), *args],
        cwd=harness.REPO,
        env=harness.bench_env(data_dir),
        check=False,
        capture_output=True,
        text=True,
    )


def run() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-export-"))
    try:
        peaks = {}
        for n in MEMORY_ROWS:
            done = child(["--memory", str(n)], data_dir)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return done.returncode
            peaks[n] = int(done.stdout.split()[-1])
            harness.log(f"memory: {n} rows exported, peak resident {peaks[n] / 1024:.1f} MB (VmHWM)")
        timed = subprocess.run(
            [harness.PYTHON, str(Path(__file__).resolve()), "--measure"],
            cwd=harness.REPO,
            env={**harness.bench_env(data_dir), "BENCH_EXPORT_PEAKS": ",".join(str(peaks[n]) for n in MEMORY_ROWS)},
            check=False,
        )
        return timed.returncode
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            subprocess.run(["rm", "-rf", str(data_dir)], check=False)


def vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory(n: int) -> int:
    setup_django()
    cols = columns()
    size = export_core(rows(n), cols)
    print(f"bytes {size}")
    print(vm_hwm_kb())
    return 0


def measure() -> int:
    setup_django()
    harness.log(f"before: {harness.machine_load()}")
    objects = [Row(i) for i in range(ROWS)]
    values = prepared(objects)
    cols = columns()
    export_core(objects[:200], cols)  # warm-up: imports, lxml, the first styles
    export_reference(values[:200])
    times = {"core": [], "reference": []}
    sizes = {}
    for _round in range(ROUNDS):
        for name, job in (
            ("reference", lambda: export_reference(values)),
            ("core", lambda: export_core(objects, cols)),
        ):
            started = time.perf_counter()
            sizes[name] = job()
            times[name].append(time.perf_counter() - started)
    for name, label in (("reference", "openpyxl write-only, prepared list"), ("core", "core.exports from objects")):
        median = statistics.median(times[name])
        harness.log(
            f"{label}: {ROWS} rows, {ROUNDS} rounds, median {median:.3f} s ({ROWS / median:,.0f} rows/s), "
            f"min {min(times[name]):.3f} s, max {max(times[name]):.3f} s, file {sizes[name] / 1024:.0f} KB"
        )
    harness.log(f"after: {harness.machine_load()}")
    ratio = statistics.median(times["reference"]) / statistics.median(times["core"])
    small, large = (int(v) for v in os.environ["BENCH_EXPORT_PEAKS"].split(","))
    flat = large - small <= MEMORY_SLACK_MB * 1024
    harness.log(
        f"memory: {MEMORY_ROWS[1]} rows peak {large / 1024:.1f} MB vs {MEMORY_ROWS[0]} rows {small / 1024:.1f} MB, "
        f"growth {(large - small) / 1024:.1f} MB (flat if <= {MEMORY_SLACK_MB} MB): {'flat' if flat else 'NOT flat'}"
    )
    verdict = "PASS" if ratio >= TARGET and flat else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    sys.exit(measure())
if __name__ == "__main__" and sys.argv[1:2] == ["--memory"]:
    sys.exit(memory(int(sys.argv[2])))
