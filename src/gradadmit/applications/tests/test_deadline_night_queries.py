"""The pages of deadline night (bench/deadline_locust.py's mix) cost a known number of queries: each one more is
CPU on every request of the busiest night (docs/capacity.md), so a change in these numbers must be deliberate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.testing.factories import ApplicationFactory
from gradadmit.testing.queries import session_queries

pytestmark = pytest.mark.django_db

# Signed in is the user's query (with profile, unread count and practice cycle), plus the session's where sessions are
# read from the database (testing.queries). The cycle's calendar and document items come from the configuration each
# process keeps (cycles.configuration; the fee page visited first loads it), so none of these pages reads them.
EXPECTED = {
    "applications:dashboard": 6,  # 10 before the kept configuration and the cached session
    "applications:detail": 5,  # the checklist's one-to-one rows joined to the application (13, then 9 before)
    "documents:items": 4,  # 8 before
    "fees:page": 6,  # the fee item and charge looked up again only when no application fee is charged (9, then 7 before)
    "recommendations:list": 3,  # 6 before
    "cycles:cycle": 5,  # the milestones read once, for the calendar and the list (9, then 8 before)
    "cycles:program": 4,  # 8 before
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
    assert count(client, reverse(name, args=args)) == EXPECTED[name] + session_queries()
