"""Reads of cycles and programmes: public ones for visitors, scoped ones for staff."""

from django.db import models
from django.shortcuts import get_object_or_404

from gradadmit.core.prepared import Param, one_or_404, prepared
from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.models import Cycle, FormTemplate, Program, SelectionStage

# The public pages and 考生專區 read these on every request: built and compiled once (core/prepared.py).
_CODE = models.CharField()
_PUBLISHED_CYCLE = prepared(lambda: Cycle.objects.filter(is_published=True, code=Param("code", _CODE)))
_PRACTICE_CYCLE = prepared(lambda: Cycle.objects.filter(pk=Param("cycle"), is_published=True))
_PUBLIC_PROGRAMS = prepared(lambda: Program.objects.filter(cycle_id=Param("cycle")).order_by("code"))
_PUBLIC_PROGRAM = prepared(lambda: Program.objects.filter(cycle_id=Param("cycle"), code=Param("code", _CODE)))
_STAGES_OF = prepared(lambda: SelectionStage.objects.filter(program_id=Param("program")).order_by("order"))
_FORMS = prepared(lambda: FormTemplate.objects.filter(cycle_id=Param("cycle")))


def published_cycles():
    """Published real cycles (a practice cycle is listed on the practice page only)."""
    return Cycle.objects.real().filter(is_published=True)


_OPEN_CYCLES = prepared(published_cycles)


def published_cycle(code) -> Cycle:
    """A published cycle's public page; a practice cycle's too (its pages carry the practice banner)."""
    return one_or_404(_PUBLISHED_CYCLE(code=code))


def cycles_open_to(user):
    """The cycles an applicant may apply to: a practice account its practice cycle, anyone else the real ones."""
    from gradadmit.practice.selectors import practice_cycle_id_of

    cycle_id = practice_cycle_id_of(user)
    if cycle_id is not None:
        return _PRACTICE_CYCLE(cycle=cycle_id)
    return _OPEN_CYCLES()


def public_programs(cycle):
    return _PUBLIC_PROGRAMS(cycle=cycle.pk)


def cycle_forms(cycle):
    """The cycle's downloadable forms, in their order."""
    return _FORMS(cycle=cycle.pk)


def public_program(cycle, code) -> Program:
    """The programme; its document items are in the cycle's configuration (cycles.configuration)."""
    return one_or_404(_PUBLIC_PROGRAM(cycle=cycle.pk, code=code))


def program_stages(program) -> list:
    """The programme's selection stages, in their order."""
    return list(_STAGES_OF(program=program.pk))


def programs_for_staff(user):
    return Program.objects.filter(staff_program_q(user)).select_related("cycle")


def program_for_staff(user, pk) -> Program:
    return get_object_or_404(programs_for_staff(user), pk=pk)


def cycles_for_staff(user):
    if user.is_office:
        return Cycle.objects.real()
    return Cycle.objects.filter(programs__in=programs_for_staff(user)).distinct()
