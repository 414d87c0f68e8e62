"""Anonymising a cycle of 5,000 applications against a bulk UPDATE of the same rows plus deleting the same files.

Setup (not timed): a throw-away bench data directory (migrated SQLite, its own files), seeded once by
anonymise_worker.py with a cycle that ended two years ago: BENCH_ANONYMISE_APPLICATIONS (5,000) applications of
4,000 applicants, one 20 kB document file each, charges and payments, recommenders with invitation emails, inbox
messages with their emails and audit entries (see anonymise_worker.py). That seeded directory is copied afresh
before every timed step, so each step starts from the same data.

  anonymise: privacy.services.run_anonymisation (the task's body: batches of 500 applicants, every personal field
             replaced, audit values scrubbed, every file deleted through Django's storage, statistics before/after);
  reference: one bulk UPDATE per table over the same rows with constants, and os.remove of the same files.

Rounds alternate the two (BENCH_ANONYMISE_ROUNDS, 3); the median of each counts.
ratio = reference seconds / anonymise seconds; target >= 0.2 (anonymising at a fifth of the bare rate or better).
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

NAME = "anonymise"
TARGET = 0.2
APPLICATIONS = int(os.environ.get("BENCH_ANONYMISE_APPLICATIONS", "5000"))
ROUNDS = int(os.environ.get("BENCH_ANONYMISE_ROUNDS", "3"))


def worker(env: dict, *args: str) -> dict:
    done = subprocess.run([harness.PYTHON, "bench/anonymise_worker.py", *args], cwd=harness.REPO, env=env,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"anonymise_worker.py {args[0]} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    root = Path(tempfile.mkdtemp(prefix="gradadmit-bench-"))
    seeded, work = root / "seeded", root / "work"
    env = harness.bench_env(seeded)
    results = {"anonymise": [], "reference": []}
    try:
        started = time.perf_counter()
        done = subprocess.run([harness.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=harness.REPO, env=env,
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        seed = worker(env, "seed", str(APPLICATIONS))
        harness.log(
            f"input: {seed} (setup {time.perf_counter() - started:.1f} s, data {root}); {harness.machine_load()}"
        )
        work_env = harness.bench_env(work)
        for round_number in range(1, ROUNDS + 1):
            order = ["reference", "anonymise"] if round_number % 2 else ["anonymise", "reference"]
            for kind in order:
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(seeded, work)
                result = worker(work_env, kind)
                results[kind].append(result)
                harness.log(f"{kind:<9} round {round_number}: {result['seconds']:.2f} s")
        last = results["anonymise"][-1]
        harness.log(f"report of the last run: {last['counts']}; statistics kept: {last['statistics_kept']}; "
                    f"document rows still naming a file: {last['files_left_in_rows']}")  # fmt: skip
        harness.log(f"after: {harness.machine_load()}")
    finally:
        if keep:
            harness.log(f"kept {root} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(root, ignore_errors=True)
    anonymise = statistics.median(r["seconds"] for r in results["anonymise"])
    reference = statistics.median(r["seconds"] for r in results["reference"])
    rate = seed["applications"] / anonymise
    harness.log(f"anonymise {anonymise:.2f} s ({rate:.0f} applications/s), reference {reference:.2f} s (medians)")
    ratio = reference / anonymise
    complete = all(r["files_left_in_rows"] == 0 and r["statistics_kept"] for r in results["anonymise"])
    verdict = "PASS" if ratio >= TARGET and complete else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0
