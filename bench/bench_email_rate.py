"""The configured sending rate is honoured: emails leave the outbox at GRADADMIT_EMAIL_RATE_PER_MINUTE, within 10 %.

A local SMTP server in its own process (bench/smtp_sink.py) stamps the first and the last message it accepts.
bench/mailing_worker.py queues N emails in a fresh data directory and delivers them with the rate set; the rate
measured at the server is (N - 1) / (last - first). Several rounds, each in a fresh directory.

ratio = min(measured, configured) / max(measured, configured), median of the rounds; target >= 0.9 (within 10 %).
Environment: BENCH_RATE_PER_MINUTE (1200), BENCH_RATE_EMAILS (200), BENCH_ROUNDS (3).
"""

import os
import shutil
import statistics
import tempfile
from pathlib import Path

import harness
from bench_mailing import Sink, fresh_env, migrated_template, worker

NAME = "email_rate"
TARGET = 0.9
RATE = int(os.environ.get("BENCH_RATE_PER_MINUTE", "1200"))
EMAILS = int(os.environ.get("BENCH_RATE_EMAILS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def run() -> int:
    harness.log(f"== email rate: {EMAILS} emails at {RATE}/min, {ROUNDS} rounds; {harness.machine_load()}")
    root = Path(tempfile.mkdtemp(prefix="gradadmit-bench-rate-"))
    ratios = []
    try:
        template = migrated_template(root)
        for round_number in range(1, ROUNDS + 1):
            sink = Sink(root)  # a fresh server each round: it stamps its own first and last message
            try:
                env = fresh_env(root, template, "rate", sink, GRADADMIT_EMAIL_RATE_PER_MINUTE=str(RATE))
                result = worker(env, "rate", EMAILS)
                count, first, last = sink.figures()
            finally:
                sink.stop()
            if count != EMAILS or result["sent"] != EMAILS:
                raise RuntimeError(f"round {round_number}: {count} received, {result['sent']} marked sent")
            measured = (EMAILS - 1) / (last - first) * 60
            ratios.append(min(measured, RATE) / max(measured, RATE))
            harness.log(
                f"round {round_number}: {EMAILS} emails in {last - first:.2f} s at the server = {measured:.0f}/min "
                f"(configured {RATE}/min; delivery call {result['seconds']:.2f} s)"
            )
        ratio = statistics.median(ratios)
        harness.log(f"raw ratios: {', '.join(f'{r:.3f}' for r in ratios)}")
        print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET}) {'PASS' if ratio >= TARGET else 'FAIL'}")
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(root, ignore_errors=True)
    return 0
