"""The pages of deadline night (bench/deadline_locust.py's mix) cost a known number of queries: each one more is
CPU on every request of the busiest night (docs/capacity.md), so a change in these numbers must be deliberate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.testing.factories import ApplicationFactory
from gradadmit.testing.queries import signed_in_queries

pytestmark = pytest.mark.django_db

# Signed in costs no query once the user's first request loaded them (accounts.signed_in keeps them), but the user's
# and the session's where each process cannot keep its users or sessions are read from the database (testing.queries). The cycle's calendar and document items come from the configuration each
# process keeps (cycles.configuration; the fee page visited first loads it), so none of these pages reads them.
EXPECTED = {
    "applications:dashboard": 5,  # 6 before the kept user, 10 before the kept configuration and cached session
    "applications:detail": 4,  # the checklist's one-to-one rows joined to the application (13, then 9 before)
    "documents:items": 3,  # 8 before
    "fees:page": 5,  # the fee item and charge looked up again only when no application fee is charged (9, then 7 before)
    "recommendations:list": 2,  # 6 before
    "cycles:cycle": 4,  # the milestones read once, for the calendar and the list (9, then 8 before)
    "cycles:program": 3,  # 8 before
}


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_deadline_night_pages(client, name):
    application = ApplicationFactory()
    program = application.program
    client.force_login(application.applicant)
    client.get(reverse("fees:page", args=[application.pk]))  # the first visit charges the application fee
    args = {
        "cycles:cycle": [program.cycle.code],
        "cycles:program": [program.cycle.code, program.code],
        "applications:dashboard": [],
    }.get(name, [application.pk])
    assert count(client, reverse(name, args=args)) == EXPECTED[name] + signed_in_queries()
