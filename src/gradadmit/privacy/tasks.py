"""Background work of privacy: an applicant's data export, the anonymisation of a cycle. Both safe to run again."""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def build_data_export(*, export_id: int):
    from gradadmit.core import clock
    from gradadmit.privacy.models import DataExport
    from gradadmit.privacy.services import build_export

    export = DataExport.objects.select_related("applicant").filter(pk=export_id).first()
    if export is None or export.status == DataExport.Status.DONE:
        return  # idempotent: a retried task does nothing twice (or the account is gone)
    try:
        build_export(export)
    except Exception as error:
        log.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, error=type(error).__name__, finished_at=clock.now()
        )
        raise


@task()
def anonymise_cycle(*, run_id: int):
    from gradadmit.privacy.models import Anonymisation
    from gradadmit.privacy.services import run_anonymisation

    run = Anonymisation.objects.select_related("cycle").get(pk=run_id)
    try:
        run_anonymisation(run)
    except Exception as error:
        log.exception("anonymisation %s failed", run_id)
        Anonymisation.objects.filter(pk=run_id).exclude(status=Anonymisation.Status.DONE).update(
            status=Anonymisation.Status.FAILED, error=type(error).__name__
        )
        raise
