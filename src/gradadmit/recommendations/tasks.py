"""Background work of recommendations: sending one notice (recording its result), the reminder run."""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def send_recommendation_notice(*, notice_id: int, to: str, subject: str, body: str):
    """Send through the shared email task's code; record sent or failed on the notice (shown on the pages).

    A failure (SMTP refusal, unknown recipient the server reports) is recorded and re-raised, so the
    worker marks the task failed too.
    """
    from gradadmit.core.tasks import send_email
    from gradadmit.recommendations.services import record_notice_result

    try:
        send_email.call(to=to, subject=subject, body=body)
    except Exception as error:
        log.warning("recommendation notice #%s failed: %s", notice_id, type(error).__name__)
        record_notice_result(notice_id=notice_id, error=f"{type(error).__name__}: {error}")
        raise
    record_notice_result(notice_id=notice_id, error="")


@task()
def send_recommendation_reminders():
    """Run hourly (cron or the worker's scheduler): reminders 3 days and 1 day before the deadline, once each."""
    from gradadmit.recommendations.services import send_due_reminders

    return send_due_reminders()
