"""Publishing a ranking run at a set time: the office sets the time, the workers' schedule publishes it then.

The publication itself is services.publish_run (row lock, state check), so a run is published once even when
the scheduled job and a person press at the same moment, and a job run twice finds nothing left to do.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.rocdate import format_for_language
from gradadmit.scoring.models import RankingRun
from gradadmit.scoring.services import publish_run


def schedule_publication(*, actor, run: RankingRun, at) -> RankingRun:
    """Set (or move) the time a proposed run is published. Office only; the time must be ahead and inside the
    calendar's results window. Side effect: audit entry."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office publishes results."))
    if at <= clock.now():
        raise DomainError(_("Choose a time in the future, or publish now."))
    if run.result["ties"]:
        raise DomainError(_("A tie at the cut-off awaits the committee's decision; record it and rank again."))
    window = calendar_for(run.program.cycle).window("results")
    if window is None or at < window.starts_at or (window.ends_at is not None and at > window.ends_at):
        opens = format_for_language(window.starts_at, "zh-hant") if window else "—"
        raise DomainError(
            _("Choose a time inside the results period of the calendar (from %(date)s).") % {"date": opens}
        )
    with transaction.atomic():
        locked = RankingRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != RankingRun.State.PROPOSED:
            raise DomainError(_("This run was already published or superseded."))
        before = locked.publish_at.isoformat() if locked.publish_at else None
        locked.publish_at, locked.publish_scheduled_by, locked.publish_error = at, actor, ""
        locked.save(update_fields=["publish_at", "publish_scheduled_by", "publish_error"])
        record_audit(actor=actor, action="scoring.publication_scheduled", target=locked,
                     before={"publish_at": before}, after={"publish_at": at.isoformat()})  # fmt: skip
    run.refresh_from_db()
    return run


def cancel_scheduled_publication(*, actor, run: RankingRun) -> RankingRun:
    if not actor.is_office:
        raise DomainError(_("Only the admissions office publishes results."))
    with transaction.atomic():
        locked = RankingRun.objects.select_for_update().get(pk=run.pk)
        if locked.publish_at is None or locked.state != RankingRun.State.PROPOSED:
            raise DomainError(_("No publication is scheduled for this run."))
        before = locked.publish_at.isoformat()
        locked.publish_at, locked.publish_scheduled_by = None, None
        locked.save(update_fields=["publish_at", "publish_scheduled_by"])
        record_audit(
            actor=actor, action="scoring.publication_unscheduled", target=locked, before={"publish_at": before}
        )
    run.refresh_from_db()
    return run


def publish_due_runs() -> dict:
    """The schedule's run (every minute): publish each proposed run whose time has come, as who scheduled it.

    A refusal (the results window closed, a tie recorded since) is kept on the run for the office to see, and
    the run is not tried again until the office sets a new time.
    """
    counts = {"published": 0, "refused": 0}
    due = RankingRun.objects.filter(state=RankingRun.State.PROPOSED, publish_at__lte=clock.now()).select_related(
        "program__cycle", "publish_scheduled_by"
    )
    for run in due:
        actor = run.publish_scheduled_by
        try:
            if actor is None or not actor.is_office:
                raise DomainError(_("The office member who scheduled this publication can no longer publish."))
            publish_run(actor=actor, run=run)
        except DomainError as refusal:
            RankingRun.objects.filter(pk=run.pk, state=RankingRun.State.PROPOSED).update(
                publish_at=None, publish_error=str(refusal)[:300]
            )
            counts["refused"] += 1
        else:
            counts["published"] += 1
    return counts
