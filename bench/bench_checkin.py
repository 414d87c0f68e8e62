"""50 concurrent check-ins, give-ups and promotions on PostgreSQL: zero double fills, zero lost updates, p99/median.

In this process, against a throwaway PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
gradadmit; the bench creates and drops `bench_checkin`). Each round seeds one programme with 50 admitted
applicants holding the 50 general places and a waitlist of 60, then releases 50 threads at one barrier: 25 check
in online, 15 give up (附件十; each freed place is offered on by the task worker, which runs immediately after the
commit), 10 office staff press "promote the next". Afterwards the database must show held == admissions holding a
place <= places, no application offered twice, and the offers a prefix of the waitlist order (nobody skipped).
Password hashing is MD5 here, so the figures measure locking, not PBKDF2. ratio = median / p99 latency
(target >= 0.1: p99 at most 10x the median). Environment: BENCH_CHECKIN_ROUNDS (3).
"""

import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

NAME = "checkin"
TARGET = 0.1
ROUNDS = int(os.environ.get("BENCH_CHECKIN_ROUNDS", "3"))
PLACES, WAITLIST, CHECK_INS, GIVE_UPS, PROMOTIONS = 50, 60, 25, 15, 10


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gradadmit")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["TEST"]["NAME"] = "bench_checkin"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import logging

    logging.disable(logging.INFO)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench_checkin needs PostgreSQL (DATABASE_URL=postgres://...)")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def _seed():
    from gradadmit.enrolment.tests.helpers import windows
    from gradadmit.testing.factories import (
        AdmissionFactory,
        ApplicationFactory,
        OfficeFactory,
        ProgramFactory,
        WaitlistEntryFactory,
    )

    program = ProgramFactory(quota_general=PLACES, quota_in_service=0)
    admissions = [AdmissionFactory(application=ApplicationFactory(program=program)) for _ in range(PLACES)]
    for position in range(1, WAITLIST + 1):
        WaitlistEntryFactory(application=ApplicationFactory(program=program), position=position)
    windows(program)
    offices = [OfficeFactory() for _ in range(PROMOTIONS)]
    return program, admissions, offices


def _round(program, admissions, offices):
    from django.db import connections

    from gradadmit.core.errors import DomainError
    from gradadmit.enrolment import services
    from gradadmit.testing.factories import PASSWORD

    calls = [
        *(
            lambda a=a: services.check_in(applicant=a.applicant, admission=a, documents_confirmed=True)
            for a in admissions[:CHECK_INS]
        ),  # fmt: skip
        *(
            lambda a=a: services.give_up(applicant=a.applicant, admission=a, password=PASSWORD)
            for a in admissions[CHECK_INS : CHECK_INS + GIVE_UPS]
        ),  # fmt: skip
        *(lambda s=s: services.promote_next(actor=s, program=program, identity="general") for s in offices),
    ]
    barrier = threading.Barrier(len(calls))
    latencies, errors, refused = [], [], []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait()
            start = time.perf_counter()
            try:
                call()
            except DomainError:
                with lock:
                    refused.append(1)  # e.g. no vacancy left: a correct refusal
            with lock:
                latencies.append(time.perf_counter() - start)
        except Exception as error:  # a deadlock or an IntegrityError would be a real failure
            with lock:
                errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return latencies, errors, len(refused)


def _check(program) -> tuple[int, int]:
    """(double fills, lost updates) found in the database after a round."""
    from gradadmit.enrolment.models import Admission, SeatPool, WaitlistEntry

    pool = SeatPool.objects.get(program=program, identity="general")
    holding = Admission.objects.filter(program=program, seat_identity="general", status__in=Admission.HOLDING).count()
    double = max(0, holding - pool.places)
    lost = abs(pool.held - holding)
    lost += Admission.objects.filter(program=program, status="checked_in").count() != CHECK_INS
    lost += Admission.objects.filter(program=program, status="given_up").count() != GIVE_UPS
    offered = sorted(
        WaitlistEntry.objects.filter(program=program).exclude(status="waiting").values_list("position", flat=True)
    )
    lost += offered != list(range(1, len(offered) + 1))  # a skipped applicant counts as a lost update
    return double, lost


def run() -> int:
    connection, old_name = _setup_django()
    try:
        all_latencies, doubles, losts, failures, refusals = [], 0, 0, [], 0
        for number in range(ROUNDS):
            program, admissions, offices = _seed()
            latencies, errors, refused = _round(program, admissions, offices)
            double, lost = _check(program)
            all_latencies += latencies
            doubles, losts, refusals = doubles + double, losts + lost, refusals + refused
            failures += errors
            print(f"round {number + 1}: {len(latencies)} operations, {refused} refused, {len(errors)} errors, "
                  f"double fills {double}, lost updates {lost}", flush=True)  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    median = statistics.median(all_latencies)
    p99 = statistics.quantiles(all_latencies, n=100)[98]
    print(f"latency over {len(all_latencies)} operations: median {median * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {max(all_latencies) * 1000:.1f} ms; refusals {refusals}; errors {failures[:3]}", flush=True)  # fmt: skip
    ratio = median / p99 if p99 else 0.0
    ok = doubles == 0 and losts == 0 and not failures and ratio >= TARGET
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {'PASS' if ok else 'FAIL'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run())
