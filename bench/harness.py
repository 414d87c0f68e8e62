"""Benchmark harness: the real server on a throw-away database, and a load generator in other processes.

    with Server() as server:                      # migrate + collectstatic + gunicorn, like `make run`
        server.python("bench/seed_x.py")          # any script, with the bench environment
        result = load(server.port, "/me/", cookie="sessionid=...", requests=1000, duration=10)
        print(result.summary())                   # rps, p50, p99

The server runs gunicorn with the same worker class, workers and threads as scripts/serve.sh, from
bench/wsgi_bench.py (the production app plus /bench/reference/), with GRADADMIT_DATA_DIR pointing at a fresh
temporary directory (its own SQLite file, files and static files) and GRADADMIT_BENCH=1. The task worker is not
started: no benchmark page queues tasks. Load goes to 127.0.0.1 only, with a fixed request count and a time limit,
from `wrk` when it is installed (BENCH_LOADGEN=wrk|python|auto, auto by default) or from Python client processes.
"""

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
HOST = "127.0.0.1"  # never anything else
WEB_WORKERS = int(os.environ.get("WEB_WORKERS", "2"))  # as scripts/serve.sh
WEB_THREADS = int(os.environ.get("WEB_THREADS", "8"))
WEB_KEEPALIVE = int(os.environ.get("WEB_KEEPALIVE", "75"))  # seconds an idle connection stays open, as serve.sh
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(M)sms'  # as scripts/serve.sh
REQUEST_TIMEOUT = 10.0  # seconds, one request
# Settings that would point the bench away from its own SQLite file and local files, or turn on HTTPS redirects.
DROPPED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "GRADADMIT_S3_BUCKET",
    "EMAIL_HOST",
    "DJANGO_SECURE",
    "DJANGO_SSL_REDIRECT",
    "DJANGO_DEBUG",
    "DJANGO_SETTINGS_MODULE",
)


def log(message: str) -> None:
    print(message, flush=True)


def machine_load() -> str:
    """The 1-minute load average against the CPU count: other work on the machine skews every figure."""
    try:
        one_minute = float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return "load average unknown"
    cpus = os.cpu_count() or 1
    note = " (busy machine: figures are noisy)" if one_minute > cpus else ""
    return f"load average {one_minute:.2f} on {cpus} CPUs{note}"


# --- The server -----------------------------------------------------------------


