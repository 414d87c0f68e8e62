"""Queue overhead: JOBS small jobs through the task queue against a loop calling the same function, same run.

The small job (bench/queue_tasks.py): one inbox message with its outbox email, as notifications.services writes
them (a read, two INSERTs, one transaction). A throw-away bench data directory (migrated SQLite, the settings'
PRAGMAs). In one process with the bench environment, ROUNDS rounds, the order alternating:

  direct: leave_message.call(...) JOBS times in a loop;
  queue:  a worker already running (`manage.py run_worker`, as scripts/serve.sh starts it, without the schedule so
          that nothing else runs), leave_message.enqueue(...) JOBS times (the database backend, one commit each, as
          a request queues work), timed from the first enqueue to the last job's finished_at (written by the worker).

ratio = direct seconds / queue seconds (the queue's rate as a fraction of the loop's), median over the rounds;
target >= 0.2. Environment: BENCH_QUEUE_JOBS (1000), BENCH_QUEUE_ROUNDS (3), BENCH_QUEUE_INTERVAL (the worker's
--interval; run_worker's default 0.2 s, django-tasks' 1 s gave 0.20-0.23 here).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

NAME = "queue"
TARGET = 0.2
JOBS = int(os.environ.get("BENCH_QUEUE_JOBS", "1000"))
ROUNDS = int(os.environ.get("BENCH_QUEUE_ROUNDS", "3"))
INTERVAL = os.environ.get("BENCH_QUEUE_INTERVAL", "")
DEFAULT_INTERVAL = "run_worker's default (0.2 s)"


def run() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-queue-"))
    env = harness.bench_env(data_dir)
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
    import signal
    import statistics
    import time

    sys.path.insert(0, str(harness.REPO / "src"))
    sys.path.insert(0, str(harness.REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from bench.queue_tasks import leave_message
    from gradadmit.accounts.models import User
    from gradadmit.notifications.models import Message
    from gradadmit.outbox.models import Email

    user = User.objects.create(email="applicant@bench.tw", password="!")
    interval = ["--interval", INTERVAL] if INTERVAL else []
    log_path = Path(os.environ["GRADADMIT_DATA_DIR"]) / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [harness.PYTHON, "manage.py", "run_worker", "--worker-id", "bench-queue", "--no-schedule", "--no-reload",
             "--no-startup-delay", *interval],
            cwd=harness.REPO, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        time.sleep(3)  # the worker has started and is polling

        def direct(offset: int) -> float:
            started = time.perf_counter()
            for n in range(JOBS):
                leave_message.call(user_id=user.pk, n=offset + n)
            return time.perf_counter() - started

        def queued(offset: int) -> tuple[float, float]:
            started = time.time()
            ids = [leave_message.enqueue(user_id=user.pk, n=offset + n).id for n in range(JOBS)]
            enqueued = time.time() - started
            rows = DBTaskResult.objects.filter(pk__in=ids)
            deadline = time.monotonic() + 600
            while rows.filter(status="SUCCESSFUL").count() < JOBS:
                if rows.filter(status="FAILED").exists() or time.monotonic() > deadline or worker.poll() is not None:
                    raise RuntimeError(f"queued jobs failed or the worker stopped; see {log_path}")
                time.sleep(0.05)
            last = max(rows.values_list("finished_at", flat=True))
            return last.timestamp() - started, enqueued

        direct(10**6)  # warm-up: imports, templates, connection (not measured)
        results = []
        for number in range(1, ROUNDS + 1):
            offset = number * 10 * JOBS
            order = ["direct", "queue"] if number % 2 else ["queue", "direct"]
            figures = {}
            for kind in order:
                if kind == "direct":
                    figures["direct"] = direct(offset)
                else:
                    figures["queue"], figures["enqueue"] = queued(offset + JOBS)
            ratio = figures["direct"] / figures["queue"]
            results.append({**figures, "ratio": ratio})
            harness.log(
                f"round {number}: direct {figures['direct']:.2f} s ({JOBS / figures['direct']:,.0f} jobs/s); queue "
                f"{figures['queue']:.2f} s ({JOBS / figures['queue']:,.0f} jobs/s; enqueueing alone "
                f"{figures['enqueue']:.2f} s); ratio {ratio:.2f}"
            )
        expected = (ROUNDS * 2 + 1) * JOBS
        written = (Message.objects.count(), Email.objects.count())
        if written != (expected, expected):
            raise RuntimeError(f"{written} messages and emails written, {expected} expected")
    finally:
        worker.send_signal(signal.SIGTERM)  # the worker started above
        worker.wait(timeout=30)
    median = {key: statistics.median(r[key] for r in results) for key in ("direct", "queue", "enqueue", "ratio")}
    harness.log(
        f"median: direct {median['direct']:.2f} s, queue {median['queue']:.2f} s (enqueueing {median['enqueue']:.2f} s)"
        f" for {JOBS} jobs; worker interval {INTERVAL or DEFAULT_INTERVAL}; {harness.machine_load()}"
    )
    ratio = median["ratio"]
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {'PASS' if ratio >= TARGET else 'FAIL'}", flush=True)


if __name__ == "__main__" and "--inner" in sys.argv:
    _inner()
