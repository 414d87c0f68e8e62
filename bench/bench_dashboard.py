"""考生專區 (/me/) against the plain reference page (/bench/reference/), same server, same load, alternately.

An applicant with a profile and 3 applications to 3 programmes of an open cycle, logged in with a database
session. After a warm-up of both pages, rounds alternate the two pages (reference first, then dashboard first) with
the same connections, request count and time limit; the ratio is the median over the rounds of dashboard req/s over reference req/s.
Environment: BENCH_CONNECTIONS (8), BENCH_REQUESTS per page per round (500), BENCH_ROUND_SECONDS (5),
BENCH_ROUNDS (5, at least 5), BENCH_LOADGEN (auto|wrk|python). Short alternating rounds keep drift (other work on the machine)
from favouring one page.
"""

import json

import harness

NAME = "dashboard"
TARGET = 0.5
DASHBOARD = "/me/"
REFERENCE = "/bench/reference/"


def run() -> int:
    with harness.Server() as server:
        seeded = json.loads(server.python("bench/seed_dashboard.py").stdout.strip().splitlines()[-1])
        cookie = f"{seeded['cookie_name']}={seeded['session_key']}"
        harness.log(
            f"seed: 1 applicant, {seeded['applications']} applications; GET {DASHBOARD} (warm, in-process): "
            f"{seeded['me_status']}, {seeded['me_queries']} SQL queries {seeded['me_queries_by_table']}"
        )
        cookie = _preflight(server, cookie)
        harness.log(f"cookies sent: {', '.join(part.split('=')[0] for part in cookie.split('; '))}")
        merged = harness.compare_pages(server, {"reference": REFERENCE, "dashboard": DASHBOARD}, cookie=cookie)
        reference, dashboard = merged["reference"], merged["dashboard"]
        harness.log(f"after: {harness.machine_load()}")
    harness.page_verdict(NAME, TARGET, reference, dashboard)
    return 0


def _preflight(server, cookie: str) -> str:
    """Both pages answer 200 with the session cookie (a redirect to the login page would benchmark the wrong thing).

    Returns the cookie header a browser would send next: the session plus the CSRF cookie the dashboard sets, so
    the measured requests do not each mint a new CSRF secret.
    """
    reply = server.get(DASHBOARD, cookie=cookie)
    if reply.status != 200 or "考生專區".encode() not in reply.body:
        raise RuntimeError(
            f"GET {DASHBOARD} with the session cookie: {reply.status}, not the dashboard:\n{reply.body[:500]!r}"
        )
    cookie = "; ".join([cookie, *(f"{name}={value}" for name, value in reply.cookies().items())])
    reply = server.get(REFERENCE, cookie=cookie)
    if reply.status != 200 or reply.body.count(b"<tr") != 51:
        raise RuntimeError(f"GET {REFERENCE}: {reply.status}, not the 50-row reference table:\n{reply.body[:500]!r}")
    return cookie
