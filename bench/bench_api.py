"""The API listing ~5,000 applications page by page against the same rows read with values() + json.dumps.

Both walk every page of 100 rows in id order: the API with its signed cursor, through the token check, the rate
limit counter, the call log, pydantic serialisation and the ETag; the reference (/bench/api-reference/, keyset on
the id) with one values() query over the same columns and json.dumps. Client processes walk the whole listing
again and again for a round; rounds alternate API and reference; the ratio is the median over rounds of API
rows/s over reference rows/s. The seed checks that an API page costs the same number of queries at a tenth of
the applications and at all of them.
Environment: BENCH_CONNECTIONS (4 here), BENCH_ROUND_SECONDS (5), BENCH_ROUNDS (4), BENCH_API_APPLICANTS.
"""

import http.client
import json
import multiprocessing
import os
import statistics
import time
import urllib.parse

import harness

NAME = "api"
TARGET = 0.3
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
ROUND_SECONDS = float(os.environ.get("BENCH_ROUND_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
PAGE = 100


class ApiServer(harness.Server):
    """The harness's server, from bench/wsgi_bench_api.py (the production app plus the reference listing)."""

    def _command(self):
        command = super()._command()
        command[command.index("bench.wsgi_bench:application")] = "bench.wsgi_bench_api:application"
        return command


def _walk(conn, kind: str, token: str) -> tuple[int, int, int]:
    """One walk over every page: (rows, requests, failures)."""
    rows = requests = failures = 0
    cursor = None
    while True:
        if kind == "api":
            query = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
            path, headers = (
                "/api/v1/applications?" + urllib.parse.urlencode(query),
                {"Authorization": f"Bearer {token}"},
            )
        else:
            path, headers = f"/bench/api-reference/?limit={PAGE}&after={cursor or 0}", {}
        conn.request("GET", path, headers={**headers, "Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
        requests += 1
        if response.status != 200:
            return rows, requests, failures + 1
        data = json.loads(body)
        rows += len(data["items"])
        cursor = data["next_cursor"] if kind == "api" else data["next"]
        if cursor is None:
            return rows, requests, failures


def _client(port, kind, token, seconds, barrier, queue):
    try:
        conn = http.client.HTTPConnection(harness.HOST, port, timeout=harness.REQUEST_TIMEOUT)
        barrier.wait(timeout=30)
        started = time.monotonic()
        rows = requests = failures = walks = 0
        while time.monotonic() - started < seconds:
            r, q, f = _walk(conn, kind, token)
            rows, requests, failures, walks = rows + r, requests + q, failures + f, walks + 1
        queue.put({"rows": rows, "requests": requests, "failures": failures, "walks": walks,
                   "elapsed": time.monotonic() - started})  # fmt: skip
    except BaseException as error:
        queue.put({"crash": repr(error)})


def measure(port, kind, token, seconds) -> dict:
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(CONNECTIONS), context.Queue()
    processes = [context.Process(target=_client, args=(port, kind, token, seconds, barrier, queue), daemon=True)
                 for _ in range(CONNECTIONS)]  # fmt: skip
    for process in processes:
        process.start()
    reports = [queue.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join(timeout=5)
    crashed = [r["crash"] for r in reports if "crash" in r]
    if crashed:
        raise RuntimeError(f"client crashed: {crashed[0]}")
    total = {key: sum(r[key] for r in reports) for key in ("rows", "requests", "failures", "walks")}
    total["elapsed"] = max(r["elapsed"] for r in reports)
    total["rows_per_s"] = total["rows"] / total["elapsed"]
    return total


def run() -> int:
    os.environ["GRADADMIT_API_RATE_PER_MINUTE"] = "100000000"  # the bench measures the API, not its limit
    with ApiServer() as server:
        seeded = json.loads(server.python("bench/seed_api.py", timeout=900).stdout.strip().splitlines()[-1])
        fixed = seeded["queries"] == seeded["queries_small"]
        harness.log(f"seed: {seeded['applications']} applications; an API page of {seeded['page']}: "
                    f"{seeded['queries']} queries (a tenth of the applications: {seeded['queries_small']})")  # fmt: skip
        harness.log(f"load: {CONNECTIONS} client processes walking every page, {ROUNDS} rounds x {ROUND_SECONDS:g} s "
                    f"per side; {harness.machine_load()}")  # fmt: skip
        measure(server.port, "api", seeded["token"], 1.0)  # warm-up
        measure(server.port, "reference", "", 1.0)
        ratios, failures = [], 0
        for number in range(1, ROUNDS + 1):
            order = ["api", "reference"] if number % 2 else ["reference", "api"]
            result = {kind: measure(server.port, kind, seeded["token"], ROUND_SECONDS) for kind in order}
            for kind in order:
                r = result[kind]
                failures += r["failures"]
                harness.log(f"round {number} {kind:<9} {r['rows']:7d} rows in {r['elapsed']:5.2f} s = "
                            f"{r['rows_per_s']:9.0f} rows/s ({r['requests']} pages, {r['walks']} walks)")  # fmt: skip
            ratios.append(result["api"]["rows_per_s"] / result["reference"]["rows_per_s"])
        harness.log(f"after: {harness.machine_load()}")
    ratio = statistics.median(ratios)
    harness.log(f"ratios per round: {', '.join(f'{r:.2f}' for r in ratios)}")
    if failures:
        harness.log(f"invalid run: {failures} failed pages")
    if not fixed:
        harness.log("query count grows with the number of applications: FAIL")
    verdict = "PASS" if ratio >= TARGET and fixed and not failures else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0
