"""Reads of cycles and programmes: public ones for visitors, scoped ones for staff."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.models import Cycle, Program, SelectionStage


def published_cycles():
    """Published real cycles (a practice cycle is listed on the practice page only)."""
    return Cycle.objects.real().filter(is_published=True)


def published_cycle(code) -> Cycle:
    """A published cycle's public page; a practice cycle's too (its pages carry the practice banner)."""
    return get_object_or_404(Cycle.objects.filter(is_published=True), code=code)


def cycles_open_to(user):
    """The cycles an applicant may apply to: a practice account its practice cycle, anyone else the real ones."""
    from gradadmit.practice.selectors import practice_cycle_id_of

    cycle_id = practice_cycle_id_of(user)
    if cycle_id is not None:
        return Cycle.objects.filter(pk=cycle_id, is_published=True)
    return published_cycles()


def public_programs(cycle):
    return cycle.programs.order_by("code")


def public_program(cycle, code) -> Program:
    """The programme with its stages; its document items are in the cycle's configuration (cycles.configuration)."""
    return get_object_or_404(
        Program.objects.filter(cycle=cycle).prefetch_related(
            Prefetch("stages", queryset=SelectionStage.objects.order_by("order"))
        ),
        code=code,
    )


def programs_for_staff(user):
    return Program.objects.filter(staff_program_q(user)).select_related("cycle")


def program_for_staff(user, pk) -> Program:
    return get_object_or_404(programs_for_staff(user), pk=pk)


def cycles_for_staff(user):
    if user.is_office:
        return Cycle.objects.real()
    return Cycle.objects.filter(programs__in=programs_for_staff(user)).distinct()
