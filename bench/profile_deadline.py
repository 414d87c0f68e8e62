"""CPU per request of the deadline-night page kinds, in-process: where a request's time goes (a tool, not a BENCH).

    GRADADMIT_DATA_DIR=/tmp/dl GRADADMIT_BENCH=1 DJANGO_DEBUG=0 DJANGO_SECURE=0 \
        .venv/bin/python bench/profile_deadline.py SEED.json [--rounds N] [--profile KIND] [--queries]

SEED.json is bench/seed_deadline.py's output on a data dir prepared as bench_deadline.py prepares it (migrate,
collectstatic, prepare_pdf_fonts, `load_demo --applicants 60 --seed 2026`). Each page kind of the scenario
(bench/deadline_locust.py) is requested through Django's test client (the whole middleware stack, no network) by
signed-in applicants and staff; the CPU time (time.process_time) of each kind is the median over the rounds.
--profile KIND runs that kind (or "mix": every kind, as often as in the load test) under cProfile and prints the time by package and the top functions;
--queries prints the SQL of one request of each kind.
"""

import argparse
import cProfile
import itertools
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdfgen import pdf_of_size  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

MB = 1024 * 1024
PDFS: dict[int, list[bytes]] = {}
_addresses = itertools.count()  # a sign-in's own address: the sign-in limit counts per address (30 a minute)
HEADERS = {"HTTP_ACCEPT_LANGUAGE": "zh-hant", "HTTP_HOST": "127.0.0.1"}


# How often each kind came in the load test (requests of a 20 s step at 130 people, R10); "mix" profiles them so.
MIX = {
    "考生專區 /me/": 263,
    "documents page": 222,
    "application page": 124,
    "recommenders page": 72,
    "programme page": 62,
    "upload a PDF (1-5 MB)": 59,
    "fee page": 55,
    "recommender link": 53,
    "sign in (POST)": 24,
    "sign-in page": 24,
    "cycle page": 22,
    "review queue": 19,
    "payment slip PDF": 9,
    "cycle overview": 8,
}


def kinds(seed: dict) -> dict:
    """Each page kind: (who, a function of a random choice returning the path)."""
    public = seed["public"]
    staff = seed["staff"]
    return {
        "考生專區 /me/": ("applicant", lambda person, app: "/me/"),
        "application page": ("applicant", lambda person, app: f"/me/applications/{app['id']}/"),
        "documents page": ("applicant", lambda person, app: f"/me/applications/{app['id']}/documents/"),
        "fee page": ("applicant", lambda person, app: f"/me/applications/{app['id']}/fees/"),
        "recommenders page": ("applicant", lambda person, app: f"/me/applications/{app['id']}/recommenders/"),
        "payment slip PDF": ("applicant", lambda person, app: f"/me/applications/{app['id']}/fees/{app['charge']}/slip.pdf"),
        "programme page": ("applicant", lambda person, app: f"/cycles/{public['cycle']}/programs/{random.choice(public['programs'])}/"),
        "cycle page": ("applicant", lambda person, app: f"/cycles/{public['cycle']}/"),
        "sign-in page": ("anonymous", lambda person, app: "/accounts/login/"),
        "recommender link": ("anonymous", lambda person, app: random.choice(seed["finished_letters"] or seed["letters"])),
        "review queue": ("staff", lambda person, app: f"/office/programs/{random.choice(staff['programs'])}/review/"),
        "cycle overview": ("staff", lambda person, app: f"/office/cycles/{staff['cycle']}/overview/"),
        "office home": ("staff", lambda person, app: "/office/"),
    }  # fmt: skip


def clients(seed: dict, count: int) -> dict:
    applicants = []
    for person in seed["applicants"][:count]:
        client = Client(**HEADERS)
        assert client.login(email=person["email"], password=seed["password"]), person["email"]
        applicants.append((client, person))
    staff = Client(**HEADERS)
    assert staff.login(email=seed["staff"]["office"], password=seed["password"])
    return {"applicant": applicants, "staff": [(staff, None)], "anonymous": [(Client(**HEADERS), None)],
            "signing in": [(Client(**HEADERS), None)]}  # fmt: skip


