"""Background work of scoring: publication at a set time (scheduled every minute by core.jobs; safe to run twice)."""

from django_tasks import task


@task()
def publish_due_runs():
    from gradadmit.scoring.scheduled_publication import publish_due_runs as publish

    return publish()
