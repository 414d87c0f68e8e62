"""Staff: settings and reviewers, the score table, stage submission, invitations, ranking runs, publication."""

from decimal import Decimal
from types import SimpleNamespace

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from gradadmit.applications.models import Application
from gradadmit.core import exports
from gradadmit.core.choices import Identity
from gradadmit.core.errors import DomainError
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.office.permissions import staff_required
from gradadmit.scoring import scheduled_publication, selectors, services
from gradadmit.scoring.explanations import explain, status_label
from gradadmit.scoring.forms import ReviewerAssignmentForm, SchedulePublicationForm, ScoringSettingsForm
from gradadmit.scoring.ranking import Status
from gradadmit.scoring.views import serve_appeal_attachment

SCORE_FILTERS = [Filter("identity", gettext_lazy("Identity"), "identity", Identity.choices)]
SCORE_SORTS = [
    Sort("application", gettext_lazy("Application"), "id"),
    Sort("identity", gettext_lazy("Identity"), ("identity", "id")),
]
SCORE_COLUMNS = [
    exports.Column(gettext_lazy("Application number"), "application.pk", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("Identity"), lambda r: r.application.get_identity_display()),
    exports.Column(gettext_lazy("Stage"), lambda r: r.stage.get_kind_display()),
    exports.Column(gettext_lazy("Reviewer"), "reviewer.email"),
    exports.Column(gettext_lazy("Score"), "score", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Absent"), lambda r: gettext_lazy("Yes") if r.absent else ""),
    exports.Column(gettext_lazy("Reviewers disagree"), lambda r: gettext_lazy("Yes") if r.disagreement else ""),
    exports.Column(gettext_lazy("Source"), "source"),
    exports.Column(gettext_lazy("Entered"), "at", kind=exports.DATETIME),
]


def _score_rows(request, program):
    """The stages, the listing, and the programme's applications as the URL filters and sorts them."""
    stages, applications, table = selectors.score_table(program)
    listing = Listing(request, filters=SCORE_FILTERS, sorts=SCORE_SORTS, default_sort="application")
    return stages, listing, listing.apply(applications), table


def _score_lines(applications, stages, table, reviewer_scores):
    """Per application and stage: the stage's score, then each reviewer's score (one spreadsheet row each)."""
    for application in applications:
        for stage in stages:
            cell = table.get((application.id, stage.id))
            if cell is not None:
                yield SimpleNamespace(application=application, stage=stage, reviewer=None, score=cell.score,
                                      absent=cell.absent, disagreement=cell.disagreement,
                                      source=cell.get_source_display(), at=cell.updated_at)  # fmt: skip
            for score in reviewer_scores.get((application.id, stage.id), ()):
                yield SimpleNamespace(application=application, stage=stage, reviewer=score.reviewer, score=score.score,
                                      absent=False, disagreement=False, source=_("Reviewer's score"),
                                      at=score.submitted_at)  # fmt: skip


@staff_required()
def scores_xlsx(request, pk):
    program = program_for_staff(request.user, pk)
    stages, _listing, applications, table = _score_rows(request, program)
    lines = _score_lines(applications, stages, table, selectors.reviewer_scores_for_staff(request.user, program))
    return exports.xlsx_response(columns=SCORE_COLUMNS, rows=lines, filename=exports.export_filename("scores", program))


@staff_required()
def scores(request, pk):
    program = program_for_staff(request.user, pk)
    if request.method == "POST":
        application = get_object_or_404(
            Application.objects.filter(program=program), pk=selectors.as_id(request.POST.get("application"))
        )
        stage = selectors.stage_for_program(program, request.POST.get("stage"))
        try:
            services.enter_stage_score(
                actor=request.user,
                application=application,
                stage=stage,
                score=request.POST.get("score", ""),
                absent=request.POST.get("absent") == "on",
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The score was saved."))
        return redirect("scoring:scores", pk=program.pk)
    stages, listing, applications, table = _score_rows(request, program)
    page = listing.page(applications)
    rows = [{"application": a, "cells": [table.get((a.id, s.id)) for s in stages]} for a in page.object_list]
    return render(request, "scoring/office_scores.html", {
        "program": program, "stages": stages, "rows": rows, "applications": applications, "listing": listing,
        "page": page,
    })  # fmt: skip


@staff_required()
@require_POST
def submit_stage(request, pk, stage_id):
    program = program_for_staff(request.user, pk)
    try:
        services.submit_stage(actor=request.user, stage=selectors.stage_for_program(program, stage_id))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The stage was submitted; its scores are locked."))
    return redirect("scoring:scores", pk=program.pk)


@staff_required()
@require_POST
def reopen_stage(request, pk, stage_id):
    program = program_for_staff(request.user, pk)
    try:
        services.reopen_stage(
            actor=request.user,
            stage=selectors.stage_for_program(program, stage_id),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The stage was reopened."))
    return redirect("scoring:scores", pk=program.pk)


@staff_required()
@require_POST
def invitations(request, pk):
    program = program_for_staff(request.user, pk)
    try:
        invited = services.decide_interview_invitations(actor=request.user, program=program)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)d applicants are invited to the interview.") % {"count": len(invited)})
    return redirect("scoring:scores", pk=program.pk)


@staff_required()
def runs(request, pk):
    program = program_for_staff(request.user, pk)
    if request.method == "POST":
        try:
            run = services.run_ranking(actor=request.user, program=program, reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("scoring:runs", pk=program.pk)
        return redirect("scoring:run_detail", pk=run.pk)
    return render(
        request,
        "scoring/office_runs.html",
        {"program": program, "runs": list(selectors.runs_for_staff(request.user, program))},
    )


RUN_FILTERS = [
    Filter("identity", gettext_lazy("Identity"), "identity_value", Identity.choices),
    Filter(
        "result", gettext_lazy("Result"), "status_value", lambda: [(s.value, status_label(s.value)) for s in Status]
    ),
]
RUN_SORTS = [
    Sort("application", gettext_lazy("Application"), "key"),
    Sort("identity", gettext_lazy("Identity"), ("identity_value", "rank", "key")),
    Sort("rank", gettext_lazy("Rank"), ("identity_value", "rank", "key")),
    Sort("total", gettext_lazy("Total"), ("total", "key")),
    Sort("result", gettext_lazy("Result"), ("status_value", "identity_value", "rank", "key")),
]
RUN_COLUMNS = [
    exports.Column(gettext_lazy("Application number"), "key", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "application.applicant.profile.name_zh"),
    exports.Column(gettext_lazy("name (English, as in passport)"), "application.applicant.profile.name_en"),
    exports.Column(gettext_lazy("Identity"), "identity"),
    exports.Column(gettext_lazy("Rank"), "rank", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Total"), "total", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Result"), "status"),
    exports.Column(gettext_lazy("Waitlist position"), "waitlist_position", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Why"), "explanation", width=80),
]


def _run_rows(request, run):
    """The run's outcomes with names and plain-words explanations, as the URL filters and sorts them."""
    _stages, applications, _table = selectors.score_table(run.program)
    names = {a.id: a for a in applications}
    identity_labels = dict(Identity.choices)
    rows = [
        SimpleNamespace(
            outcome=o,
            key=o["key"],
            application=names.get(o["key"]),
            identity_value=o["identity"],
            identity=identity_labels.get(o["identity"], o["identity"]),
            rank=o["rank"],
            total=Decimal(o["total"]),
            status_value=o["status"],
            status=status_label(o["status"]),
            waitlist_position=o["waitlist_position"],
            explanation=explain(o),
        )
        for o in run.result["outcomes"]
    ]
    listing = Listing(request, filters=RUN_FILTERS, sorts=RUN_SORTS, default_sort="rank")
    return listing, listing.apply(rows)


@staff_required()
def run_xlsx(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    _listing, rows = _run_rows(request, run)
    filename = exports.export_filename(f"ranking-run-{run.number}", run.program)
    return exports.xlsx_response(columns=RUN_COLUMNS, rows=rows, filename=filename)


@staff_required()
def run_detail(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    listing, rows = _run_rows(request, run)
    page = listing.page(rows)
    identity_labels = dict(Identity.choices)
    preview = services.preview(run)
    return render(
        request,
        "scoring/office_run.html",
        {
            "run": run,
            "program": run.program,
            "rows": page.object_list,
            "page": page,
            "listing": listing,
            "preview": preview,
            # The preview counts are keyed by identity value: shown by its label (一般生 / 在職生).
            "preview_counts": [(identity_labels.get(key, key), c) for key, c in preview["counts"].items()],
            "schedule_form": SchedulePublicationForm(),
        },
    )


@staff_required("office.configure_cycles")
@require_POST
def publish(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    dry_run = request.POST.get("dry_run") == "1"
    try:
        notified = services.publish_run(actor=request.user, run=run, dry_run=dry_run)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if dry_run:
            messages.info(
                request,
                _("Dry run: publishing would notify %(count)d applicants; nothing has changed.")
                % {"count": len(notified)},
            )
        else:
            messages.success(request, _("Published; %(count)d applicants notified.") % {"count": len(notified)})
    return redirect("scoring:run_detail", pk=run.pk)


@staff_required("office.configure_cycles")
@require_POST
def schedule_publication(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    form = SchedulePublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date and time of publication."))
        return redirect("scoring:run_detail", pk=run.pk)
    try:
        scheduled_publication.schedule_publication(actor=request.user, run=run, at=form.cleaned_data["publish_at"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The results will be published at the time set."))
    return redirect("scoring:run_detail", pk=run.pk)


@staff_required("office.configure_cycles")
@require_POST
def cancel_publication(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    try:
        scheduled_publication.cancel_scheduled_publication(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The scheduled publication was cancelled."))
    return redirect("scoring:run_detail", pk=run.pk)


@staff_required()
def import_scores(request, pk):
    from gradadmit.scoring.imports import import_scores as run_import

    program = program_for_staff(request.user, pk)
    report = None
    if request.method == "POST" and request.FILES.get("file"):
        try:
            report = run_import(
                actor=request.user,
                program=program,
                upload=request.FILES["file"],
                dry_run=request.POST.get("apply") != "1",
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if report.applied:
                messages.success(request, _("%(count)d scores imported.") % {"count": report.applied})
                return redirect("scoring:scores", pk=program.pk)
    return render(request, "scoring/office_import.html", {"program": program, "report": report})


@staff_required()
def regrades(request, pk):
    program = program_for_staff(request.user, pk)
    if request.method == "POST":
        regrade = get_object_or_404(
            selectors.regrades_for_staff(request.user, program), pk=selectors.as_id(request.POST.get("request"))
        )
        answers = {}
        for item in regrade.items.all():
            new = request.POST.get(f"score-{item.stage_id}", "").strip()
            answers[item.stage_id] = (new or None, request.POST.get(f"outcome-{item.stage_id}", ""))
        try:
            services.answer_regrade(actor=request.user, request=regrade, answers=answers)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The regrade request was answered."))
        return redirect("scoring:regrades", pk=program.pk)
    return render(
        request,
        "scoring/office_regrades.html",
        {
            "program": program,
            "regrades": list(selectors.regrades_for_staff(request.user, program)),
            "appeals": list(selectors.appeals_for_staff(request.user, program)),
        },
    )


@staff_required("office.configure_cycles")
@require_POST
def answer_appeal(request, pk):
    appeal = get_object_or_404(selectors.appeals_for_staff(request.user), pk=pk)
    try:
        services.answer_appeal(actor=request.user, appeal=appeal, answer=request.POST.get("answer", ""))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The appeal was answered."))
    return redirect("scoring:regrades", pk=appeal.application.program_id)


@staff_required("office.configure_cycles")
@require_POST
def committee_order(request, pk):
    run = selectors.run_for_staff(request.user, pk)
    order = [part for part in request.POST.get("order", "").replace("，", ",").split(",") if part.strip()]
    try:
        new_run = services.record_committee_order(
            actor=request.user, run=run, order=[selectors.as_id(p) for p in order]
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("scoring:run_detail", pk=run.pk)
    messages.success(request, _("The committee's decision was recorded and the programme ranked again."))
    return redirect("scoring:run_detail", pk=new_run.pk)


@staff_required()
def scoring_settings(request, pk):
    program = program_for_staff(request.user, pk)
    locked = services.locked_settings(program)
    form = ScoringSettingsForm(
        request.POST if request.method == "POST" else None, instance=services.settings_for(program), locked=locked
    )
    if form.is_valid():
        try:
            services.update_scoring_settings(
                actor=request.user, program=program, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The scoring settings were saved."))
            return redirect("scoring:settings", pk=program.pk)
    reasons = sorted(set(locked.values()))
    return render(
        request,
        "scoring/office_settings.html",
        {"program": program, "form": form, "locked_reasons": reasons},
        status=400 if form.errors else 200,
    )


@staff_required()
def reviewers(request, pk):
    program = program_for_staff(request.user, pk)
    form = ReviewerAssignmentForm(request.POST if request.method == "POST" else None, program=program)
    if form.is_valid():
        try:
            assignment = services.assign_reviewer(actor=request.user, program=program, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if assignment.conflict_declared:
                message = _("The conflict of interest of %(user)s was recorded; the application is hidden from them.")
            else:
                message = _("%(user)s was assigned as a reviewer.")
            messages.success(request, message % {"user": assignment.reviewer.email})
            return redirect("scoring:reviewers", pk=program.pk)
    return render(
        request,
        "scoring/office_reviewers.html",
        {"program": program, "form": form, "assignments": selectors.assignments_of_program(program)},
        status=400 if form.errors else 200,
    )


@staff_required()
@require_POST
def remove_reviewer(request, pk, assignment_id):
    program = program_for_staff(request.user, pk)
    assignment = selectors.assignment_of_program(program, assignment_id)
    try:
        kept = services.remove_reviewer_assignment(actor=request.user, assignment=assignment)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        who = {"user": assignment.reviewer.email, "count": kept}
        if kept:
            messages.success(
                request,
                ngettext(
                    "The assignment of %(user)s was removed. The %(count)d score they submitted is kept and still "
                    "counts.",
                    "The assignment of %(user)s was removed. The %(count)d scores they submitted are kept and still "
                    "count.",
                    kept,
                )
                % who,
            )
        else:
            messages.success(request, _("The assignment of %(user)s was removed.") % who)
    return redirect("scoring:reviewers", pk=program.pk)


@staff_required()
def appeal_attachment(request, pk):
    return serve_appeal_attachment(request, selectors.appeal_attachment_for_staff(request.user, pk))
