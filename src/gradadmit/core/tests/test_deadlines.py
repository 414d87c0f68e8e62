"""Deadlines come from the calendar and honour extensions for one applicant or for all."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DeadlinePassed, NotOpenYet
from gradadmit.cycles.models import DeadlineExtension, Milestone
from gradadmit.testing.factories import CycleFactory, UserFactory

pytestmark = pytest.mark.django_db


def closed_cycle():
    cycle = CycleFactory(open_window=False)
    now = clock.now()
    Milestone.objects.create(
        cycle=cycle, kind="application", starts_at=now - timedelta(days=10), ends_at=now - timedelta(hours=1)
    )
    return cycle


def test_window_closed_after_its_end():
    cycle = closed_cycle()
    with pytest.raises(DeadlinePassed):
        calendar_for(cycle).ensure_open("application")


def test_not_open_before_start():
    cycle = CycleFactory(open_window=False)
    Milestone.objects.create(cycle=cycle, kind="application", starts_at=clock.now() + timedelta(days=1))
    with pytest.raises(NotOpenYet):
        calendar_for(cycle).ensure_open("application")


def test_unscheduled_step_is_not_open():
    with pytest.raises(NotOpenYet):
        calendar_for(CycleFactory()).ensure_open("checkin")


def test_extension_for_one_applicant_only():
    cycle = closed_cycle()
    lucky, other = UserFactory(), UserFactory()
    DeadlineExtension.objects.create(
        cycle=cycle, kind="application", applicant=lucky, extended_until=clock.now() + timedelta(days=1), reason="x"
    )
    assert calendar_for(cycle, lucky).window("application").extended
    calendar_for(cycle, lucky).ensure_open("application")
    with pytest.raises(DeadlinePassed):
        calendar_for(cycle, other).ensure_open("application")


def test_extension_for_everyone():
    cycle = closed_cycle()
    DeadlineExtension.objects.create(
        cycle=cycle, kind="application", extended_until=clock.now() + timedelta(days=1), reason="outage"
    )
    assert calendar_for(cycle, UserFactory()).is_open("application")
    assert calendar_for(cycle).is_open("application")


def test_article7_window_closes_earlier():
    cycle = CycleFactory()
    calendar = calendar_for(cycle)
    assert calendar.window("application", "article7").ends_at < calendar.window("application").ends_at
    later = clock.now() + timedelta(days=5)
    assert not calendar.is_open("application", "article7", at=later)
    assert calendar.is_open("application", at=later)


def test_scope_without_own_milestone_falls_back_to_all():
    cycle = closed_cycle()
    assert calendar_for(cycle).window("application", "article7").kind == "application"
