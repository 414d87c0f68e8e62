"""Background work of mailings: send an approved mailing in batches. Safe to run again (a lost worker's task is
requeued by core.jobs): each batch takes only the recipients not yet done, under the mailing's row lock."""

from django_tasks import task


@task()
def send_mailing(*, mailing_id: int):
    from gradadmit.mailings.services import send_next_batch

    sent = 0
    while True:
        batch = send_next_batch(mailing_id=mailing_id)
        sent += batch.sent
        if batch.finished or batch.stopped:
            return {"sent": sent, "finished": batch.finished}
