"""Calendar helpers for enrolment tests: open or closed check-in and promotion windows."""

from datetime import timedelta

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone


def set_window(cycle, kind, *, open=True, ended=False):
    now = clock.now()
    if ended:
        starts, ends = now - timedelta(days=10), now - timedelta(days=1)
    elif open:
        starts, ends = now - timedelta(days=1), now + timedelta(days=10)
    else:
        starts, ends = now + timedelta(days=5), now + timedelta(days=10)
    Milestone.objects.update_or_create(
        cycle=cycle, kind=kind, scope="all", defaults={"starts_at": starts, "ends_at": ends}
    )


def windows(program, *, checkin="open", promotion="open"):
    for kind, state in (("checkin", checkin), ("waitlist_promotion", promotion)):
        if state is not None:
            set_window(program.cycle, kind, open=state == "open", ended=state == "ended")
