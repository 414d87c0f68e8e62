"""Personal-data operations: an applicant's data export, deleting an account, anonymising a finished cycle.

Lock order: the Anonymisation row (one per cycle, select_for_update) before anything else, so two office members
pressing "run" at once make one run. A data export needs no lock: asking twice while one is being prepared returns
the one in progress.
"""

import logging
import secrets
import tempfile
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.core.jobs import enqueue
from gradadmit.core.models import AuditEntry
from gradadmit.enrolment.models import Admission
from gradadmit.privacy import anonymise
from gradadmit.privacy.models import Anonymisation, CycleRetention, DataExport
from gradadmit.privacy.retention import retention_for

log = logging.getLogger(__name__)
ADMITTED_EXPORTED = "enrolment.admitted_exported"  # written by the office's admitted-list export


# --- the applicant's copy -------------------------------------------------------------------------------


def request_data_export(*, applicant) -> DataExport:
    """Queue the applicant's zip (or return the one being prepared). Side effects: audit entry, a queued task."""
    from gradadmit.privacy.tasks import build_data_export

    with transaction.atomic():
        pending = DataExport.objects.filter(
            applicant=applicant, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
        ).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(applicant=applicant, token=secrets.token_hex(16), created_at=clock.now())
        record_audit(actor=applicant, action="privacy.export_requested", target=export)
        enqueue(build_data_export, export_id=export.pk)
    return export


def build_export(export: DataExport) -> None:
    """Write the zip (again from the start when a killed worker left it half done) and mark it ready."""
    from gradadmit.privacy.export import write_zip

    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        write_zip(export.applicant, path)
        if export.file:
            export.file.delete(save=False)
        with path.open("rb") as handle:
            export.file.save("export.zip", File(handle), save=False)
        size = path.stat().st_size
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.DONE, file=export.file.name, size=size, finished_at=clock.now(), error=""
    )


# --- deleting an account --------------------------------------------------------------------------------


def deletion_refusal(user) -> str:
    """Why this account cannot be deleted now; empty when it can."""
    if user.is_portal_staff or user.is_superuser:
        return _("Staff accounts are closed by the admissions office, not here.")
    active = Application.objects.filter(applicant=user, status=Application.Status.ACTIVE).count()
    if active:
        return _(
            "You have %(count)d submitted application(s). Withdraw them first (possible until the application "
            "deadline); after that, the university keeps your data until the cycle's retention period ends."
        ) % {"count": active}
    return ""


def delete_account(*, user) -> str:
    """Delete the applicant's account, or refuse with the reason (DomainError). Returns "deleted" or "anonymised".

    An account that never applied is deleted with everything of it. One whose applications were all withdrawn is
    anonymised in place like a finished cycle's (files deleted, personal fields replaced): the withdrawn
    applications and any payments stay as pseudonymous records, which the law makes the university keep. Side
    effects: an audit entry (the account's id only), files deleted, the outbox's emails to the address emptied.
    """
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        refusal = deletion_refusal(locked)
        if refusal:
            raise DomainError(refusal)
        app_ids = list(Application.objects.filter(applicant=locked).values_list("id", flat=True))
        counts = anonymise.anonymise_rows(app_ids=app_ids, accounts=[locked.pk], old_addresses=[locked.email],
                                          export_owners=[locked.pk])  # fmt: skip
        how = "anonymised" if app_ids else "deleted"
        record_audit(actor=None, action="privacy.account_deleted", target=locked,
                     after={"how": how, "applications": len(app_ids), "files": _files(counts)})  # fmt: skip
        if not app_ids:
            locked.delete()
    return how


def _files(counts) -> int:
    return sum(value for key, value in counts.items() if key.startswith("files_"))


# --- retention ------------------------------------------------------------------------------------------


