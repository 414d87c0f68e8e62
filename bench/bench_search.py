"""The office's applicant search over 5,000 applicants against the plain reference page, alternately.

An office member (who sees every programme) searches by name (bench/seed_search.py): the search is tried
against names, emails, ID and passport numbers, exam numbers, account and application numbers, and lists the
first page of 25 hits with their programmes and exam numbers, in a fixed number of queries (the seed checks the
count against a tenth of the applicants). After a warm-up of both pages, rounds alternate the two pages with
the same connections, request count and time limit; the ratio is the median over the rounds of search req/s over reference req/s.
Environment: BENCH_CONNECTIONS (8), BENCH_REQUESTS per page per round (500), BENCH_ROUND_SECONDS (5),
BENCH_ROUNDS (5, at least 5), BENCH_LOADGEN (auto|wrk|python), BENCH_SEARCH_APPLICANTS (5000).
"""

import json

import harness

NAME = "search"
TARGET = 0.3
REFERENCE = "/bench/reference/"


def run() -> int:
    with harness.Server() as server:
        seeded = json.loads(server.python("bench/seed_search.py", timeout=600).stdout.strip().splitlines()[-1])
        cookie = f"{seeded['cookie_name']}={seeded['session_key']}"
        search = seeded["path"]
        harness.log(
            f"seed: {seeded['applicants']} applicants; GET {search} (warm, in-process): {seeded['status']}, "
            f"{seeded['hits']} links to records, {seeded['queries']} SQL queries (a tenth of the applicants: "
            f"{seeded['queries_small']}) {seeded['queries_by_table']}"
        )
        fixed = seeded["queries"] == seeded["queries_small"]
        if not fixed:
            harness.log("query count grows with the number of applicants: FAIL")
        cookie = _preflight(server, cookie, search)
        merged = harness.compare_pages(server, {"reference": REFERENCE, "search": search}, cookie=cookie)
        reference, measured = merged["reference"], merged["search"]
        harness.log(f"after: {harness.machine_load()}")
    harness.page_verdict(NAME, TARGET, reference, measured, fixed=fixed)
    return 0


def _preflight(server, cookie: str, search: str) -> str:
    """Both pages answer 200 with the session cookie; returns the cookies a browser would send next."""
    reply = server.get(search, cookie=cookie)
    if reply.status != 200 or reply.body.count(b'href="/office/applicants/') != 25:
        raise RuntimeError(f"GET {search} with the session cookie: {reply.status}, not a page of 25 hits:\n"
                           f"{reply.body[:500]!r}")  # fmt: skip
    cookie = "; ".join([cookie, *(f"{name}={value}" for name, value in reply.cookies().items())])
    reply = server.get(REFERENCE, cookie=cookie)
    if reply.status != 200 or reply.body.count(b"<tr") != 51:
        raise RuntimeError(f"GET {REFERENCE}: {reply.status}, not the 50-row reference table:\n{reply.body[:500]!r}")
    return cookie
