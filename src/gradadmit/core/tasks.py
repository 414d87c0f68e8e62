"""Background work of core: retention of the job history (daily), the query planner's statistics (hourly)."""

from django_tasks import task


@task()
def prune_job_history():
    from gradadmit.core.jobs import prune_history

    return prune_history()


@task()
def refresh_database_statistics():
    from gradadmit.core.dbstats import refresh_statistics

    return refresh_statistics()
