"""Fixtures of the practice tests: a real cycle, its practice copy, a practice account with an application."""

import pytest

from gradadmit.applications.services import apply_to_program
from gradadmit.practice.models import PracticeAccount
from gradadmit.practice.services import open_practice_cycle
from gradadmit.testing.factories import OfficeFactory, ProfileFactory, ProgramFactory


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def real_program():
    return ProgramFactory(code="EE", name_zh="電機工程系碩士班")


@pytest.fixture
def practice_cycle(office, real_program):
    return open_practice_cycle(actor=office, source=real_program.cycle, code="practice-115", name_zh="模擬報名")


@pytest.fixture
def practice_program(practice_cycle):
    return practice_cycle.programs.get(code="EE")


def make_practice_user(cycle):
    user = ProfileFactory(name_zh="練習生").user
    PracticeAccount.objects.create(user=user, cycle=cycle)
    return user


@pytest.fixture
def practice_user(practice_cycle):
    return make_practice_user(practice_cycle)


@pytest.fixture
def practice_application(practice_user, practice_program):
    return apply_to_program(applicant=practice_user, program=practice_program, identity="general")
