"""The eligibility review queue of a 1,000-application programme against the plain reference page, alternately.

A department staff member assigned to a programme of 1,000 active applications (bench/seed_review.py), logged in
with a database session. The queue shows 50 applications a page with their review result, documents and fee
status (from the checklist rows) in a fixed number of queries; the seed checks that count against a programme with
a tenth of the applications. After a warm-up of both pages, rounds alternate the two pages with the same
connections, request count and time limit; the ratio is the median over the rounds of queue req/s over reference req/s.
Environment: BENCH_CONNECTIONS (8), BENCH_REQUESTS per page per round (500), BENCH_ROUND_SECONDS (5),
BENCH_ROUNDS (5, at least 5), BENCH_LOADGEN (auto|wrk|python), BENCH_REVIEW_APPLICATIONS (1000).
"""

import json

import harness

NAME = "review"
TARGET = 0.3
REFERENCE = "/bench/reference/"


def run() -> int:
    with harness.Server() as server:
        seeded = json.loads(server.python("bench/seed_review.py", timeout=600).stdout.strip().splitlines()[-1])
        cookie = f"{seeded['cookie_name']}={seeded['session_key']}"
        queue = seeded["path"]
        harness.log(
            f"seed: {seeded['applications']} applications in one programme; GET {queue} (warm, in-process): "
            f"{seeded['status']}, {seeded['rows']} rows, {seeded['queries']} SQL queries "
            f"(programme of a tenth the size: {seeded['queries_small_programme']}) {seeded['queries_by_table']}"
        )
        fixed = seeded["queries"] == seeded["queries_small_programme"]
        if not fixed:
            harness.log("query count grows with the programme: FAIL")
        cookie = _preflight(server, cookie, queue)
        merged = harness.compare_pages(server, {"reference": REFERENCE, "queue": queue}, cookie=cookie)
        reference, measured = merged["reference"], merged["queue"]
        harness.log(f"after: {harness.machine_load()}")
    harness.page_verdict(NAME, TARGET, reference, measured, fixed=fixed)
    return 0


def _preflight(server, cookie: str, queue: str) -> str:
    """Both pages answer 200 with the session cookie; returns the cookies a browser would send next (+ CSRF)."""
    reply = server.get(queue, cookie=cookie)
    if reply.status != 200 or reply.body.count(b'name="selected"') != 50:
        raise RuntimeError(
            f"GET {queue} with the session cookie: {reply.status}, not a 50-row queue:\n{reply.body[:500]!r}"
        )
    cookie = "; ".join([cookie, *(f"{name}={value}" for name, value in reply.cookies().items())])
    reply = server.get(REFERENCE, cookie=cookie)
    if reply.status != 200 or reply.body.count(b"<tr") != 51:
        raise RuntimeError(f"GET {REFERENCE}: {reply.status}, not the 50-row reference table:\n{reply.body[:500]!r}")
    return cookie
