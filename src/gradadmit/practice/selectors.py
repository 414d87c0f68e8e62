"""Reads of practice cycles and accounts. Whether a user is a practice account is read once per request."""

from django.shortcuts import get_object_or_404

from gradadmit.cycles.models import Cycle
from gradadmit.practice.models import PracticeAccount


def practice_cycle_id_of(user) -> int | None:
    """The practice cycle a user registered through, or None for a real account (and for visitors).

    accounts.backends loads it with the user (no query on a page); otherwise it is read once and kept.
    """
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "practice_cycle_id"):
        user.practice_cycle_id = PracticeAccount.objects.filter(user=user).values_list("cycle_id", flat=True).first()
    return user.practice_cycle_id


def is_practice_account(user) -> bool:
    return practice_cycle_id_of(user) is not None


def open_practice_cycles():
    return Cycle.objects.practice().filter(is_published=True).order_by("-created_at")


def open_practice_cycle(code) -> Cycle:
    return get_object_or_404(open_practice_cycles(), code=code)


def practice_cycles_for_office():
    return Cycle.objects.practice().select_related("cloned_from").order_by("-created_at")


def practice_cycle_for_office(pk) -> Cycle:
    return get_object_or_404(Cycle.objects.practice(), pk=pk)


def practice_application_of(user, pk):
    """The user's own application of a practice cycle, or 404 (a real application is not practice)."""
    from gradadmit.applications.selectors import applications_of

    return get_object_or_404(applications_of(user).filter(program__cycle__is_practice=True), pk=pk)
