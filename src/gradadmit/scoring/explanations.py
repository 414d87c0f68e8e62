"""Plain words for an outcome of the ranking engine, for staff and for the applicant."""

from django.utils.translation import gettext as _

from gradadmit.scoring.ranking import Reason, Status


def status_label(status: str) -> str:
    return {
        Status.ADMITTED: _("Admitted (正取)"),
        Status.WAITLISTED: _("Waitlisted (備取)"),
        Status.NOT_ADMITTED: _("Not admitted (不錄取)"),
        Status.COMMITTEE: _("Tied: awaiting the committee's decision"),
    }[Status(status)]


def explain(outcome: dict, *, show_rank: bool = True) -> str:
    """One or two sentences saying which rule decided, with the numbers that matter."""
    reason = Reason(outcome["reason"])
    values = {
        "total": outcome["total"],
        "rank": outcome["rank"],
        "cutoff": outcome["cutoff"],
        "position": outcome["waitlist_position"],
    }
    texts = {
        Reason.QUOTA: _("Your total of %(total)s placed you within the places for your identity."),
        Reason.FLOW: _(
            "Your total of %(total)s placed you just after the places for your identity; the other identity "
            "could not fill its places, and the brochure lets them pass to yours."
        ),
        Reason.TIE_INTERVIEW: _(
            "Your total of %(total)s equalled another applicant's at the last place; the higher interview "
            "score decided the order."
        ),
        Reason.TIE_STAGE1: _(
            "Your total and interview score equalled another applicant's at the last place; the higher "
            "stage-1 (document review) score decided the order."
        ),
        Reason.TIE_COMMITTEE: _(
            "Your total, interview and stage-1 scores all equal another applicant's at the last place; the "
            "admissions committee decides."
        ),
        Reason.TIE_COMMITTEE_DECIDED: _(
            "Your total, interview and stage-1 scores all equal another applicant's at the last place; the "
            "admissions committee decided the order."
        ),
        Reason.TIE_ADMIT_ALL: _(
            "Your total, interview and stage-1 scores equal another applicant's at the last place; the "
            "committee admits everyone tied there."
        ),
        Reason.WAITLIST: _(
            "Your total of %(total)s is below the last admitted total (%(cutoff)s) but within the waitlist: "
            "you are number %(position)s on it."
        ),
        Reason.BELOW_CUTOFF: _(
            "Your total of %(total)s is below the last admitted total (%(cutoff)s) and outside the waitlist."
        ),
        Reason.MINIMUM_STANDARD: _(
            "Your total of %(total)s is below the programme's minimum admission standard, so you cannot be "
            "admitted even where places remain."
        ),
        Reason.ZERO_SCORE: _("A stage was scored 0; the brochure (玖.三) does not admit anyone with a zero."),
        Reason.ABSENT: _("You were absent from a stage; the brochure (玖.三) does not admit anyone absent."),
        Reason.NOT_INVITED: _(
            "You did not pass stage 1, so you were not invited to the interview; it counts as 0 and you "
            "cannot be admitted."
        ),
    }
    text = texts[reason] % values
    tie_steps = (Reason.TIE_INTERVIEW, Reason.TIE_STAGE1, Reason.TIE_COMMITTEE_DECIDED)
    if Status(outcome["status"]) == Status.WAITLISTED and reason in tie_steps:
        text += " " + _("You are number %(position)s on the waitlist.") % values
    if show_rank and outcome["rank"]:
        text += " " + _("Your rank among applicants of your identity: %(rank)s.") % values
    return text
