"""A practice account sees only its practice cycle: every real page answers 404.

Real pages are the office and configuration pages, and the public pages of real cycles (a cycle, its
programmes and forms, announcements, result and interview lists). The applicant's own pages (考生專區 and what
hangs from it) stay open: their selectors scope by user, so they hold practice applications only.
"""

from django.http import Http404

from gradadmit.practice.selectors import practice_cycle_id_of

STAFF_PREFIXES = ("/office/", "/admin/")


class PracticeAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        cycle_id = practice_cycle_id_of(getattr(request, "user", None))
        if cycle_id is None:
            return None
        if request.path.startswith(STAFF_PREFIXES):
            raise Http404("a practice account opens practice pages only")
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name == "applications:apply":
            _require_practice_program(view_kwargs.get("program_id"), cycle_id)
        elif _is_public_page(view_func, match) and not _is_practice_cycle_code(match, view_kwargs, cycle_id):
            raise Http404("a practice account opens practice pages only")
        return None


def _require_practice_program(program_id, cycle_id):
    from gradadmit.cycles.models import Program

    if not Program.objects.filter(pk=program_id, cycle_id=cycle_id).exists():
        raise Http404("not a programme of the practice cycle")


def _is_public_page(view_func, match) -> bool:
    return getattr(view_func, "__module__", "").endswith(".views.public") and match.url_name != "home"


def _is_practice_cycle_code(match, kwargs, cycle_id) -> bool:
    from gradadmit.cycles.models import Cycle

    code = kwargs.get("code")
    return match.namespace == "cycles" and code is not None and Cycle.objects.filter(pk=cycle_id, code=code).exists()
