"""The cycle overview of a 5,000-application cycle against the plain reference page, alternately.

An office member (every programme) opens /office/cycles/<id>/overview/ of a cycle of nine programmes and 5,000
active applications in every funnel state, cloned from a previous cycle (bench/seed_overview.py): the funnel per
programme and identity, applications and payments per day against the previous cycle, uploads per hour before the
documents deadline, all counted in the database with a fixed number of queries (the seed checks that count against
a cycle with a tenth of the applications, counting on every request, and times it). The server runs as configured
by default: the figures are kept a minute (GRADADMIT_OVERVIEW_CACHE_SECONDS), so the load measures the page as staff
reload it (the cached figures, the scoping query, the rendering). After a warm-up of both pages, rounds alternate the two pages with the
same connections, request count and time limit; the ratio is the median over the rounds of overview req/s over reference req/s.
Environment: BENCH_CONNECTIONS (8), BENCH_REQUESTS per page per round (500), BENCH_ROUND_SECONDS (5),
BENCH_ROUNDS (5, at least 5), BENCH_LOADGEN (auto|wrk|python), BENCH_OVERVIEW_APPLICATIONS (5000).
"""

import json

import harness

NAME = "overview"
TARGET = 0.3
REFERENCE = "/bench/reference/"


def run() -> int:
    with harness.Server() as server:
        seeded = json.loads(server.python("bench/seed_overview.py", timeout=900).stdout.strip().splitlines()[-1])
        cookie = f"{seeded['cookie_name']}={seeded['session_key']}"
        overview = seeded["path"]
        harness.log(
            f"seed: {seeded['applications']} applications in nine programmes; GET {overview} (warm, in-process): "
            f"{seeded['status']}, {seeded['canvases']} charts, {seeded['queries']} SQL queries "
            f"(cycle of a tenth the size: {seeded['queries_small_cycle']}) {seeded['queries_by_table']}; "
            f"counting the figures takes {seeded['uncached_ms']} ms a GET; the server keeps them "
            "GRADADMIT_OVERVIEW_CACHE_SECONDS (60 s), so the load below mostly reads them from the cache"
        )
        fixed = seeded["queries"] == seeded["queries_small_cycle"]
        if not fixed:
            harness.log("query count grows with the cycle: FAIL")
        cookie = _preflight(server, cookie, overview)
        merged = harness.compare_pages(server, {"reference": REFERENCE, "overview": overview}, cookie=cookie)
        reference, measured = merged["reference"], merged["overview"]
        harness.log(f"after: {harness.machine_load()}")
    harness.page_verdict(NAME, TARGET, reference, measured, fixed=fixed)
    return 0


def _preflight(server, cookie: str, overview: str) -> str:
    """Both pages answer 200 with the session cookie; returns the cookies a browser would send next (+ CSRF)."""
    reply = server.get(overview, cookie=cookie)
    if reply.status != 200 or reply.body.count(b"<canvas") != 3:
        raise RuntimeError(
            f"GET {overview} with the session cookie: {reply.status}, not the overview:\n{reply.body[:500]!r}"
        )
    cookie = "; ".join([cookie, *(f"{name}={value}" for name, value in reply.cookies().items())])
    reply = server.get(REFERENCE, cookie=cookie)
    if reply.status != 200 or reply.body.count(b"<tr") != 51:
        raise RuntimeError(f"GET {REFERENCE}: {reply.status}, not the 50-row reference table:\n{reply.body[:500]!r}")
    return cookie
