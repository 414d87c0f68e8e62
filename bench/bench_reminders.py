"""The hourly recommendation-reminder job: memory must stay flat with the number of reminders, every email sent.

Two throw-away data directories (one migrated SQLite file, copied), seeded by bench/reminder_worker.py with SMALL and
LARGE recommendation requests due for their 3-day reminder (N/2 applicants, 2 recommenders each, 10 programmes, the
letters step ending in 2 days, the invitation sent 10 days ago). In each, the job
(recommendations.tasks.send_recommendation_reminders -> services.send_due_reminders) runs in a fresh process with
the immediate task backend (so each queued notice email is sent right away, in the job's process, as the worker
would) and a counting email backend (bench/mail_counting_backend.py: builds each MIME message like the console or
locmem backend, keeps none, so the backend itself cannot grow). Reported: wall time, reminders returned, emails
sent (must equal the count), notices recorded sent, resident set before the job and peak resident set of the
process (VmHWM, as packet_worker.py). The large run goes first, so machine warm-up cannot favour it.

ratio = peak(SMALL) / peak(LARGE), target >= 0.8 (LARGE uses at most 25 % more than SMALL).
Environment: BENCH_REMINDERS_SMALL (500), BENCH_REMINDERS_LARGE (2000).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness

NAME = "reminders"
TARGET = 0.8
SMALL = int(os.environ.get("BENCH_REMINDERS_SMALL", "500"))
LARGE = int(os.environ.get("BENCH_REMINDERS_LARGE", "2000"))
SQLITE = "gradadmit.sqlite3"


def worker(env: dict, *args: str) -> dict:
    completed = subprocess.run(
        [harness.PYTHON, "bench/reminder_worker.py", *args],
        cwd=harness.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"reminder_worker.py {args[0]} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    dirs = {size: Path(tempfile.mkdtemp(prefix=f"gradadmit-bench-reminders-{size}-")) for size in (LARGE, SMALL)}
    envs = {size: harness.bench_env(folder) for size, folder in dirs.items()}
    results = {}
    try:
        started = time.perf_counter()
        first, *others = dirs
        done = subprocess.run(
            [harness.PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=harness.REPO,
            env=envs[first],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        for size in others:
            shutil.copyfile(dirs[first] / SQLITE, dirs[size] / SQLITE)
        migrated = time.perf_counter() - started
        for size in dirs:
            seeded = worker(envs[size], "seed", str(size))
            harness.log(
                f"seed {size}: {seeded['requests']} requests, {seeded['applicants']} applicants, "
                f"{seeded['programmes']} programmes in {seeded['seconds']:.1f} s"
            )
        harness.log(f"migrate {migrated:.1f} s; {harness.machine_load()}")
        for size in dirs:  # LARGE first
            result = worker(envs[size], "run")
            results[size] = result
            harness.log(
                f"job {size:5d}: {result['seconds']:6.2f} s ({result['seconds'] / size * 1000:.1f} ms/reminder), "
                f"returned {result['returned']}, emails sent {result['emails']} "
                f"({result['email_bytes'] / max(1, result['emails']) / 1024:.1f} KB each), notices recorded sent "
                f"{result['notices_sent']}; RSS before {result['baseline_kb'] / 1024:.1f} MB, peak "
                f"{result['peak_kb'] / 1024:.1f} MB (growth {(result['peak_kb'] - result['baseline_kb']) / 1024:.1f} "
                f"MB), RSS after {result['rss_after_kb'] / 1024:.1f} MB"
            )
        harness.log(f"after: {harness.machine_load()}")
    finally:
        for folder in dirs.values():
            if keep:
                harness.log(f"kept {folder} (BENCH_KEEP=1)")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    small, large = results[SMALL], results[LARGE]
    ratio = small["peak_kb"] / large["peak_kb"]
    growth_small = small["peak_kb"] - small["baseline_kb"]
    growth_large = large["peak_kb"] - large["baseline_kb"]
    harness.log(
        f"memory: peak {SMALL} {small['peak_kb'] / 1024:.1f} MB / peak {LARGE} {large['peak_kb'] / 1024:.1f} MB = "
        f"{ratio:.2f} (target >= {TARGET:g}); growth during the job {growth_small / 1024:.1f} MB vs "
        f"{growth_large / 1024:.1f} MB ({(growth_large - growth_small) / (LARGE - SMALL):.1f} KB per extra reminder)"
    )
    complete = all(results[size]["emails"] == size == results[size]["notices_sent"] for size in results)
    if not complete:
        harness.log("FAIL: emails sent or notices recorded differ from the number of requests due")
    harness.log(f"time: {SMALL} in {small['seconds']:.2f} s, {LARGE} in {large['seconds']:.2f} s")
    verdict = "PASS" if complete and ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0
