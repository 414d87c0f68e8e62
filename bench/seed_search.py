"""Seed a bench database for the applicant-search benchmark and print one JSON line for bench_search.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database. Creates 5,000 applicants (BENCH_SEARCH_APPLICANTS) with Chinese and English names from
a fixed list, one application each across ten programmes (every fifth with a second one), exam numbers for half
of them, and an office member logged in with a database session; counts the SQL queries of one search that lists
a page of hits over a tenth of the applicants, then over all of them (the count must not change).
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_search.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from seeding import login_session, warm_get  # noqa: E402

from gradadmit.accounts.models import ApplicantProfile, User  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402
from gradadmit.exams.models import AdmissionTicket  # noqa: E402
from gradadmit.testing.factories import CycleFactory, OfficeFactory, ProgramFactory, valid_taiwan_id  # noqa: E402

APPLICANTS = int(os.environ.get("BENCH_SEARCH_APPLICANTS", "5000"))
SURNAMES = [("陳", "CHEN"), ("林", "LIN"), ("黃", "HUANG"), ("張", "CHANG"), ("李", "LI"), ("王", "WANG"),
            ("吳", "WU"), ("劉", "LIU"), ("蔡", "TSAI"), ("楊", "YANG")]  # fmt: skip
GIVEN = [("美玲", "MEI-LING"), ("志明", "CHIH-MING"), ("家豪", "CHIA-HAO"), ("怡君", "YI-CHUN"), ("俊傑", "CHUN-CHIEH"),
         ("雅婷", "YA-TING"), ("建宏", "CHIEN-HUNG"), ("淑芬", "SHU-FEN"), ("宗翰", "TSUNG-HAN"), ("詩涵", "SHIH-HAN"),
         ("冠宇", "KUAN-YU"), ("佳穎", "CHIA-YING")]  # fmt: skip
QUERY = "陳美玲"  # one surname and given name in 120: ~40 of 5,000 applicants, two pages of hits


def seed(cycle, count: int, offset: int, tag: str):
    programs = [ProgramFactory(cycle=cycle) for _ in range(10)]
    now = clock.now()
    User.objects.bulk_create(
        User(email=f"{tag}{offset + n}@search.example.tw", password="!", pdpa_consent_at=now) for n in range(count)
    )
    users = list(User.objects.filter(email__endswith="@search.example.tw", email__startswith=tag).order_by("id"))
    profiles = []
    for n, user in enumerate(users):
        (surname_zh, surname_en), (given_zh, given_en) = SURNAMES[n % 10], GIVEN[(n // 10) % 12]
        profiles.append(
            ApplicantProfile(
                user=user,
                name_zh=surname_zh + given_zh,
                name_en=f"{surname_en}, {given_en}",
                national_id=valid_taiwan_id(offset + n + 700_000),
                birth_date="1999-05-04",
                gender="female",
                phone_mobile="0912-345-678",
                address="彰化市介壽北路1號",
                school="國立彰化師範大學",
                department="電機工程學系",
                education_status="expected",
            )  # fmt: skip
        )
    ApplicantProfile.objects.bulk_create(profiles)
    applications = [
        Application(applicant=user, program=programs[n % 10], identity="general", applied_at=now - timedelta(minutes=n))
        for n, user in enumerate(users)
    ]
    applications += [
        Application(applicant=user, program=programs[(n + 1) % 10], identity="general", applied_at=now)
        for n, user in enumerate(users)
        if n % 5 == 0
    ]
    Application.objects.bulk_create(applications)
    tickets, sequence = [], {}
    for application in Application.objects.filter(program__in=programs).order_by("id"):
        if application.pk % 2:
            continue
        sequence[application.program_id] = sequence.get(application.program_id, 0) + 1
        number = f"{application.program_id:03d}{sequence[application.program_id]:05d}"
        tickets.append(AdmissionTicket(application=application, program_id=application.program_id,
                                       exam_number=number, sequence=sequence[application.program_id],
                                       assigned_at=now))  # fmt: skip
    AdmissionTicket.objects.bulk_create(tickets)


def main() -> int:
    # First a tenth of the applicants, counted; then the rest: the count must not change with the size.
    with transaction.atomic():
        cycle = CycleFactory()
        seed(cycle, APPLICANTS // 10, 0, "b")
        office = OfficeFactory()
    session_key = login_session(office)
    path = f"/office/search/?q={quote(QUERY)}"
    _, small_queries, _ = warm_get(path, session_key)
    with transaction.atomic():
        seed(cycle, APPLICANTS - APPLICANTS // 10, APPLICANTS, "a")
    response, queries, by_table = warm_get(path, session_key)
    print(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session_key": session_key,
                "path": path,
                "applicants": APPLICANTS,
                "status": response.status_code,
                "hits": response.content.count(b"/office/applicants/"),
                "queries": queries,
                "queries_small": small_queries,
                "queries_by_table": by_table,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
