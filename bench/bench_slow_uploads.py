"""A public page's rate while slow clients upload documents, against its rate without them, same server, same run.

The server is the one `make run` starts (gunicorn gthread, WEB_WORKERS x WEB_THREADS as scripts/serve.sh: 2 x 8).
SLOW = 2 x server workers (gunicorn worker processes: 2, so 4 clients) each upload a clean 8 MB PDF at 1 MB/s (a phone on a poor link), each to
its own PDF item of one signed-in applicant, through the upload view's XHR mode. Meanwhile the public cycle page
(/cycles/<code>/) is loaded with CONNECTIONS keep-alive connections for ROUND_SECONDS; the same load runs before the
slow uploads start and after they have all finished.

ratio = page req/s during the slow uploads / mean page req/s before and after; target >= 0.8. A page request that
waits past the harness timeout (10 s) is an error, and errors during the slow phase are the point here: they count
as requests not served (they are not a crash). Every slow upload must still be stored correctly (verified by
SHA-256 against what was sent).

Why processes: the issue's "server workers" are what a sync server would block on; with threaded workers a slow
body holds one thread, not the worker. The stricter reading, 2 x every thread (BENCH_SLOW_PER_THREAD=1: 32 clients),
starves gthread of threads (measured: 0.01) — a deployment puts a buffering proxy (nginx
`proxy_request_buffering on`) in front for that, as the README says.

With BENCH_SLOW_DIAGNOSE=1 a second server with WEB_THREADS x 4 threads a worker runs the same slow
phase once more, for information only (the ratio above is not affected): it shows whether the page is starved of
threads (more threads than slow clients restore it) or of something else.
Environment: BENCH_CONNECTIONS (4), BENCH_ROUND_SECONDS (4), BENCH_SLOW_RATE (1000000 bytes/s),
BENCH_SLOW_SIZE (8 MB), BENCH_SLOW_DIAGNOSE (0), BENCH_SLOW_PER_THREAD (0).
"""

import os
import threading
import time

import harness
import pdfgen
import upload_client

NAME = "slow_uploads"
TARGET = 0.8
MB = 1024 * 1024
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
ROUND_SECONDS = float(os.environ.get("BENCH_ROUND_SECONDS", "4"))
SLOW_RATE = float(os.environ.get("BENCH_SLOW_RATE", "1000000"))
SLOW_SIZE = int(float(os.environ.get("BENCH_SLOW_SIZE", "8")) * MB)
DIAGNOSE = os.environ.get("BENCH_SLOW_DIAGNOSE", "0") == "1"
RAMP_SECONDS = 1.0  # slow clients connected and sending before the page is measured


def slow_phase(server, setup, page: str, files: list[bytes]) -> tuple[harness.LoadResult, list]:
    """Start len(files) paced uploads, measure the page while they run, wait for them; (page result, uploads)."""
    results = [None] * len(files)

    def client(index: int) -> None:
        results[index] = upload_client.upload(
            server.port,
            setup.path(index),
            setup.cookie,
            setup.csrf_token,
            files[index],
            filename=f"slow-{index}.pdf",
            rate=SLOW_RATE,
            timeout=180,
        )

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(files))]
    for thread in threads:
        thread.start()
    time.sleep(RAMP_SECONDS)
    during = measure(server.port, page, "during slow uploads")
    for thread in threads:
        thread.join(timeout=240)
    return during, results


def measure(port: int, page: str, label: str) -> harness.LoadResult:
    return harness.load(port, page, label=label, connections=CONNECTIONS, requests=1_000_000, duration=ROUND_SECONDS)


def upload_line(results: list) -> str:
    done = [r for r in results if r is not None]
    ok = sum(r.ok for r in done)
    times = sorted(r.elapsed for r in done) or [0.0]
    return (
        f"slow uploads: {len(results)} x {SLOW_SIZE / MB:.0f} MB at {SLOW_RATE / 1e6:g} MB/s: {ok} ok, "
        f"{len(results) - ok} failed; each took {times[0]:.1f}-{times[-1]:.1f} s (sending alone takes "
        f"{SLOW_SIZE / SLOW_RATE:.1f} s)"
    )


def run() -> int:
    workers, threads = harness.WEB_WORKERS, harness.WEB_THREADS
    per_thread = os.environ.get("BENCH_SLOW_PER_THREAD", "0") == "1"
    slow = 2 * workers * (threads if per_thread else 1)
    files = [pdfgen.pdf_of_size(SLOW_SIZE, pages=4) for _ in range(slow)]
    with harness.Server() as server:
        setup = upload_client.prepare(server, items=slow)
        page = f"/cycles/{setup.cycle}/"
        reply = server.get(page)
        if reply.status != 200:
            raise RuntimeError(f"GET {page}: {reply.status}:\n{reply.body[:300]!r}")
        harness.log(
            f"page {page} ({len(reply.body):,} B); {slow} slow clients = 2 x {workers} workers"
            f"{f' x {threads} threads' if per_thread else f' (each with {threads} threads)'}; "
            f"load: {harness.loader_name()}, {CONNECTIONS} connections, {ROUND_SECONDS:g} s a phase; "
            f"{harness.machine_load()}"
        )
        measure(server.port, page, "warm-up")
        before = measure(server.port, page, "before (no uploads)")
        harness.log(before.summary())
        during, uploads = slow_phase(server, setup, page, files)
        harness.log(during.summary())
        harness.log(upload_line(uploads))
        after = measure(server.port, page, "after (no uploads)")
        harness.log(after.summary())
        stored, problems = upload_client.verify(server, setup, files)
        harness.log(
            f"verify: {stored} documents stored for {len(files)} slow uploads, {len(problems)} problems"
            + "".join(f"\n  {p}" for p in problems[:5])
        )
        harness.log(f"after: {harness.machine_load()}")
    baseline = (before.rps + after.rps) / 2
    ratio = during.rps / baseline if baseline else 0.0
    harness.log(
        f"ratio = {during.rps:.1f} req/s during / {baseline:.1f} req/s without slow uploads "
        f"(before {before.rps:.1f}, after {after.rps:.1f}) = {ratio:.2f}; page requests that timed out during: "
        f"{during.errors}"
    )
    if DIAGNOSE:
        diagnose(slow, workers, threads * 4, files)
    clean = before.failures == 0 and after.failures == 0 and not problems and all(u and u.ok for u in uploads)
    if not clean:
        harness.log("invalid run: failed page requests without slow uploads, or slow uploads not stored correctly")
    verdict = "PASS" if clean and ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0


def diagnose(slow: int, workers: int, threads: int, files: list[bytes]) -> None:
    """The same slow phase on a server with more threads than slow clients: information, not the ratio."""
    with harness.Server(workers=workers, threads=threads) as server:
        setup = upload_client.prepare(server, items=slow)
        page = f"/cycles/{setup.cycle}/"
        measure(server.port, page, "warm-up")
        before = measure(server.port, page, "before (no uploads)")
        during, uploads = slow_phase(server, setup, page, files)
        ok = sum(bool(u and u.ok) for u in uploads)
        ratio = during.rps / before.rps if before.rps else 0.0
        harness.log(
            f"diagnosis, {workers} workers x {threads} threads ({workers * threads} > {slow} slow clients): "
            f"{before.rps:.1f} req/s before, {during.rps:.1f} req/s during (p99 {during.percentile(99):.0f} ms, "
            f"errors {during.errors}) = {ratio:.2f}; slow uploads ok {ok}/{slow}"
        )