def set_retention_days(*, actor, cycle, days: int) -> CycleRetention:
    """The office sets how long the cycle's personal data is kept after it ends. Side effect: audit entry."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office sets the retention period."))
    if days < 0 or days > 3650:
        raise DomainError(_("Give a retention period between 0 and 3650 days."))
    with transaction.atomic():
        policy, _created = CycleRetention.objects.select_for_update().get_or_create(cycle=cycle)
        before = {"retention_days": policy.retention_days}
        policy.retention_days, policy.updated_by = days, actor
        policy.save()
        record_audit(actor=actor, action="privacy.retention_set", target=cycle, before=before,
                     after={"retention_days": days})  # fmt: skip
    return policy


# --- anonymising a cycle --------------------------------------------------------------------------------


def admitted_lists_not_exported(cycle) -> list:
    """Programmes of the cycle with admitted applicants whose admitted list was never exported (for the registrar)."""
    from gradadmit.cycles.models import Program

    with_admissions = Program.objects.filter(
        cycle=cycle, pk__in=Admission.objects.filter(program__cycle=cycle).values("program_id")
    )
    exported = set(
        AuditEntry.objects.filter(action=ADMITTED_EXPORTED, target_type="cycles.program",
                                  target_id__in=[str(p.pk) for p in with_admissions]).values_list("target_id", flat=True)
    )  # fmt: skip
    return [program for program in with_admissions.order_by("code") if str(program.pk) not in exported]


def anonymisation_refusal(cycle, *, registrar_confirmed: bool) -> str:
    retention = retention_for(cycle, now=clock.now())
    if not retention.allowed:
        return retention.refusal
    if admitted_lists_not_exported(cycle) and not registrar_confirmed:
        return _(
            "The admitted applicants' data has not gone to the registrar: export the admitted list of every "
            "programme listed, or confirm that the registrar has it."
        )
    return ""


def start_anonymisation(*, actor, cycle, registrar_confirmed: bool = False) -> Anonymisation:
    """Queue the anonymisation of a finished cycle, or refuse (DomainError) with the reason.

    Refused when the cycle has not ended, is inside its retention period, or its admitted applicants' data has not
    gone to the registrar (no export of a programme's admitted list and no confirmation). A cycle already done is
    refused too ("nothing more to do"); a failed run is queued again and resumes. Side effects: audit entry, task.
    """
    from gradadmit.privacy.tasks import anonymise_cycle

    if not actor.is_office:
        raise DomainError(_("Only the admissions office anonymises a cycle."))
    with transaction.atomic():
        run, _created = Anonymisation.objects.select_for_update().get_or_create(
            cycle=cycle, defaults={"requested_by": actor, "requested_at": clock.now()}
        )
        if run.status == Anonymisation.Status.DONE:
            raise DomainError(_("This cycle has been anonymised already: there is nothing more to do."))
        if run.status in (Anonymisation.Status.RUNNING,) or (
            run.status == Anonymisation.Status.QUEUED and not _created
        ):
            raise DomainError(_("The anonymisation of this cycle is already queued or running."))
        refusal = anonymisation_refusal(cycle, registrar_confirmed=registrar_confirmed)
        if refusal:
            if _created:
                run.delete()
            raise DomainError(refusal)
        run.status = Anonymisation.Status.QUEUED
        run.requested_by, run.requested_at, run.error = actor, clock.now(), ""
        if registrar_confirmed and run.registrar_confirmed_at is None:
            run.registrar_confirmed_by, run.registrar_confirmed_at = actor, clock.now()
        run.save()
        record_audit(actor=actor, action="privacy.anonymisation_started", target=cycle,
                     after={"registrar_confirmed": registrar_confirmed})  # fmt: skip
        enqueue(anonymise_cycle, run_id=run.pk)
    return run


def run_anonymisation(run: Anonymisation) -> Anonymisation:
    """The task's body: batches of applicants until none is left, then the cycle's files; the report. Re-runnable."""
    cycle = run.cycle
    with transaction.atomic():
        locked = Anonymisation.objects.select_for_update().get(pk=run.pk)
        if locked.status == Anonymisation.Status.DONE:
            return locked  # a retried task does nothing twice
        pending = anonymise.pending_applicant_ids(cycle)
        report = locked.report or {}
        if "statistics_before" not in report:
            report["statistics_before"] = anonymise.statistics(cycle)
            report["counts"] = {}
            locked.applicants_total = len(pending)
        locked.status, locked.started_at, locked.report = Anonymisation.Status.RUNNING, clock.now(), report
        locked.save(update_fields=["status", "started_at", "report", "applicants_total"])
    while pending:
        batch, pending = pending[: anonymise.BATCH], pending[anonymise.BATCH :]
        with transaction.atomic():
            counts = anonymise.anonymise_batch(cycle, batch)
            _add_counts(run.pk, counts, done=len(batch))
    with transaction.atomic():
        counts = anonymise.anonymise_cycle_files(cycle)
        counts.update(anonymise.scrub_cycle_audit(cycle))
        _add_counts(run.pk, counts, done=0)
        locked = Anonymisation.objects.select_for_update().get(pk=run.pk)
        locked.report["statistics_after"] = anonymise.statistics(cycle)
        locked.report["statistics_kept"] = locked.report["statistics_after"] == locked.report["statistics_before"]
        locked.status, locked.finished_at = Anonymisation.Status.DONE, clock.now()
        locked.save(update_fields=["report", "status", "finished_at"])
        record_audit(actor=locked.requested_by, action="privacy.cycle_anonymised", target=cycle,
                     after={"counts": locked.report["counts"], "statistics_kept": locked.report["statistics_kept"]})  # fmt: skip
    return locked


def _add_counts(run_id: int, counts: Counter, *, done: int) -> None:
    locked = Anonymisation.objects.select_for_update().get(pk=run_id)
    total = Counter(locked.report.get("counts", {}))
    total.update(counts)
    locked.report["counts"] = dict(sorted(total.items()))
    locked.applicants_done += done
    locked.save(update_fields=["report", "applicants_done"])
