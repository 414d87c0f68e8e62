"""Every page costs a fixed number of queries, whatever the number of programmes or applications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def count(client, url):
    """The queries of a second visit: the first loads what each process keeps (the signed-in user, the cycle's
    configuration), which a change to the data may make it load again."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def grow(program, applicant):
    for _ in range(3):
        other = ProgramFactory(cycle=program.cycle)
        ApplicationFactory(program=other, applicant=applicant)
        ApplicationFactory(program=program)


@pytest.mark.parametrize(
    "name",
    ["cycles:home", "cycles:cycle", "cycles:program", "applications:dashboard", "accounts:profile",
     "notifications:inbox"],
)  # fmt: skip
def test_applicant_and_public_pages(client, name):
    application = ApplicationFactory()
    program, applicant = application.program, application.applicant
    client.force_login(applicant)
    args = {"cycles:cycle": [program.cycle.code], "cycles:program": [program.cycle.code, program.code]}.get(name, [])
    url = reverse(name, args=args)
    before = count(client, url)
    grow(program, applicant)
    assert count(client, url) == before


@pytest.mark.parametrize("name", ["office:home", "office:program_applications"])
def test_office_pages(client, name):
    application = ApplicationFactory()
    client.force_login(OfficeFactory())
    url = reverse(name, args=[application.program.pk] if name.endswith("applications") else [])
    before = count(client, url)
    grow(application.program, application.applicant)
    assert count(client, url) == before
