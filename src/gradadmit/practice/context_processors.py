"""`practice_mode` for the banner of base.html: a practice account, or a sign-up started on a practice cycle."""

from gradadmit.practice.selectors import practice_cycle_id_of
from gradadmit.practice.services import SESSION_KEY


def practice(request):
    user = getattr(request, "user", None)
    on = practice_cycle_id_of(user) is not None
    signup = False
    if not on and not (user is not None and user.is_authenticated):
        session = getattr(request, "session", None)
        on = signup = bool(session is not None and session.get(SESSION_KEY))
    return {"practice_mode": on, "practice_signup": signup}
