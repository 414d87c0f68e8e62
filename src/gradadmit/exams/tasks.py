"""Background work of exams: the per-programme ticket zip, tickets reissued after a postponement."""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def build_ticket_batch(*, batch_id: int):
    from gradadmit.core import clock
    from gradadmit.exams.models import TicketBatch
    from gradadmit.exams.tickets import build_ticket_zip

    batch = TicketBatch.objects.select_related("program").get(pk=batch_id)
    if batch.status == TicketBatch.Status.DONE:
        return  # idempotent: a retried task does nothing twice
    try:
        build_ticket_zip(batch)
    except Exception as error:
        log.exception("ticket batch %s failed", batch_id)
        TicketBatch.objects.filter(pk=batch_id).update(
            status=TicketBatch.Status.FAILED, error=type(error).__name__, finished_at=clock.now()
        )
        raise


@task()
def reissue_postponed_tickets(*, postponement_id: int) -> int:
    """Reissue the tickets a postponement moved (exams.postponement.reissue_tickets; idempotent, resumable)."""
    from gradadmit.exams.postponement import reissue_tickets

    return reissue_tickets(postponement_id)
