"""Background work of practice cycles: the wipe when the office closes one, and the scheduled wipe."""

from django_tasks import task

from gradadmit.cycles.models import Cycle
from gradadmit.practice.services import wipe_practice_data, wipe_stale_practice_data


@task()
def wipe_practice_cycle(cycle_id: int) -> dict:
    """Everything of the closed practice cycle's accounts; re-run after a kill, it deletes what is left."""
    cycle = Cycle.objects.practice().filter(pk=cycle_id).first()
    if cycle is None:
        return {"accounts": 0, "applications": 0, "documents": 0}
    return wipe_practice_data(cycle=cycle)


@task()
def wipe_practice_data_on_schedule() -> dict:
    return wipe_stale_practice_data()
