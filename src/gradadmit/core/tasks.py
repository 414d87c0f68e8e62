"""Background work of core: retention of the job history (scheduled daily)."""

from django_tasks import task


@task()
def prune_job_history():
    from gradadmit.core.jobs import prune_history

    return prune_history()
