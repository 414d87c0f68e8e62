"""Office pages of background work: every job with its state, attempts and error (retry a failed one), the
workers alive and the schedule; see core.jobs for how jobs survive a worker's death."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gradadmit.core import clock, jobs
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry, ScheduledRun, WorkerHeartbeat
from gradadmit.office.permissions import staff_required

JOB_LABELS = {
    "gradadmit.documents.tasks.build_program_packets": gettext_lazy("Review packet zip"),
    "gradadmit.exams.tasks.build_ticket_batch": gettext_lazy("Admission ticket zip"),
    "gradadmit.fees.tasks.import_statement_task": gettext_lazy("Bank statement import"),
    "gradadmit.fees.tasks.notify_amount_wrong_task": gettext_lazy("Messages about wrong amounts"),
    "gradadmit.outbox.tasks.deliver_outbox": gettext_lazy("Email delivery"),
    "gradadmit.mailings.tasks.send_mailing": gettext_lazy("Mailing"),
    "gradadmit.recommendations.tasks.send_recommendation_reminders": gettext_lazy("Recommendation reminders"),
    "gradadmit.enrolment.tasks.fill_vacancies_task": gettext_lazy("Waitlist promotion"),
    "gradadmit.enrolment.tasks.lapse_overdue_offers": gettext_lazy("Check-in deadline lapses"),
    "gradadmit.core.tasks.prune_job_history": gettext_lazy("Job history retention"),
    "gradadmit.core.tasks.refresh_database_statistics": gettext_lazy("Database statistics"),
}
STATUS_LABELS = {
    TaskResultStatus.READY: pgettext_lazy("job status", "Waiting"),
    TaskResultStatus.RUNNING: pgettext_lazy("job status", "Running"),
    TaskResultStatus.SUCCESSFUL: pgettext_lazy("job status", "Done"),
    TaskResultStatus.FAILED: pgettext_lazy("job status", "Failed"),
}


class JobRow:
    """One task result as the page shows it: label, state, attempts, arguments, the error's last line."""

    def __init__(self, row: DBTaskResult, retried: bool = False):
        self.id = row.id
        self.retried = retried
        self.label = JOB_LABELS.get(row.task_path, row.task_path.rsplit(".", 1)[-1])
        self.status = row.status
        self.status_label = STATUS_LABELS.get(row.status, row.status)
        self.attempts = len(row.worker_ids)
        self.arguments = ", ".join(f"{key}={value}" for key, value in sorted(row.args_kwargs.get("kwargs", {}).items()))
        self.enqueued_at, self.started_at, self.finished_at = row.enqueued_at, row.started_at, row.finished_at
        lines = [line for line in (row.traceback or "").strip().splitlines() if line.strip()]
        self.error = lines[-1][:300] if row.status == TaskResultStatus.FAILED and lines else ""


def _summary(now) -> dict:
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = waiting.filter(run_after__lte=now).order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
        "oldest_wait": int((now - oldest).total_seconds()) if oldest else None,
    }


@staff_required("office.configure_cycles")
def job_list(request):
    now = clock.now()
    status = request.GET.get("status", "")
    rows = DBTaskResult.objects.order_by("-enqueued_at").only(
        "id", "task_path", "status", "worker_ids", "args_kwargs", "enqueued_at", "started_at", "finished_at",
        "traceback",
    )  # fmt: skip
    if status in STATUS_LABELS:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    failed = [str(row.pk) for row in page.object_list if row.status == TaskResultStatus.FAILED]
    retried = set(
        AuditEntry.objects.filter(action="jobs.retried", target_id__in=failed).values_list("target_id", flat=True)
    ) if failed else set()  # fmt: skip
    live = set(jobs.live_worker_ids(now))
    workers = [
        {"worker": worker, "alive": worker.worker_id in live}
        for worker in WorkerHeartbeat.objects.order_by("-last_seen")[:20]
    ]
    entries = jobs.schedule()
    last_runs = {
        entry.name: ScheduledRun.objects.filter(name=entry.name).order_by("-slot").first() for entry in entries
    }
    summary = _summary(now)
    context = {
        "page": page,
        "jobs": [JobRow(row, retried=str(row.pk) in retried) for row in page.object_list],
        "status": status,
        "statuses": STATUS_LABELS,
        "summary": summary,
        "active": bool(summary["waiting"] or summary["running"]),
        "workers": workers,
        "schedule": [
            {"entry": entry, "label": JOB_LABELS.get(entry.task, entry.name), "last": last_runs[entry.name]}
            for entry in entries
        ],
    }
    template = "office/_jobs_table.html" if request.GET.get("partial") else "office/jobs.html"
    return render(request, template, context)


@staff_required("office.configure_cycles")
@require_POST
def job_retry(request, task_id):
    try:
        jobs.retry_failed_task(actor=request.user, task_result_id=task_id)
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The job was queued again."))
    return redirect("office:jobs")
