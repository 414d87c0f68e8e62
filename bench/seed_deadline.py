"""What the deadline-night load test needs to know about the demo data, as one JSON line for bench_deadline.py.

Run by bench_deadline.py with the setup's environment after `manage.py load_demo --applicants N --seed S` (the demo
generator, through the portal's services, is the seed: issue 15's "the same generator feeds the benchmarks"). It
only reads, except for one thing: it adds recommenders (through `add_recommender`, as an applicant would) until
there are enough letters still to write, so the recommenders of the load test have links to open and letters to
upload. Their links are read back from the invitation emails in the outbox, as a recommender reads them.

Prints: the password, the applicants with the active applications they can still work on (document items with their
limits, the fee charge with a virtual account for the slip, free recommender places), the recommenders' links, the
staff accounts with the programmes and cycle they work on, and the public cycle and programme pages.
"""

import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from gradadmit.accounts.models import ApplicantProfile, User  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core.deadlines import calendar_for, scope_for  # noqa: E402
from gradadmit.core.errors import DomainError  # noqa: E402
from gradadmit.cycles.demo import DEPARTMENT_EMAIL, OFFICE_EMAIL  # noqa: E402
from gradadmit.cycles.demo_applicants import EMAIL_DOMAIN  # noqa: E402
from gradadmit.cycles.models import DocumentRequirement  # noqa: E402
from gradadmit.documents.online_forms import spec_for  # noqa: E402
from gradadmit.documents.selectors import applicable_requirements  # noqa: E402
from gradadmit.fees.services import ensure_application_charge  # noqa: E402
from gradadmit.outbox.models import Email  # noqa: E402
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest  # noqa: E402
from gradadmit.recommendations.selectors import letters_window  # noqa: E402
from gradadmit.recommendations.services import MAX_RECOMMENDERS, add_recommender  # noqa: E402

LETTERS_WANTED = int(os.environ.get("BENCH_DEADLINE_LETTERS", "150"))  # links with a letter still to upload
TOKEN_LINK = re.compile(r"/recommend/([A-Za-z0-9_-]{20,})/")
MB = 1024 * 1024


def main() -> None:
    users = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).order_by("email")
    cycle = Application.objects.filter(applicant__in=users).select_related("program__cycle").first().program.cycle
    applicants = []
    for user in users:
        profile = ApplicantProfile.objects.filter(user=user).first()
        calendar = calendar_for(cycle, user)
        scope = scope_for(profile)
        documents = calendar.window("documents", scope)
        letters = letters_window(calendar, scope)
        apps = []
        for application in Application.objects.filter(applicant=user, status=Application.Status.ACTIVE).select_related(
            "program"
        ):
            program = application.program
            items = []
            if documents is not None and documents.is_open():
                items = [
                    {"id": r.pk, "max_bytes": r.max_size_mb * MB, "max_pages": r.max_pages or 99}
                    for r in applicable_requirements(application, profile)
                    if r.file_kind == DocumentRequirement.FileKind.PDF and r.max_size_mb >= 1 and _takes_a_file(r)
                ]
            asks = program.recommendation_policy != program.RecommendationPolicy.NONE
            slots = 0
            if asks and letters is not None and letters.is_open():
                slots = MAX_RECOMMENDERS - RecommendationRequest.objects.filter(application=application).count()
                for n in range(slots):
                    if _pending_count() >= LETTERS_WANTED or slots <= 2:
                        break
                    _add(user, application, n)
                    slots -= 1
            charge = ensure_application_charge(application)
            apps.append(
                {
                    "id": application.pk,
                    "program": program.code,
                    "items": items,
                    "charge": charge.pk if charge is not None and _has_account(charge) else None,
                    "slots": slots,
                }
            )
        if apps:
            applicants.append({"email": user.email, "apps": apps})
    links = _links()
    hash_seconds = _password_check_seconds(users.first())
    programs = list(cycle.programs.order_by("code").values_list("pk", "code"))
    print(
        json.dumps(
            {
                "password": settings.GRADADMIT_DEMO_PASSWORD,
                "password_check_ms": round(hash_seconds * 1000),
                "password_hasher": users.first().password.split("$", 1)[0],
                "applicants": applicants,
                "letters": links["open"],
                "finished_letters": links["finished"],
                "staff": {
                    "office": OFFICE_EMAIL,
                    "department": DEPARTMENT_EMAIL,
                    "cycle": cycle.pk,
                    "programs": [pk for pk, _code in programs],
                },
                "public": {"cycle": cycle.code, "programs": [code for _pk, code in programs]},
            }
        )
    )


def _takes_a_file(requirement) -> bool:
    """Not an item filled in online (issue 16's forms take no upload unless they are printed to sign)."""
    spec = spec_for(requirement)
    return spec is None or spec.needs_signature


def _password_check_seconds(user) -> float:
    """One sign-in's password check (the hasher's work, the bulk of a sign-in's CPU): median of three."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        user.check_password(settings.GRADADMIT_DEMO_PASSWORD)
        times.append(time.perf_counter() - started)
    return sorted(times)[1]


def _pending_count() -> int:
    return RecommendationRequest.objects.filter(
        status__in=[RecommendationRequest.Status.INVITED, RecommendationRequest.Status.OPENED]
    ).count()


def _add(user, application, n) -> None:
    data = {
        "name": f"林教授{n}",
        "organisation": "國立臺灣大學",
        "title": "教授",
        "relationship": "指導教授",
        "email": f"bench-recommender-{application.pk}-{n}@example.edu.tw",
        "phone": "02-3366-0000",
    }
    with contextlib.suppress(DomainError):  # this programme takes no more (closed or full): the next one may
        add_recommender(applicant=user, application=application, data=data)


def _has_account(charge) -> bool:
    return charge.accounts.filter(is_current=True).exists()


def _links() -> dict[str, list[str]]:
    """One link per recommender (their latest notice's), read from the invitation emails: still to write, or done."""
    found = {"open": [], "finished": []}
    latest = {}
    notices = RecommendationNotice.objects.filter(email__isnull=False).order_by("created_at", "pk")
    for notice in notices.select_related("request"):
        latest[notice.request_id] = notice
    bodies = dict(Email.objects.filter(pk__in=[n.email_id for n in latest.values()]).values_list("pk", "body"))
    for notice in latest.values():
        match = TOKEN_LINK.search(bodies.get(notice.email_id, ""))
        if match is None:
            continue
        status = notice.request.status
        if status in (RecommendationRequest.Status.INVITED, RecommendationRequest.Status.OPENED):
            found["open"].append(f"/recommend/{match.group(1)}/")
        elif status == RecommendationRequest.Status.COMPLETED:
            found["finished"].append(f"/recommend/{match.group(1)}/")
    return found


if __name__ == "__main__":
    main()