def posts(seed: dict) -> dict:
    """The scenario's writes: (who, a function returning (path, data) from a random choice), answered by a redirect."""

    def upload(person, app):
        item = random.choice(app["items"])
        size = random.randint(1, max(1, min(5, item["max_bytes"] // MB)))
        content = SimpleUploadedFile("document.pdf", random.choice(PDFS[size]), content_type="application/pdf")
        return f"/me/applications/{app['id']}/documents/{item['id']}/", {"file": content}

    def sign_in(person, app):
        return "/accounts/login/", {"login": person["email"], "password": seed["password"]}

    return {"upload a PDF (1-5 MB)": ("applicant", upload), "sign in (POST)": ("signing in", sign_in)}


def one(who: str, make_path, pool: dict):
    client, person = random.choice(pool[who])
    if who == "signing in":  # signed out again after each sign-in; the same client (a new one loads its middleware)
        client.cookies.clear()
        person = random.choice(pool["applicant"])[1]
    app = random.choice([a for a in person["apps"] if a["charge"] and a["items"]] or person["apps"]) if person else None
    target = make_path(person, app)
    path, data = target if isinstance(target, tuple) else (target, None)
    number = next(_addresses)
    extra = {"REMOTE_ADDR": f"10.9.{number // 256 % 256}.{number % 256}"} if who in ("signing in", "anonymous") else {}
    started = time.process_time()
    response = client.get(path, **extra) if data is None else client.post(path, data, **extra)
    spent = time.process_time() - started
    assert response.status_code == (200 if data is None else 302), (path, response.status_code)
    return spent, path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("seed")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="run --profile's requests without cProfile and print "
        "the CPU a request costs on average (for a sampling profiler such as py-spy, or a figure)",
    )
    args = parser.parse_args()
    seed = json.loads(Path(args.seed).read_text().strip().splitlines()[-1])
    random.seed(7)
    for size in range(1, 6):
        PDFS[size] = [pdf_of_size(size * MB - 4096) for _ in range(3)]
    table = {**kinds(seed), **posts(seed)}
    pool = clients(seed, 12)
    for who, make_path in table.values():  # warm: templates, fonts, connections
        for _ in range(3):
            one(who, make_path, pool)
    if args.queries:
        for name, (who, make_path) in table.items():
            with CaptureQueriesContext(connection) as queries:
                _, path = one(who, make_path, pool)
            print(f"== {name} {path}: {len(queries)} queries")
            for query in queries.captured_queries:
                print(f"   {query['sql'][:300]}")
        return 0
    if args.profile:
        names = list(MIX) if args.profile == "mix" else [args.profile]
        weights = [MIX[name] for name in names] if args.profile == "mix" else [1]
        chosen = random.choices(names, weights, k=args.rounds)
        if args.plain:
            spent_all = [one(*table[name], pool)[0] for name in chosen]
            print(
                f"{args.profile}: {sum(spent_all) / len(spent_all) * 1000:.2f} ms CPU a request on average "
                f"({len(spent_all)} requests)"
            )
            return 0
        profiler = cProfile.Profile()
        profiler.enable()
        for name in chosen:
            one(*table[name], pool)
        profiler.disable()
        report(profiler, args.rounds)
        return 0
    spent = defaultdict(list)
    for _ in range(args.rounds):
        for name, (who, make_path) in table.items():
            spent[name].append(one(who, make_path, pool)[0])
    for name, values in spent.items():
        print(f"{name:<22} {statistics.median(values) * 1000:6.1f} ms CPU (median of {len(values)})")
    return 0


def report(profiler, rounds: int) -> None:
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        parts = filename.split("site-packages/")
        if len(parts) > 1:
            package = parts[1].split("/")[0]
            if package == "django":
                package = "django/" + parts[1].split("/")[1]
        elif "/src/gradadmit/" in filename:
            package = "gradadmit/" + filename.split("/src/gradadmit/")[1].split("/")[0]
        else:
            package = "other: " + Path(filename).name
        by_package[package] += own
    total = sum(by_package.values())
    print(f"own time by package, per request ({total / rounds * 1000:.1f} ms under the profiler):")
    for package, own in sorted(by_package.items(), key=lambda item: -item[1])[:25]:
        print(f"  {package:<40} {own / rounds * 1000:6.2f} ms  {own / total:5.1%}")
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        int(os.environ.get("PROFILE_LINES", "45"))
    )


if __name__ == "__main__":
    sys.exit(main())
