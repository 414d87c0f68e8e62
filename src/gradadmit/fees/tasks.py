"""Background work of fees: large statement imports, messages about wrong amounts. Idempotent, safe to retry."""

from django_tasks import task


@task()
def import_statement_task(*, statement_id: int):
    from gradadmit.fees.services import import_statement

    import_statement(statement_id=statement_id)  # a finished or running import is left alone


@task()
def notify_amount_wrong_task(*, statement_id: int):
    from gradadmit.fees.services import notify_amount_wrong

    notify_amount_wrong(statement_id=statement_id)
