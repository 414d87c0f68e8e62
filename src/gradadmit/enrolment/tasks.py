"""Background work of enrolment: offer freed places to the waitlist. Idempotent: a full programme is left alone."""

from django_tasks import task


@task()
def fill_vacancies_task(*, program_id: int):
    from gradadmit.cycles.models import Program
    from gradadmit.enrolment.services import fill_vacancies

    program = Program.objects.filter(pk=program_id).select_related("cycle").first()
    if program is not None:
        fill_vacancies(actor=None, program=program)


@task()
def lapse_overdue_offers():
    """Scheduled every five minutes (core.jobs): offers past their check-in deadline lapse; safe to run twice."""
    from gradadmit.enrolment.services import lapse_overdue_offers as lapse

    return lapse()
