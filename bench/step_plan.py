"""Which user count the deadline-night climb measures next (bench/deadline_locust.py's driver; no gevent here, so the
rule is tested on its own: tests/bench/test_step_plan.py)."""


def holds(step: dict, p95_ms: float) -> bool:
    """A step held the target: requests were served, none failed, and p95 stayed under `p95_ms`."""
    return bool(step["requests"]) and not step["failures"] and step["p95"] < p95_ms


class StepPlan:
    """Which user count to measure next: the climb's steps in order, and, once a step has broken the p95 target
    above one that held it, up to `refinements` steps halfway between the highest count that held and the lowest that
    broke (bisection). The climb's steps are about 15 % apart, so the knee lies anywhere within one; each halving
    halves how far below the true sustainable rate the held step can be. A climb step with a failure, a p95 over
    the stop limit or no request ends the climb (past the target, so the plot shows how latency grows beyond it);
    the refinements still run, since they lie below it."""

    MIN_GAP_USERS = 10
    MIN_GAP_SHARE = 0.03  # of the held count: closer than this, two steps' rates differ by less than their noise

    def __init__(self, climb: list[int], *, refinements: int, p95_ms: float, stop_p95_ms: float):
        self.climb = list(climb)
        self.refinements_left = refinements
        self.p95_ms, self.stop_p95_ms = p95_ms, stop_p95_ms
        self.held: int | None = None  # the highest user count that held the target
        self.broke: int | None = None  # the lowest that broke it (slower, without failures)
        self.stopped = False
        self.refining = False  # the step being measured is a refinement

    def next_users(self) -> int | None:
        if self.refinements_left and self.held is not None and self.broke is not None:
            gap = self.broke - self.held
            if gap > max(self.MIN_GAP_USERS, self.held * self.MIN_GAP_SHARE):
                self.refinements_left -= 1
                self.refining = True
                return self.held + gap // 2
        self.refining = False
        if self.stopped or not self.climb:
            return None
        return self.climb.pop(0)

    def measured(self, step: dict) -> None:
        users = step["users"]
        if holds(step, self.p95_ms):
            self.held = max(self.held or users, users)
        elif step["requests"] and not step["failures"]:
            self.broke = min(self.broke or users, users)
        ends_climb = step["failures"] or not step["requests"] or step["p95"] >= self.stop_p95_ms
        if ends_climb and not self.refining:
            self.stopped = True
