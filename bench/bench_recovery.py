"""Recovery: a packet build whose worker is killed mid-run finishes within 2 x (lease + its normal run time).

A throw-away bench data directory (migrated SQLite, PDF fonts prepared) with one programme of APPLICATIONS
applications (two small PDFs each). `manage.py run_worker` runs as scripts/serve.sh starts it (default interval and
startup delay) with GRADADMIT_WORKER_LEASE_SECONDS=LEASE; a first build warms it up (not measured). Then ROUNDS
rounds, each of:

  normal: the worker already running, a build queued (documents.services.request_packet_build, in another process);
          T = the build's created_at -> finished_at (both written by the portal: queue to done);
  killed: a build queued; once half its packets are in the zip the worker is SIGKILLed and a worker with a new id
          started at once, so the build comes back only through the lease (the old worker's heartbeat must go stale,
          the new worker's sweeper puts the task back, the new worker builds it from the start, cold);
          measured = created_at -> finished_at.

ratio per round = 2 x (LEASE + T) / measured; the result is the median over the rounds; target >= 1.
Environment: BENCH_RECOVERY_LEASE (10 s), BENCH_RECOVERY_APPLICATIONS (8), BENCH_RECOVERY_ROUNDS (3).
"""

import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import harness

NAME = "recovery"
TARGET = 1.0
LEASE = float(os.environ.get("BENCH_RECOVERY_LEASE", "10"))
APPLICATIONS = int(os.environ.get("BENCH_RECOVERY_APPLICATIONS", "8"))
ROUNDS = int(os.environ.get("BENCH_RECOVERY_ROUNDS", "3"))


class Bench:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.env = harness.bench_env(data_dir)
        self.env["GRADADMIT_WORKER_LEASE_SECONDS"] = f"{LEASE:g}"
        self.workers = 0
        self._db = None

    def python(self, *args: str) -> str:
        done = subprocess.run([harness.PYTHON, *args], cwd=harness.REPO, env=self.env, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr[-3000:]}")
        return done.stdout

    def helper(self, *args) -> dict:
        import json

        return json.loads(self.python("bench/jobs_worker.py", *map(str, args)).strip().splitlines()[-1])

    def start_worker(self) -> subprocess.Popen:
        self.workers += 1
        with open(self.data_dir / f"worker-{self.workers}.log", "wb") as log:
            return subprocess.Popen(
                [harness.PYTHON, "manage.py", "run_worker", "--worker-id", f"bench-{self.workers}", "--no-reload"],
                cwd=harness.REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip

    def build(self, program: int, kill: subprocess.Popen | None = None) -> tuple[dict, subprocess.Popen | None]:
        """Queue a build and wait until it is done; with `kill`, SIGKILL that worker half-way and start another."""
        build = self.helper("build", program)["build"]
        replacement, killed_at = None, None
        deadline = time.monotonic() + 600
        while True:
            status, done, total, created, finished = self.row(build)
            if status == "done":
                break
            if status == "failed" or time.monotonic() > deadline:
                raise RuntimeError(f"build {build}: {status} {done}/{total}")
            if kill is not None and replacement is None and total and done >= total // 2:
                os.kill(kill.pid, signal.SIGKILL)  # the worker this benchmark started
                kill.wait(timeout=10)
                killed_at = datetime.now(UTC)
                replacement = self.start_worker()  # a new id: the build comes back through the lease
            time.sleep(0.02)
        seconds = (parse(finished) - parse(created)).total_seconds()
        result = {"build": build, "seconds": seconds, "total": total}
        if killed_at is not None:
            result["killed_after"] = (killed_at - parse(created)).total_seconds()
        return result, replacement

    def row(self, build: int):
        if self._db is None:
            self._db = sqlite3.connect(self.data_dir / "gradadmit.sqlite3", timeout=20, isolation_level=None)
        return self._db.execute(
            "SELECT status, done, total, created_at, finished_at FROM documents_packetbuild WHERE id = ?", (build,)
        ).fetchone()


def parse(value: str) -> datetime:
    """A datetime column of the SQLite file (Django writes UTC)."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-recovery-"))
    bench = Bench(data_dir)
    worker = None
    rounds = []
    try:
        started = time.perf_counter()
        bench.python("manage.py", "migrate", "--noinput", "-v0")
        bench.python("manage.py", "prepare_pdf_fonts")
        program = bench.helper("program", APPLICATIONS)["program"]
        worker = bench.start_worker()
        warm, _ = bench.build(program)
        harness.log(
            f"setup {time.perf_counter() - started:.1f} s: {APPLICATIONS} applications x 2 PDFs; lease {LEASE:g} s; "
            f"warm-up build {warm['seconds']:.2f} s (first build of a fresh worker); {harness.machine_load()}"
        )
        for number in range(1, ROUNDS + 1):
            normal, _ = bench.build(program)
            killed, worker_after = bench.build(program, kill=worker)
            worker = worker_after
            ratio = 2 * (LEASE + normal["seconds"]) / killed["seconds"]
            rounds.append({"normal": normal["seconds"], "killed": killed["seconds"], "ratio": ratio})
            harness.log(
                f"round {number}: normal {normal['seconds']:.2f} s; killed {killed['killed_after']:.2f} s after "
                f"queueing, done {killed['seconds']:.2f} s after queueing; bound 2 x ({LEASE:g} + "
                f"{normal['seconds']:.2f}) = {2 * (LEASE + normal['seconds']):.2f} s; ratio {ratio:.2f}"
            )
        harness.log(f"after: {harness.machine_load()}")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        if keep:
            harness.log(f"kept {data_dir} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    normal = statistics.median(r["normal"] for r in rounds)
    killed = statistics.median(r["killed"] for r in rounds)
    ratio = statistics.median(r["ratio"] for r in rounds)
    harness.log(f"median: normal run T {normal:.2f} s, killed run {killed:.2f} s, lease {LEASE:g} s")
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {'PASS' if ratio >= TARGET else 'FAIL'}", flush=True)
    return 0
