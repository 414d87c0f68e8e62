"""考生專區 reads one-to-one rows (review decision, ticket, admission, waitlist entry) joined to the applications.

The rows must be the same as when each provider queries them itself (the application page, staff lists), and the
page must cost the same number of queries whatever state the applications are in.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications import selectors
from gradadmit.core import clock
from gradadmit.cycles.models import DocumentRequirement
from gradadmit.exams.models import AdmissionTicket, Publication
from gradadmit.testing.factories import (
    AdmissionFactory,
    ApplicationFactory,
    ProfileFactory,
    ReviewDecisionFactory,
    WaitlistEntryFactory,
)
from gradadmit.testing.queries import signed_in_queries

pytestmark = pytest.mark.django_db

# Session, user (with profile and unread count), applications (with the one-to-one rows), milestones, extensions,
# document requirements, documents, recommendation counts, fees, published cycles.
# 10 before the cycle's configuration was kept (cycles.configuration) and sessions cached
DASHBOARD_QUERIES = 5 + signed_in_queries()


def applications_in_every_state(user):
    supplement = ApplicationFactory(applicant=user)
    decision = ReviewDecisionFactory(
        application=supplement, result="supplement", supplement_until=clock.now() + timedelta(days=3)
    )
    decision.supplement_items.add(DocumentRequirement.objects.filter(program=supplement.program).first())

    ticketed = ApplicationFactory(applicant=user)
    ReviewDecisionFactory(application=ticketed)
    AdmissionTicket.objects.create(
        application=ticketed, program=ticketed.program, exam_number="A0001", sequence=1, assigned_at=clock.now()
    )
    Publication.objects.create(
        program=ticketed.program, state="published", first_published_at=clock.now() - timedelta(days=1)
    )

    admitted = ApplicationFactory(applicant=user)
    AdmissionFactory(application=admitted)
    waitlisted = ApplicationFactory(applicant=user)
    WaitlistEntryFactory(application=waitlisted)
    return [supplement, ticketed, admitted, waitlisted]


def plain(rows):
    return [(r.key, r.status, r.label, r.detail, r.url, r.deadline) for r in rows]


def test_joined_rows_equal_the_rows_each_provider_queries_itself():
    profile = ProfileFactory()
    applications_in_every_state(profile.user)
    items, _lock = selectors.dashboard(profile.user, profile)
    joined = {item["application"].id: plain(item["rows"]) for item in items}
    for application in selectors.applications_of(profile.user):
        alone = selectors.dashboard_for([application], profile.user, profile)[0]
        assert plain(alone["rows"]) == joined[application.id]
    keys = {key for rows in joined.values() for key, *_ in rows}
    assert {"eligibility", "ticket", "checkin", "waitlist"} <= keys


def dashboard_queries(client):
    # As on every visit but a process's first after a change of the cycle's configuration (cycles.configuration
    # loads it again then, in 4 queries).
    assert client.get(reverse("applications:dashboard")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:dashboard")).status_code == 200
    return len(queries)


def test_dashboard_costs_the_same_queries_in_every_state(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    ApplicationFactory(applicant=profile.user)
    assert dashboard_queries(client) == DASHBOARD_QUERIES
    applications_in_every_state(profile.user)
    # One more only to name the items a supplement asks for.
    assert dashboard_queries(client) == DASHBOARD_QUERIES + 1


def test_signed_in_user_comes_with_profile_and_unread_count(client):
    from gradadmit.notifications.services import notify

    profile = ProfileFactory()
    application = ApplicationFactory(applicant=profile.user)
    for _ in range(2):
        notify(user=profile.user, template="applications/withdrawn", context={"application": application}, email=False)
    client.force_login(profile.user)
    response = client.get(reverse("applications:dashboard"))
    user = response.wsgi_request.user
    with CaptureQueriesContext(connection) as queries:
        assert get_profile(user) == profile
        assert user.unread_messages == 2
    assert len(queries) == 0
    assert response.context["unread_messages"] == 2


def test_reading_a_message_updates_the_count_shown_on_the_same_page(client):
    from gradadmit.notifications.services import notify

    profile = ProfileFactory()
    application = ApplicationFactory(applicant=profile.user)
    message = notify(
        user=profile.user, template="applications/withdrawn", context={"application": application}, email=False
    )
    client.force_login(profile.user)
    response = client.get(reverse("notifications:detail", args=[message.pk]))
    assert response.status_code == 200
    assert response.context["unread_messages"] == 0


def test_a_supplement_row_names_its_items_in_the_programme_s_order():
    profile = ProfileFactory()
    application = ApplicationFactory(applicant=profile.user)
    decision = ReviewDecisionFactory(
        application=application, result="supplement", supplement_until=clock.now() + timedelta(days=3)
    )
    first, second = DocumentRequirement.objects.filter(program=application.program).order_by("order", "id")[:2]
    decision.supplement_items.add(second, first)
    items, _lock = selectors.dashboard(profile.user, profile)
    (row,) = [row for row in items[0]["rows"] if row.key == "eligibility"]
    assert row.detail.endswith(f"{first.name_zh}, {second.name_zh}")
