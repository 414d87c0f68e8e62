"""Fixtures of the review tests: a department staff member assigned to one programme."""

import pytest

from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, ProgramFactory, assign


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def staff(program):
    user = DepartmentStaffFactory()
    assign(user, program)
    return user


@pytest.fixture
def application(program):
    return ApplicationFactory(program=program)
