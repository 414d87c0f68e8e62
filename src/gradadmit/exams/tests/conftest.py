"""Fixtures of the exam tests: a programme with staff, and a helper to qualify applications."""

import pytest

from gradadmit.testing.factories import DepartmentStaffFactory, ProgramFactory, ReviewDecisionFactory, assign


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def staff(program):
    user = DepartmentStaffFactory()
    assign(user, program)
    return user


def qualify(application):
    ReviewDecisionFactory(application=application)
    return application
