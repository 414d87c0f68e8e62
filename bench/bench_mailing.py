"""A mailing to 5,000 applicants through a local SMTP server, against smtplib sending the same prepared messages.

A separate process runs the SMTP server (bench/smtp_sink.py: aiosmtpd, counts what it accepts). For each round,
in a fresh throw-away data directory (a copy of one migrated SQLite file), bench/mailing_worker.py seeds N
applicants of one programme and a submitted mailing to all of them ("fee unpaid", placeholders {name}, {program},
{link}); a fresh process then approves it and runs the queue as the worker would until nothing is left: the
mailing task writes each inbox message and outbox email in batches, the outbox task claims, sends over one SMTP
connection per batch and marks each email sent. Timed from the approval to the last email marked sent. The
reference, in the same run: the same number of messages, rendered and built first, sent with smtplib over one
connection. Rounds alternate (large mailing, small mailing, reference).

ratio = reference time / mailing time for LARGE recipients (same count), median of the rounds; target >= 0.3.
Memory: the peak resident set of the sending process for LARGE and SMALL recipients is printed (flat when the
LARGE figure is within 25 % of the SMALL one).
Environment: BENCH_MAILING_LARGE (5000), BENCH_MAILING_SMALL (1000), BENCH_ROUNDS (3).
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import harness

NAME = "mailing"
TARGET = 0.3
LARGE = int(os.environ.get("BENCH_MAILING_LARGE", "5000"))
SMALL = int(os.environ.get("BENCH_MAILING_SMALL", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SQLITE = "gradadmit.sqlite3"


class Sink:
    """The SMTP server in its own process; count() reads what it has accepted so far."""

    def __init__(self, folder: Path):
        self.port = harness.free_port() if hasattr(harness, "free_port") else _free_port()
        self.count_file = folder / f"smtp-count-{self.port}"
        self.process = subprocess.Popen(
            [harness.PYTHON, "bench/smtp_sink.py", str(self.port), str(self.count_file)], cwd=harness.REPO
        )
        deadline = time.time() + 20
        while not self.count_file.exists():
            if time.time() > deadline:
                raise RuntimeError("the SMTP sink did not start")
            time.sleep(0.05)

    def figures(self) -> tuple[int, float, float]:
        time.sleep(0.4)  # the sink writes its count every 0.2 s
        count, first, last = self.count_file.read_text().split()
        return int(count), float(first), float(last)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker(env: dict, *args) -> dict:
    done = subprocess.run(
        [harness.PYTHON, "bench/mailing_worker.py", *map(str, args)],
        cwd=harness.REPO, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"mailing_worker.py {args[0]} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def migrated_template(root: Path) -> Path:
    template = root / "template"
    template.mkdir()
    subprocess.run(
        [harness.PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=harness.REPO, env=harness.bench_env(template), check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return template / SQLITE


def fresh_env(root: Path, template: Path, name: str, sink: Sink, **extra) -> dict:
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    shutil.copy(template, folder / SQLITE)
    env = harness.bench_env(folder)
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="0", EMAIL_USE_SSL="0", **extra)
    return env


def mailing_round(root, template, sink, size: int) -> dict:
    env = fresh_env(root, template, f"mailing-{size}", sink)
    seeded = worker(env, "seed", size)
    before, _first, _last = sink.figures()
    result = worker(env, "send", seeded["mailing"], seeded["approver"])
    after, _first, _last = sink.figures()
    result["received"] = after - before
    if result["sent"] != size or result["received"] != size:
        raise RuntimeError(f"mailing of {size}: {result['sent']} marked sent, {result['received']} received")
    return result


def run() -> int:
    harness.log(f"== mailing: {LARGE} and {SMALL} recipients, {ROUNDS} rounds; {harness.machine_load()}")
    root = Path(tempfile.mkdtemp(prefix="gradadmit-bench-mailing-"))
    sink = Sink(root)
    try:
        template = migrated_template(root)
        large, small, reference = [], [], []
        for round_number in range(1, ROUNDS + 1):
            large.append(mailing_round(root, template, sink, LARGE))
            small.append(mailing_round(root, template, sink, SMALL))
            env = fresh_env(root, template, "reference", sink)
            before, _f, _l = sink.figures()
            reference.append(worker(env, "reference", LARGE, sink.port))
            received = sink.figures()[0] - before
            if received != LARGE:
                raise RuntimeError(f"reference: {received} of {LARGE} received")
            harness.log(
                f"round {round_number}: mailing {LARGE} in {large[-1]['seconds']:.2f} s "
                f"({LARGE / large[-1]['seconds']:.0f}/s, peak {large[-1]['peak_mb']:.1f} MB); "
                f"mailing {SMALL} in {small[-1]['seconds']:.2f} s (peak {small[-1]['peak_mb']:.1f} MB); "
                f"smtplib {LARGE} in {reference[-1]['seconds']:.2f} s ({LARGE / reference[-1]['seconds']:.0f}/s)"
            )
        ratios = [ref["seconds"] / mail["seconds"] for ref, mail in zip(reference, large, strict=True)]
        ratio = statistics.median(ratios)
        peak_large = statistics.median(r["peak_mb"] for r in large)
        peak_small = statistics.median(r["peak_mb"] for r in small)
        harness.log(f"raw ratios: {', '.join(f'{r:.3f}' for r in ratios)}")
        harness.log(
            f"memory: peak {peak_large:.1f} MB for {LARGE} recipients, {peak_small:.1f} MB for {SMALL} "
            f"(large/small {peak_large / peak_small:.2f}: {'flat' if peak_large <= 1.25 * peak_small else 'GROWS'})"
        )
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET}) {verdict}")
    finally:
        sink.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)
    return 0