def bench_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env.update(
        GRADADMIT_DATA_DIR=str(data_dir),
        GRADADMIT_BENCH="1",
        DJANGO_SETTINGS_MODULE="gradadmit.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        GRADADMIT_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    body: bytes
    headers: http.client.HTTPMessage

    def cookies(self) -> dict[str, str]:
        """The cookies the response sets, name -> value."""
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


class ServerError(RuntimeError):
    pass


class Server:
    """Context manager: a fresh data directory, migrated, static files collected, gunicorn answering /healthz."""

    def __init__(self, workers: int = WEB_WORKERS, threads: int = WEB_THREADS, startup_timeout: float = 60.0):
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.keep = os.environ.get("BENCH_KEEP") == "1"  # keep the data directory for a post-mortem
        self.data_dir: Path | None = None
        self.env: dict[str, str] = {}
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._log_file = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "gunicorn.log"

    def __enter__(self) -> "Server":
        self.data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-"))
        self.env = bench_env(self.data_dir)
        try:
            started = time.monotonic()
            self.manage("migrate", "--noinput", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            prepared = time.monotonic()
            self._start()
            log(
                f"server: gunicorn gthread {self.workers} workers x {self.threads} threads on {self.base_url} "
                f"(migrate+collectstatic {prepared - started:.1f} s, boot {time.monotonic() - prepared:.1f} s, "
                f"data {self.data_dir})"
            )
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()
        if self.data_dir is not None and not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        elif self.data_dir is not None:
            log(f"server: kept {self.data_dir} (BENCH_KEEP=1)")

    # Commands with the bench environment ---------------------------------------

    def manage(self, *args: str, timeout: float = 180.0) -> subprocess.CompletedProcess:
        return self.python("manage.py", *args, timeout=timeout)

    def python(self, script: str, *args: str, timeout: float = 180.0) -> subprocess.CompletedProcess:
        """Run a script of the repository with the bench environment; raise with its output if it fails."""
        completed = subprocess.run(
            [PYTHON, script, *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if completed.returncode != 0:
            raise ServerError(
                f"{script} {' '.join(args)} exited {completed.returncode}:\n{completed.stdout}{completed.stderr}"
            )
        return completed

    # gunicorn --------------------------------------------------------------------

    def _command(self) -> list[str]:
        return [
            GUNICORN,
            "bench.wsgi_bench:application",
            "--pythonpath",
            f"{REPO / 'src'},{REPO}",
            "--chdir",
            str(REPO),
            "--worker-class",
            "gthread",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--keep-alive",
            str(WEB_KEEPALIVE),
            "--bind",
            f"{HOST}:{self.port}",
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]

    def _start(self, attempts: int = 3) -> None:
        for attempt in range(1, attempts + 1):
            self.port = free_port()
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115 (closed in _stop)
            self.process = subprocess.Popen(
                self._command(),
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, and we stop it
            )
            if self._wait_healthy():
                return
            self._stop()
            if "Address already in use" not in self.log_tail() or attempt == attempts:
                raise ServerError(f"gunicorn did not answer /healthz:\n{self.log_tail()}")

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                reply = self.get("/healthz", timeout=2.0)
            except OSError:
                reply = None
            if reply is not None and reply.status == 200 and reply.body == b"ok":
                return True
            time.sleep(0.1)
        return False

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the master and its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group started above, and nothing else
                process.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def get(self, path: str, cookie: str | None = None, timeout: float = REQUEST_TIMEOUT) -> Reply:
        """One GET (no redirect following), for pre-flight checks."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=_headers(cookie))
            response = conn.getresponse()
            return Reply(response.status, response.read(), response.headers)
        finally:
            conn.close()


def _headers(cookie: str | None) -> dict[str, str]:
    headers = {"Accept": "text/html", "User-Agent": "gradadmit-bench"}
    if cookie:
        headers["Cookie"] = cookie
    return headers


# --- Results ------------------------------------------------------------------------


@dataclass
class LoadResult:
    """One load phase (or several merged): counts, wall time and a latency histogram in milliseconds."""

    label: str
    loader: str
    connections: int
    requests: int = 0  # responses received, whatever their status
    bad_status: int = 0  # responses other than 2xx
    errors: int = 0  # connection errors and timeouts
    elapsed: float = 0.0  # seconds, first request sent to last response received
    bytes: int = 0  # python: bodies only; wrk: whole responses
    latency_ms: list[tuple[float, int]] = field(default_factory=list)  # (latency, count)
    p50_hint: float | None = None  # percentiles from the loader, when no histogram came back
    p99_hint: float | None = None
    rounds: list["LoadResult"] = field(default_factory=list)  # merged from these (compare_pages), in round order

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    @property
    def failures(self) -> int:
        return self.bad_status + self.errors

    def percentile(self, pct: float) -> float:
        if not self.latency_ms:
            hint = self.p50_hint if pct <= 50 else self.p99_hint
            return hint if hint is not None else float("nan")
        ordered = sorted(self.latency_ms)
        total = sum(count for _, count in ordered)
        rank = max(1, round(pct / 100 * total + 0.5 - 1e-9))  # nearest rank
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                return value
        return ordered[-1][0]

    def summary(self) -> str:
        size = self.bytes / self.requests if self.requests else 0
        return (
            f"{self.label:<22} {self.requests:6d} req in {self.elapsed:6.2f} s = {self.rps:8.1f} req/s  "
            f"p50 {self.percentile(50):7.2f} ms  p90 {self.percentile(90):7.2f} ms  p99 {self.percentile(99):7.2f} ms  "
            f"non-2xx {self.bad_status}  errors {self.errors}  {size:,.0f} B/resp"
        )

    @classmethod
    def merge(cls, label: str, results: list["LoadResult"]) -> "LoadResult":
        """Phases run one after another: counts and times add up, latency histograms are pooled."""
        merged = cls(label=label, loader=results[0].loader, connections=results[0].connections, rounds=list(results))
        for result in results:
            merged.requests += result.requests
            merged.bad_status += result.bad_status
            merged.errors += result.errors
            merged.elapsed += result.elapsed
            merged.bytes += result.bytes
            merged.latency_ms.extend(result.latency_ms)
        if not merged.latency_ms:  # no histograms: the worst phase's figures
            merged.p50_hint = max((r.p50_hint for r in results if r.p50_hint is not None), default=None)
            merged.p99_hint = max((r.p99_hint for r in results if r.p99_hint is not None), default=None)
        return merged


# --- Load generators --------------------------------------------------------------------


def loader_name() -> str:
    choice = os.environ.get("BENCH_LOADGEN", "auto")
    if choice not in {"auto", "wrk", "python"}:
        raise ValueError(f"BENCH_LOADGEN must be auto, wrk or python, not {choice!r}")
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return choice


def load(
    port: int,
    path: str,
    *,
    label: str | None = None,
    cookie: str | None = None,
    connections: int = 8,
    requests: int = 1000,
    duration: float = 10.0,
) -> LoadResult:
    """GET 127.0.0.1:port/path over `connections` keep-alive connections until `requests` or `duration` seconds.

    With wrk the phase is bounded by time only (wrk cannot stop at a count and still time the run correctly).
    """
    label = label or path
    if loader_name() == "wrk":
        return _load_wrk(port, path, label, cookie, connections, duration)
    return _load_python(port, path, label, cookie, connections, requests, duration)


def _load_python(port, path, label, cookie, connections, requests, duration) -> LoadResult:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(connections)
    queue = context.Queue()
    shares = [requests // connections + (1 if i < requests % connections else 0) for i in range(connections)]
    processes = [
        context.Process(
            target=_client_process, args=(port, path, _headers(cookie), share, duration, barrier, queue), daemon=True
        )
        for share in shares
    ]
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(queue.get(timeout=duration + REQUEST_TIMEOUT + 30))
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()  # one of the client processes started above
                process.join(timeout=5)
    failed = [r["crash"] for r in reports if "crash" in r]
    if failed:
        raise RuntimeError(f"load client crashed: {failed[0]}")
    result = LoadResult(label=label, loader="python", connections=connections)
    latencies = Counter()
    for report in reports:
        result.requests += report["requests"]
        result.bad_status += report["bad_status"]
        result.errors += report["errors"]
        result.bytes += report["bytes"]
        latencies.update(round(ms, 3) for ms in report["latency_ms"])
    result.elapsed = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
    result.latency_ms = list(latencies.items())
    return result


def _client_process(port, path, headers, count, duration, barrier, queue) -> None:
    """One keep-alive connection: `count` GETs or until `duration` seconds, then one report on the queue."""
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        conn.connect()
        barrier.wait(timeout=30)
        started = time.monotonic()
        stop_at = started + duration
        latency_ms, bad_status, errors, size, done = [], 0, 0, 0, 0
        clock = time.perf_counter
        while done + errors < count and time.monotonic() < stop_at:
            sent = clock()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()  # http.client reconnects on the next request
                continue
            latency_ms.append((clock() - sent) * 1000)
            done += 1
            size += len(body)
            if not 200 <= response.status < 300:
                bad_status += 1
        finished = time.monotonic()
        conn.close()
        queue.put(
            {
                "started": started,
                "finished": finished,
                "requests": done,
                "bad_status": bad_status,
                "errors": errors,
                "bytes": size,
                "latency_ms": latency_ms,
            }
        )
    except BaseException as error:  # the parent must hear about it rather than wait for the timeout
        queue.put({"crash": repr(error)})


WRK_SCRIPT = r"""
-- gradadmit bench: count non-2xx responses per thread, print one JSON line with the latency histogram.
local threads = {}
non2xx = 0

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local bins = {}
  for i = 1, #latency do
    local value, count = latency(i)
    bins[#bins + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"hist":[%s]}\n',
    summary.requests, summary.duration, summary.bytes, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(bins, ",")))
end
"""


def _load_wrk(port, path, label, cookie, connections, duration) -> LoadResult:
    threads = max(1, min(connections, os.cpu_count() or 1, 4))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="gradadmit-bench-") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            f"--timeout={round(REQUEST_TIMEOUT)}s",
            "-s",
            script.name,
            f"http://{HOST}:{port}{path}",
        ]
        for name, value in _headers(cookie).items():
            command[1:1] = ["-H", f"{name}: {value}"]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + REQUEST_TIMEOUT + 30)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}{completed.stderr}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    return LoadResult(
        label=label,
        loader="wrk",
        connections=connections,
        requests=data["requests"],
        bad_status=data["non2xx"],
        errors=data["errors"],
        elapsed=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        latency_ms=[(value / 1000, count) for value, count in data["hist"]],
        p50_hint=data["p50_us"] / 1000,
        p99_hint=data["p99_us"] / 1000,
    )


# --- comparing pages on one server: the pattern of every page benchmark ------------------------------------------
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))
ROUND_SECONDS = float(os.environ.get("BENCH_ROUND_SECONDS", "5"))
MIN_ROUNDS = 5  # a median of fewer rounds still follows one disturbed round
ROUNDS = max(MIN_ROUNDS, int(os.environ.get("BENCH_ROUNDS", str(MIN_ROUNDS))))
WARMUP_REQUESTS = 100
WARMUP_SECONDS = 3.0


def compare_pages(server, pages: dict[str, str], *, cookie: str = "", note: str = "") -> dict[str, "LoadResult"]:
    """Warm every page up, then ROUNDS (at least 5) rounds loading each page in turn, merged per page (logged as it
    goes; each merged result keeps its rounds, for the per-round ratios of page_verdict).

    The reference and the measured pages are interleaved, one short phase each per round, and the order rotates
    every round, so no page always runs first (or right after the machine was idle), and a disturbance of the
    machine (other work starting) lands on both sides of one round's ratio rather than on one page's figures.
    """
    loader = loader_name()
    bound = f"{ROUND_SECONDS:g} s" if loader == "wrk" else f"({REQUESTS} requests or {ROUND_SECONDS:g} s)"
    log(
        f"load: {loader}, {CONNECTIONS} keep-alive connections from 127.0.0.1, {ROUNDS} rounds x {bound} per page"
        f"{note}; server and load share the machine, {machine_load()}"
    )
    for path in pages.values():  # warm-up, not measured
        load(
            server.port,
            path,
            cookie=cookie,
            connections=CONNECTIONS,
            requests=WARMUP_REQUESTS,
            duration=min(WARMUP_SECONDS, ROUND_SECONDS),
        )
    names = list(pages)
    results = {name: [] for name in names}
    for round_number in range(1, ROUNDS + 1):
        shift = (round_number - 1) % len(names)
        for name in names[shift:] + names[:shift]:
            result = load(
                server.port,
                pages[name],
                label=f"round {round_number} {name}",
                cookie=cookie,
                connections=CONNECTIONS,
                requests=REQUESTS,
                duration=ROUND_SECONDS,
            )
            results[name].append(result)
            log(result.summary())
    merged = {name: LoadResult.merge(f"{name} {pages[name]}", results[name]) for name in names}
    for result in merged.values():
        log(result.summary())
    return merged


def round_ratios(reference: "LoadResult", measured: "LoadResult") -> list[float]:
    """The page's rate over the reference's, round by round (both from compare_pages); the merged ratio if the
    results have no rounds."""
    pairs = list(zip(reference.rounds, measured.rounds, strict=True)) or [(reference, measured)]
    return [page.rps / ref.rps if ref.rps else 0.0 for ref, page in pairs]


def median_ratio(name: str, reference: "LoadResult", measured: "LoadResult") -> float:
    """Log the per-round ratios of `name`, their median and spread and the machine's load; return the median."""
    ratios = round_ratios(reference, measured)
    median = statistics.median(ratios)
    low, high = min(ratios), max(ratios)
    spread = (high - low) / median * 100 if median else 0.0
    log(
        f"{name}: ratio per round {', '.join(f'{r:.2f}' for r in ratios)}; median {median:.2f}, spread "
        f"{low:.2f}-{high:.2f} ({spread:.0f} % of the median); {machine_load()}"
    )
    return median


def page_verdict(name: str, target: float, reference: "LoadResult", measured: "LoadResult", *, fixed=True) -> None:
    """Print the BENCH line of a page benchmark: the median over the rounds of its rate over the reference page's
    (each round's ratio compares two phases run seconds apart), PASS only when no request failed, the median reaches
    the target and (where checked) the query count did not grow with the data."""
    ratio = median_ratio(name, reference, measured)
    clean = reference.failures == 0 and measured.failures == 0
    if not clean:
        log(f"invalid run: {reference.failures + measured.failures} failed requests (non-2xx or errors)")
    verdict = "PASS" if clean and fixed and ratio >= target else "FAIL"
    print(f"BENCH {name}: ratio {ratio:.2f} (target >= {target:g}) {verdict}", flush=True)
