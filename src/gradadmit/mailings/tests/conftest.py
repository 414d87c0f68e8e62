"""Fixtures of the mailing tests: a programme, two office staff, department staff assigned to the programme."""

import pytest

from gradadmit.testing.factories import DepartmentStaffFactory, OfficeFactory, ProgramFactory, assign


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def cycle(program):
    return program.cycle


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def second_office():
    return OfficeFactory()


@pytest.fixture
def dept(program):
    user = DepartmentStaffFactory()
    assign(user, program)
    return user
