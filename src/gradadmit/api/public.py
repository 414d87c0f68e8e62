"""Public endpoints (no token): published cycles with their calendars, and their programmes with stages."""

from django.db.models import Prefetch
from ninja import Router

from gradadmit.api.problems import not_found
from gradadmit.api.schemas import CycleOut, ProgramOut
from gradadmit.cycles.models import Milestone, Program, SelectionStage
from gradadmit.cycles.selectors import published_cycles

router = Router(tags=["public"])


def cycle_out(cycle) -> dict:
    return {
        "code": cycle.code, "name_zh": cycle.name_zh, "name_en": cycle.name_en, "academic_year": cycle.academic_year,
        "institution_zh": cycle.institution_zh, "institution_en": cycle.institution_en,
        "application_fee": cycle.application_fee,
        "milestones": [{"kind": m.kind, "scope": m.scope, "starts_at": m.starts_at, "ends_at": m.ends_at}
                       for m in cycle.milestones.all()],
    }  # fmt: skip


def program_out(program, cycle_code: str) -> dict:
    return {
        "id": program.pk, "cycle": cycle_code, "code": program.code, "name_zh": program.name_zh,
        "name_en": program.name_en, "department_zh": program.department_zh, "department_en": program.department_en,
        "degree": program.degree, "quota_general": program.quota_general, "quota_in_service": program.quota_in_service,
        "waitlist_general": program.waitlist_general, "waitlist_in_service": program.waitlist_in_service,
        "minimum_standard": program.minimum_standard,
        "stages": [{"order": s.order, "kind": s.kind, "weight": s.weight} for s in program.stages.all()],
    }  # fmt: skip


def _cycles():
    return published_cycles().prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("starts_at")))


@router.get("/cycles", response=list[CycleOut], auth=None, summary="Published admission cycles")
def list_cycles(request):
    return [cycle_out(cycle) for cycle in _cycles()]


def _published(code: str):
    found = _cycles().filter(code=code).first()
    if found is None:
        raise not_found()
    return found


@router.get("/cycles/{code}", response=CycleOut, auth=None, summary="One published cycle with its calendar")
def get_cycle(request, code: str):
    return cycle_out(_published(code))


@router.get("/cycles/{code}/programs", response=list[ProgramOut], auth=None, summary="A cycle's programmes")
def list_cycle_programs(request, code: str):
    cycle = _published(code)
    programs = (
        Program.objects.filter(cycle=cycle)
        .order_by("code")
        .prefetch_related(Prefetch("stages", queryset=SelectionStage.objects.order_by("order")))
    )
    return [program_out(program, cycle.code) for program in programs]
