"""Publication at a set time: scheduling rules, the schedule's job publishing once, refusals kept on the run."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Milestone
from gradadmit.notifications.models import Message
from gradadmit.scoring import scheduled_publication, services
from gradadmit.scoring.models import RankingRun
from gradadmit.scoring.tests.test_services import scored
from gradadmit.testing.factories import DepartmentStaffFactory, OfficeFactory, ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def run():
    program = ProgramFactory()
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(
        starts_at=clock.now() + timedelta(hours=1), ends_at=clock.now() + timedelta(days=30)
    )
    scored(program, [("general", 90, 90), ("in_service", 80, 80)])
    return services.run_ranking(actor=OfficeFactory(), program=program)


def at(hours):
    return clock.now() + timedelta(hours=hours)


def later(hours):
    """The clock moved on by `hours`."""
    moved = at(hours)
    return mock.patch("gradadmit.core.clock.now", return_value=moved)


def test_the_office_schedules_and_the_job_publishes_once_at_that_time(run):
    office = OfficeFactory()
    scheduled_publication.schedule_publication(actor=office, run=run, at=at(2))
    assert scheduled_publication.publish_due_runs() == {"published": 0, "refused": 0}  # not yet
    with later(3):
        assert scheduled_publication.publish_due_runs() == {"published": 1, "refused": 0}
        assert scheduled_publication.publish_due_runs() == {"published": 0, "refused": 0}  # run again: nothing
    run.refresh_from_db()
    assert run.state == "published" and run.published_by == office
    assert Message.objects.filter(kind="scoring/result").count() == 2


def test_a_time_in_the_past_or_before_the_results_period_is_refused(run):
    office = OfficeFactory()
    with pytest.raises(DomainError, match="future"):
        scheduled_publication.schedule_publication(actor=office, run=run, at=at(-1))
    with pytest.raises(DomainError, match="results period"):
        scheduled_publication.schedule_publication(actor=office, run=run, at=at(0.5))


def test_only_the_office_schedules(run):
    with pytest.raises(DomainError):
        scheduled_publication.schedule_publication(actor=DepartmentStaffFactory(), run=run, at=at(2))


def test_a_refused_publication_is_kept_on_the_run_and_not_tried_again(run):
    scheduled_publication.schedule_publication(actor=OfficeFactory(), run=run, at=at(2))
    with later(24 * 40):  # the results period is over by then
        assert scheduled_publication.publish_due_runs() == {"published": 0, "refused": 1}
        assert scheduled_publication.publish_due_runs() == {"published": 0, "refused": 0}
    run.refresh_from_db()
    assert run.state == "proposed" and run.publish_at is None and "deadline" in run.publish_error


def test_cancelling_a_scheduled_publication(run):
    office = OfficeFactory()
    scheduled_publication.schedule_publication(actor=office, run=run, at=at(2))
    scheduled_publication.cancel_scheduled_publication(actor=office, run=run)
    with later(3):
        assert scheduled_publication.publish_due_runs()["published"] == 0
    assert RankingRun.objects.get(pk=run.pk).state == "proposed"


def test_the_run_page_schedules_and_shows_the_time(client, run):
    client.force_login(OfficeFactory())
    response = client.post(
        reverse("scoring:schedule_publication", args=[run.pk]),
        {"publish_at": clock.local(at(2)).strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    run.refresh_from_db()
    assert run.publish_at is not None
    assert reverse("scoring:cancel_publication", args=[run.pk]) in response.content.decode()


def test_department_staff_cannot_schedule_through_the_page(client, run):
    staff = DepartmentStaffFactory()
    client.force_login(staff)
    response = client.post(reverse("scoring:schedule_publication", args=[run.pk]), {"publish_at": "2030-01-01T10:00"})
    assert response.status_code == 403
