"""Background work of the outbox: deliver what is due. Safe to run in several workers at once (claims, leases)."""

import os

from django_tasks import task

TIME_BUDGET = 60  # seconds; then the task queues itself again so other jobs are not kept waiting behind a mailing


@task(takes_context=True)
def deliver_outbox(context):
    from gradadmit.outbox.delivery import deliver_due
    from gradadmit.outbox.services import kick_delivery

    worker_ids = context.task_result.worker_ids
    worker_id = worker_ids[-1] if worker_ids else f"inline-{os.getpid()}"
    report = deliver_due(worker_id=worker_id, time_budget=TIME_BUDGET)
    if report.out_of_time:
        kick_delivery()  # more is waiting; retries due later are picked up by the schedule (core.schedule)
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
