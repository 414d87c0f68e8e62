"""What a published result shows: to the applicant (own scores and explanation) and to the public (masked list)."""

from gradadmit.applications.models import Application
from gradadmit.core.deadlines import calendar_for
from gradadmit.scoring import selectors
from gradadmit.scoring.explanations import explain, status_label
from gradadmit.scoring.ranking import Status
from gradadmit.scoring.services import settings_for


def results_visible(program, run) -> bool:
    """Nothing is visible before the office publishes and the calendar's results time has come."""
    if run is None:
        return False
    window = calendar_for(program.cycle).window("results")
    return window is not None and window.has_started()


def result_for_applicant(application: Application) -> dict:
    run = selectors.published_run(application.program_id)
    if not results_visible(application.program, run):
        return {"published": False}
    outcome = run.outcome_of(application.id)
    if outcome is None:
        return {"published": False}
    show_rank = settings_for(application.program).show_rank
    return {
        "published": True,
        "outcome": outcome,
        "status": status_label(outcome["status"]),
        "explanation": explain(outcome, show_rank=show_rank),
        "show_rank": show_rank,
        "scores": selectors.own_stage_scores(application),
    }


def mask_name(name: str) -> str:
    """王小明 → 王○明; two characters → 王○."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "○"
    return name[0] + "○" * (len(name) - 2) + name[-1]


def public_list(program) -> dict:
    run = selectors.published_run(program.pk)
    if not results_visible(program, run):
        return {"published": False}
    wanted = {o["key"]: o for o in run.result["outcomes"] if o["status"] in (Status.ADMITTED, Status.WAITLISTED)}
    applications = {  # real(): a practice application (模擬報名) is never on a public list
        a.id: a for a in Application.objects.real().filter(pk__in=wanted).select_related("applicant__profile", "ticket")
    }
    rows = []
    for key, outcome in wanted.items():
        application = applications.get(key)
        if application is None:
            continue
        ticket = getattr(application, "ticket", None)
        profile = getattr(application.applicant, "profile", None)
        rows.append(
            {
                "exam_number": ticket.exam_number if ticket else f"#{key}",
                "name": mask_name(profile.name_zh if profile else ""),
                "identity": application.get_identity_display(),
                "outcome": outcome,
            }
        )
    admitted = sorted((r for r in rows if r["outcome"]["status"] == Status.ADMITTED), key=lambda r: r["exam_number"])
    waitlisted = sorted(
        (r for r in rows if r["outcome"]["status"] == Status.WAITLISTED),
        key=lambda r: (r["outcome"]["identity"], r["outcome"]["waitlist_position"], r["exam_number"]),
    )
    return {"published": True, "admitted": admitted, "waitlisted": waitlisted}
