"""The one place that answers which programmes a staff member may see: office all, departments theirs."""

from django.db.models import Q


def staff_program_q(user, prefix: str = "") -> Q:
    """A filter on a queryset reaching Program through `prefix` ("" for Program itself).

    Practice cycles' programmes (模擬報名) are never in a staff member's scope: every staff list, export,
    count and mailing is built on this filter, so no practice application reaches them.
    """
    from gradadmit.cycles.models import Program, ProgramAssignment

    field = f"{prefix}_id__in" if prefix else "id__in"
    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_office:
        return ~Q(**{field: Program.objects.filter(cycle__is_practice=True).values("id")})
    if user.is_department_staff:
        return Q(
            **{
                field: ProgramAssignment.objects.filter(user=user, program__cycle__is_practice=False).values(
                    "program_id"
                )
            }
        )
    return Q(pk__in=[])
