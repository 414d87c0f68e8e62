"""Background work of recommendations: the reminder run (scheduled hourly by core.jobs; safe to run twice)."""

from django_tasks import task


@task()
def send_recommendation_reminders():
    """Run hourly by the workers' schedule: reminders 3 days and 1 day before the deadline, once each."""
    from gradadmit.recommendations.services import send_due_reminders

    return send_due_reminders()
