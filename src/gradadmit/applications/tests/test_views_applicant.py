"""考生專區 views: another user's ids are 404, errors are shown, query counts stay fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.applications.models import Application
from gradadmit.testing.factories import ApplicationFactory, ProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_another_users_application_is_404(client):
    mine, theirs = ApplicationFactory(), ApplicationFactory()
    client.force_login(mine.applicant)
    for name in ["applications:detail"]:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ["applications:withdraw", "applications:change_identity"]:
        assert client.post(reverse(name, args=[theirs.pk]), {"identity": "general"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_another_users_message_is_404(client):
    from gradadmit.notifications.services import notify

    mine, theirs = ProfileFactory(), ProfileFactory()
    message = notify(user=theirs.user, template="applications/withdrawn",
                     context={"application": ApplicationFactory(applicant=theirs.user)}, email=False)  # fmt: skip
    client.force_login(mine.user)
    assert client.get(reverse("notifications:detail", args=[message.pk])).status_code == 404


def test_applicant_pages_need_sign_in(client):
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_apply_view_applies_and_redirects(client):
    profile, program = ProfileFactory(), ProgramFactory()
    client.force_login(profile.user)
    response = client.post(reverse("applications:apply", args=[program.pk]), {"identity": "general"})
    assert response.status_code == 302
    assert Application.objects.filter(applicant=profile.user, program=program).exists()


def test_double_submit_shows_a_clear_error(client):
    profile, program = ProfileFactory(), ProgramFactory()
    client.force_login(profile.user)
    url = reverse("applications:apply", args=[program.pk])
    client.post(url, {"identity": "general"})
    response = client.post(url, {"identity": "general"}, follow=True)
    assert Application.objects.count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_unpublished_programme_is_404(client):
    profile, program = ProfileFactory(), ProgramFactory(cycle__is_published=False)
    client.force_login(profile.user)
    assert client.get(reverse("applications:apply", args=[program.pk])).status_code == 404


def dashboard_queries(client, user):
    # Counted as on every visit but a process's first after a change of the cycle's configuration (cycles.configuration).
    client.get(reverse("applications:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:dashboard")).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_applications(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    ApplicationFactory(applicant=profile.user)
    one = dashboard_queries(client, profile.user)
    for _ in range(4):
        ApplicationFactory(applicant=profile.user)
    assert dashboard_queries(client, profile.user) == one
    # Session, user, profile, applications, calendars, cycles list, unread count: 7; each app that plugs a row
    # into the checklist (documents, recommendations, fees, eligibility) may add a few, never one per application.
    assert one <= 22


def test_public_pages_query_count_is_fixed(client):
    program = ProgramFactory()
    url = reverse("cycles:cycle", args=[program.cycle.code])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(5):
        ProgramFactory(cycle=program.cycle)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first) == len(second)
