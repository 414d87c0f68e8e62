"""The deadline-night climb's plan: the climb's steps in order, then steps halfway between held and broken."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from step_plan import StepPlan  # noqa: E402


def new_plan(climb: list[int]) -> StepPlan:
    return StepPlan(climb, refinements=2, p95_ms=500, stop_p95_ms=2000)


def walk(plan: StepPlan, p95_of_users) -> list[int]:
    """Run the plan against a machine whose p95 at `users` is p95_of_users(users); the user counts measured."""
    measured = []
    while (users := plan.next_users()) is not None:
        measured.append(users)
        plan.measured({"users": users, "requests": 100, "failures": 0, "p95": p95_of_users(users)})
    return measured


def knee_at(users_that_hold: int):
    return lambda users: 100 if users <= users_that_hold else 900


def test_a_climb_that_never_breaks_the_target_runs_its_steps_only():
    assert walk(new_plan([100, 200, 300]), knee_at(1000)) == [100, 200, 300]


def test_two_halvings_after_the_first_broken_step_then_the_climb_goes_on():
    plan = new_plan([600, 700, 850])
    # 700 breaks: 650 (holds), then 675 (breaks); the climb goes on to 850 for the plot.
    assert walk(plan, knee_at(660)) == [600, 700, 650, 675, 850]
    assert plan.held == 650 and plan.broke == 675


def test_refinements_run_after_a_step_that_ends_the_climb():
    # 700 is over the stop limit: nothing higher is tried, but the two halvings below it are.
    plan = new_plan([600, 700, 850])
    assert walk(plan, lambda users: 100 if users <= 610 else 3000) == [600, 700, 650, 625]
    assert plan.held == 600


def test_no_refinement_without_a_held_step_or_when_steps_are_close():
    assert walk(new_plan([600, 700]), knee_at(0)) == [600, 700]
    # 10 users apart (under 3 % of 600): not worth a step, the noise is larger.
    assert walk(new_plan([600, 610, 620]), knee_at(605)) == [600, 610, 620]


def test_a_step_with_failures_neither_holds_nor_breaks_but_ends_the_climb():
    plan = new_plan([600, 700, 850])
    measured = []
    while (users := plan.next_users()) is not None:
        measured.append(users)
        failures = 1 if users == 700 else 0
        plan.measured({"users": users, "requests": 100, "failures": failures, "p95": 100})
    assert measured == [600, 700] and plan.broke is None
