"""Root URLs: public pages, accounts, 考生專區 (/me/), office (/office/), configuration (/admin/)."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.i18n import set_language

from gradadmit.core.health import readyz
from gradadmit.core.metrics import metrics_view


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# Django tries the patterns in order, and every include whose prefix matches but whose own patterns do not lists all
# of them for the 404 page (URLResolver._extend_tried): with eleven "" includes before it, /me/ cost 53 µs to resolve
# and a programme page 65, against 10 for a path matched early. So the pages of the deadline night's mix (考生專區,
# an application's pages, the public cycle and programme pages) come first. No two includes share a path
# (a test resolves every pattern), so the order changes nothing else.
urlpatterns = [
    path("healthz", healthz),  # liveness: no database, no storage
    path("me/", include("gradadmit.applications.urls")),
    path("", include("gradadmit.documents.urls")),
    path("", include("gradadmit.fees.urls")),
    path("", include("gradadmit.recommendations.urls")),
    path("", include("gradadmit.cycles.urls")),
    path("accounts/", include("allauth.urls")),
    path("readyz", readyz),  # readiness: database, storage, task queue
    path("metrics", metrics_view),  # Prometheus; allowed addresses or the bearer token only
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("gradadmit.eligibility.urls")),
    path("", include("gradadmit.exams.urls")),
    path("", include("gradadmit.scoring.urls")),
    path("", include("gradadmit.enrolment.urls")),
    path("", include("gradadmit.announcements.urls")),
    path("", include("gradadmit.accesslog.urls")),
    path("", include("gradadmit.privacy.urls")),
    path("", include("gradadmit.practice.urls")),
    path("me/", include("gradadmit.accounts.urls")),
    path("me/messages/", include("gradadmit.notifications.urls")),
    path("office/emails/", include("gradadmit.outbox.urls")),
    path("office/mailings/", include("gradadmit.mailings.urls")),
    path("office/api-tokens/", include("gradadmit.api.office_urls")),
    path("api/v1/", include("gradadmit.api.urls")),
    path("office/", include("gradadmit.office.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "gradadmit.core.faults.server_error"  # the 503 page when the database is the cause
