"""Fixtures of the announcement tests: a cycle with two programmes, staff of each kind, a movable clock."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.testing.factories import CycleFactory, DepartmentStaffFactory, OfficeFactory, ProgramFactory, assign


@pytest.fixture
def cycle():
    return CycleFactory()


@pytest.fixture
def program(cycle):
    return ProgramFactory(cycle=cycle)


@pytest.fixture
def other_program(cycle):
    return ProgramFactory(cycle=cycle)


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def department(program):
    user = DepartmentStaffFactory()
    assign(user, program)
    return user


@pytest.fixture
def move_clock(monkeypatch):
    """move_clock(timedelta) moves the portal's clock (core.clock.now) forward from the real time."""

    real_now = clock.now

    def move(delta: timedelta):
        monkeypatch.setattr(clock, "now", lambda: real_now() + delta)

    return move
