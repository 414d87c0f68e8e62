"""Every main page renders for the person it is meant for, in both languages."""

import pytest
from django.urls import reverse

from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_public_and_applicant_pages_render(client, language):
    application = ApplicationFactory()
    program = application.program
    client.cookies["gradadmit_language"] = language
    urls = [
        reverse("cycles:home"),
        reverse("cycles:cycle", args=[program.cycle.code]),
        reverse("cycles:program", args=[program.cycle.code, program.code]),
        reverse("account_login"),
        reverse("account_signup"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(application.applicant)
    for url in [
        reverse("applications:dashboard"),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:apply", args=[ProgramFactory(cycle=program.cycle).pk]),
        reverse("accounts:profile"),
        reverse("notifications:inbox"),
    ]:
        assert client.get(url).status_code == 200, url


def test_office_pages_render(client):
    application = ApplicationFactory()
    client.force_login(OfficeFactory())
    cycle = application.program.cycle
    for url in [
        reverse("office:home"),
        reverse("office:program_applications", args=[application.program.pk]),
        reverse("office:clone_cycle", args=[cycle.pk]),
        reverse("office:import_programs", args=[cycle.pk]),
        reverse("office:extensions", args=[cycle.pk]),
        reverse("admin:index"),
        reverse("admin:cycles_program_change", args=[application.program.pk]),
    ]:
        assert client.get(url).status_code == 200, url
