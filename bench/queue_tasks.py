"""The small job of bench_queue.py: one inbox message with its outbox email, as notifications.services writes them
(a read of the user, two INSERTs, one transaction). Imported by the worker as bench.queue_tasks."""

from django_tasks import task


@task()
def leave_message(*, user_id: int, n: int) -> int:
    from django.db import transaction

    from gradadmit.accounts.models import User
    from gradadmit.notifications.services import deliver_message

    with transaction.atomic():
        user = User.objects.get(pk=user_id)
        message = deliver_message(
            user=user, kind="bench", subject_zh=f"第 {n} 則通知", subject_en=f"Notice {n}",
            body_zh=f"您好，這是第 {n} 則通知。", body_en=f"Hello, this is notice {n}.", cause="bench:queue", kick=False,
        )  # fmt: skip
    return message.pk
