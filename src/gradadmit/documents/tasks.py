"""Background work of documents: the per-programme packet zip."""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def build_program_packets(*, build_id: int):
    from gradadmit.core import clock
    from gradadmit.documents.models import PacketBuild
    from gradadmit.documents.packets import build_program_zip

    build = PacketBuild.objects.select_related("program").get(pk=build_id)
    if build.status == PacketBuild.Status.DONE:
        return  # idempotent: a retried task does nothing twice
    try:
        build_program_zip(build)
    except Exception as error:
        log.exception("packet build %s failed", build_id)
        PacketBuild.objects.filter(pk=build_id).update(
            status=PacketBuild.Status.FAILED, error=type(error).__name__, finished_at=clock.now()
        )
        raise
