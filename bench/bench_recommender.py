"""The recommender's token page (GET /recommend/<token>/) against the plain reference page, same server, same load.

Seed (bench/seed_recommender.py, through the app's services): one applicant, 3 programmes asking for letters, the
letters step open; three pages are measured:
  invited: the token page of a recommender who has not answered yet (their details form, accept / decline);
  writing: the token page of a recommender who accepted (details, upload form with 2 sibling programmes to tick,
           the link to the 附件五 form);
  form:    that recommender's 附件五 page (/recommend/<token>/form/: 27 questions, the draft, autosave).
The target is the token page's (the page the emailed link opens): ratio = the slower of invited and writing. The
form page's ratio is printed too, but it is not in the target.
The token endpoint is rate limited per address (120/m/ip, allauth's limiter): the server runs with the limits off,
through the bench-only settings module bench/settings_bench_tokens.py (DJANGO_SETTINGS_MODULE, and
GRADADMIT_BENCH_TOKEN_LIMITS=off), because gradadmit/settings.py cannot set RECOMMENDATION_TOKEN_RATE_LIMITS from the
environment. The limiter's own cost (two cache round trips a request) is therefore not in the figures.

One token per page for the whole load: a GET changes nothing and the app keeps nothing per token (each request
hashes the token and looks up the unique token_hash index), so any token costs the same; the seed checks this on
5 tokens per page (same status, SQL query count and response size) and the pre-flight GETs every one of them.
(The harness loaders send one URL per phase, so many tokens would also need a loader of its own.)

After a warm-up, rounds rotate the four pages (reference, invited, writing, form) with the same connections,
request count and time limit; ratio = the slower token page's median over the rounds of req/s / reference req/s (target >= 0.5).
Environment: BENCH_CONNECTIONS (8), BENCH_REQUESTS per page per round (500), BENCH_ROUND_SECONDS (5),
BENCH_ROUNDS (5, at least 5), BENCH_LOADGEN (auto|wrk|python).
"""

import json
import os

import harness

NAME = "recommender"
TARGET = 0.5
REFERENCE = "/bench/reference/"
SETTINGS_MODULE = "bench.settings_bench_tokens"
MARKERS = {  # what only that page shows: the accept form's action, the link to 附件五, the autosaved 附件五 form
    "invited": "{path}accept/",
    "writing": 'href="{path}form/"',
    "form": "data-draft-url",
}
TOKEN_PAGES = ("invited", "writing")  # the target's pages; "form" is reported


class TokenServer(harness.Server):
    """The harness's server, with the bench-only settings module (token rate limits off) for gunicorn and scripts."""

    def _start(self, attempts: int = 3) -> None:
        self.env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            GRADADMIT_BENCH_TOKEN_LIMITS="off",
            PYTHONPATH=os.pathsep.join([str(harness.REPO / "src"), str(harness.REPO)]),
        )
        super()._start(attempts)


def run() -> int:
    with TokenServer() as server:
        seeded = json.loads(server.python("bench/seed_recommender.py").stdout.strip().splitlines()[-1])
        harness.log(
            f"seed: settings {seeded['settings']}, RECOMMENDATION_TOKEN_RATE_LIMITS in the view {seeded['rate_limits']}"
        )
        for page, check in seeded["checks"].items():
            harness.log(
                f"seed: {page} page, {len(seeded['paths'][page])} tokens, GET (warm, in-process): statuses "
                f"{check['statuses']}, SQL queries {check['queries']} {check['by_table']}, sizes {check['sizes']} B"
            )
        paths = {page: values[0] for page, values in seeded["paths"].items()}
        cookie = _preflight(server, seeded["paths"])
        harness.log(f"cookies sent: {', '.join(part.split('=')[0] for part in cookie.split('; '))}")
        merged = harness.compare_pages(
            server, {"reference": REFERENCE, **paths}, cookie=cookie, note=", one token per page"
        )
        limited = server.log_tail(2000).count('" 429 ')
        harness.log(f"429 answers in the access log: {limited}; after: {harness.machine_load()}")
    reference = merged["reference"]
    ratios = {page: harness.median_ratio(page, reference, merged[page]) for page in paths}  # medians of the rounds
    harness.log("median ratios to reference: " + ", ".join(f"{page} {ratio:.2f}" for page, ratio in ratios.items()))
    ratio = min(ratios[page] for page in TOKEN_PAGES)
    failures = sum(result.failures for result in merged.values())
    if failures:
        harness.log(f"invalid run: {failures} failed requests (non-2xx or errors)")
    verdict = "PASS" if not failures and ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0


def _preflight(server, paths: dict[str, list[str]]) -> str:
    """Every seeded token answers its page (200, not the 404 or 429 plain page), and the reference page answers.

    Returns the cookie header a browser would send next: the CSRF cookie the token page sets (the page has forms),
    so the measured requests do not each mint a new CSRF secret.
    """
    cookie = ""
    for page, values in paths.items():
        for path in values:
            reply = server.get(path, cookie=cookie or None)
            if reply.status != 200 or MARKERS[page].format(path=path).encode() not in reply.body:
                raise RuntimeError(f"GET {path} ({page}): {reply.status}, not the {page} page:\n{reply.body[:500]!r}")
            if reply.headers.get("Cache-Control") != "private, no-store":
                raise RuntimeError(f"GET {path}: Cache-Control {reply.headers.get('Cache-Control')!r}")
            if not cookie:
                cookie = "; ".join(f"{name}={value}" for name, value in reply.cookies().items())
    reply = server.get(REFERENCE, cookie=cookie or None)
    if reply.status != 200 or reply.body.count(b"<tr") != 51:
        raise RuntimeError(f"GET {REFERENCE}: {reply.status}, not the 50-row reference table:\n{reply.body[:500]!r}")
    return cookie
