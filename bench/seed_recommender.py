"""Seed a bench database for the recommender-page benchmark and print one JSON line for bench_recommender.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory; settings
bench.settings_bench_tokens with the token rate limits off): never against the real database.

One applicant with a profile applies to 3 programmes of an open cycle that ask for letters ("at least 2", PDF or
附件五 form) with the letters step open. Through the app's services (recommendations.services.add_recommender, as
the applicant's page does): professor A is asked on all 3 applications, professor B on the first. A accepts on
the first application (services.accept), so A's page there is the writing page (upload form with 2 sibling
programmes to tick, the link to 附件五) and A's form page is the 附件五 form; B's page is the invited page (details form, accept / decline). The raw token is
only ever in the email, so link tokens are added the way the tests do (testing.factories.recommendation_token, a
notice with a fresh token): TOKENS per page. Then one warm GET of each token in-process, counting SQL queries.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench_tokens")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_recommender.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from seeding import warm_get  # noqa: E402

from gradadmit.core import clock  # noqa: E402
from gradadmit.cycles.models import Milestone  # noqa: E402
from gradadmit.recommendations import services  # noqa: E402
from gradadmit.recommendations.views import recommender as recommender_views  # noqa: E402
from gradadmit.testing.factories import (  # noqa: E402
    ApplicationFactory,
    CycleFactory,
    ProfileFactory,
    ProgramFactory,
    recommendation_token,
)

PROGRAMMES = 3
TOKENS = 5
PROFESSOR = {
    "name": "陳大文",
    "organisation": "國立彰化師範大學電機工程學系",
    "title": "教授",
    "relationship": "專題指導教授",
    "phone": "04-7232105",
}


def seed():
    cycle = CycleFactory()
    now = clock.now()
    Milestone.objects.create(
        cycle=cycle, kind="recommendations", starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=10)
    )
    user = ProfileFactory().user
    applications = [
        ApplicationFactory(
            applicant=user,
            program=ProgramFactory(
                cycle=cycle,
                recommendation_policy="at_least",
                recommendations_required=2,
                recommendation_format="either",
            ),
        )
        for _ in range(PROGRAMMES)
    ]
    a_requests = [
        services.add_recommender(
            applicant=user, application=application, data={**PROFESSOR, "email": "prof.chen@example.edu.tw"}
        )
        for application in applications
    ]
    b_request = services.add_recommender(
        applicant=user,
        application=applications[0],
        data={**PROFESSOR, "name": "林美玲", "title": "副教授", "email": "lin.ml@example.edu.tw"},
    )
    writing = services.accept(request=a_requests[0])
    return {
        "invited": [recommendation_token(b_request) for _ in range(TOKENS)],
        "writing": [recommendation_token(writing) for _ in range(TOKENS)],
    }


PAGE_URLS = {"invited": "recommendations:token", "writing": "recommendations:token", "form": "recommendations:form"}


def measure(page: str, token: str):
    """Status, SQL queries and size of a warm GET (the first request of a process also fills per-process caches)."""
    response, count, by_table = warm_get(reverse(PAGE_URLS[page], args=[token]))
    return response.status_code, count, by_table, len(response.content)


def main() -> int:
    tokens = seed()
    tokens["form"] = tokens["writing"]  # the same recommender's 附件五 page
    checks = {}
    for page, values in tokens.items():
        results = [measure(page, token) for token in values]
        checks[page] = {
            "statuses": sorted({r[0] for r in results}),
            "queries": sorted({r[1] for r in results}),
            "by_table": results[0][2],
            "sizes": sorted({r[3] for r in results}),
        }
    print(
        json.dumps(
            {
                "settings": os.environ["DJANGO_SETTINGS_MODULE"],
                "rate_limits": recommender_views.RATE_LIMITS,
                "debug": settings.DEBUG,
                "paths": {page: [reverse(PAGE_URLS[page], args=[t]) for t in v] for page, v in tokens.items()},
                "checks": checks,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
