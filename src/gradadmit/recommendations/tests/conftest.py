"""Fixtures of the recommendation tests: a programme asking for at least two letters, an applicant, a deadline."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory


@pytest.fixture
def program():
    return ProgramFactory(recommendation_policy="at_least", recommendations_required=2, recommendation_format="either")


@pytest.fixture
def application(program):
    return ApplicationFactory(program=program)


@pytest.fixture
def letters_deadline(program):
    """The cycle's own letters step (open now, 10 days left); returns the milestone to move it in tests."""
    now = clock.now()
    return Milestone.objects.create(
        cycle=program.cycle, kind="recommendations", starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=10)
    )
