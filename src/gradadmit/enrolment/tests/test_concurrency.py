"""Real concurrent transactions on PostgreSQL: two promotions, or a give-up and a promotion, never double-fill."""

import threading

import pytest
from django.db import connection, connections

from gradadmit.core.errors import DomainError
from gradadmit.enrolment import services
from gradadmit.enrolment.models import Admission, SeatPool, WaitlistEntry
from gradadmit.enrolment.tests.helpers import windows
from gradadmit.testing.factories import (
    PASSWORD,
    AdmissionFactory,
    ApplicationFactory,
    OfficeFactory,
    ProgramFactory,
    WaitlistEntryFactory,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(*calls):
    """Start the calls at one barrier, each in its own thread and connection; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def setup_vacancy(waitlist=3):
    program = ProgramFactory()
    admission = AdmissionFactory(application=ApplicationFactory(program=program))
    entries = [
        WaitlistEntryFactory(application=ApplicationFactory(program=program), position=i + 1) for i in range(waitlist)
    ]
    windows(program)
    return program, admission, entries


def test_two_promotions_at_once_fill_one_place_once():
    program, admission, entries = setup_vacancy()
    windows(program, promotion="closed")  # the freed place stays vacant: the worker would offer it at once
    services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    windows(program)
    staff = [OfficeFactory(), OfficeFactory()]
    results = run_together(
        *(lambda s=s: services.promote_next(actor=s, program=program, identity="general") for s in staff)
    )
    assert sum(isinstance(r, Admission) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert SeatPool.objects.get(program=program, identity="general").held == 1
    offered = WaitlistEntry.objects.filter(program=program, status="offered")
    assert [e.position for e in offered] == [1]  # the first in line, nobody skipped


def test_give_up_racing_a_promotion_never_double_fills():
    program, admission, entries = setup_vacancy()
    office = OfficeFactory()
    for _ in range(5):
        results = run_together(
            lambda: services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD),
            lambda: services.promote_next(actor=office, program=program, identity="general"),
        )
        if isinstance(results[1], Admission) or not isinstance(results[0], DomainError):
            break
    pool = SeatPool.objects.get(program=program, identity="general")
    holding = Admission.objects.filter(program=program, status__in=Admission.HOLDING).count()
    assert pool.held == holding <= pool.places


def test_many_promotions_at_once_follow_the_waitlist_order():
    program = ProgramFactory()
    admissions = [AdmissionFactory(application=ApplicationFactory(program=program)) for _ in range(3)]
    entries = [WaitlistEntryFactory(application=ApplicationFactory(program=program), position=i + 1) for i in range(6)]
    windows(program, promotion="closed")
    for admission in admissions:
        services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    windows(program)
    offices = [OfficeFactory() for _ in range(6)]
    results = run_together(
        *(lambda s=s: services.promote_next(actor=s, program=program, identity="general") for s in offices)
    )
    assert sum(isinstance(r, Admission) for r in results) == 3
    assert sorted(e.position for e in WaitlistEntry.objects.filter(program=program, status="offered")) == [1, 2, 3]
    assert SeatPool.objects.get(program=program, identity="general").held == 3
    assert len(entries) == 6
