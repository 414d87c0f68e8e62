"""The office watches background work: the jobs page (retry a failed job), the email outbox (a refused address,
sent again), and a packet build whose progress updates on the page without a reload."""

import pytest
from django.utils import translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import queue_email
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, upload_required_documents

from .conftest import check_a11y, t
from .test_office import open_office, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


@pytest.fixture
def database_tasks(settings):
    """Jobs wait in the database queue like production (no worker runs in the browser tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def failed_job():
    from gradadmit.fees.tasks import import_statement_task

    result = import_statement_task.enqueue(statement_id=7)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.FAILED, worker_ids=["host-1"], finished_at=clock.now(),
        exception_class_path="OSError", traceback="Traceback (most recent call last):\nOSError: [Errno 28] No space left",
    )  # fmt: skip


def test_office_retries_a_failed_job_and_resends_a_refused_email(page, database_tasks):
    failed_job()
    refused = queue_email(to="typo@exmaple.tw", subject="[GradAdmit] 推薦信邀請 / Invitation", body="內容",
                          cause="recommendation:invitation")  # fmt: skip
    Email.objects.filter(pk=refused.pk).update(
        status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550 5.1.1 No such user here"
    )
    sign_in(page, OfficeFactory().email)
    open_office(page)

    page.get_by_role("link", name=_("Background jobs")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Background jobs"))
    jobs = page.get_by_role("table", name=_("Jobs"))
    row = jobs.get_by_role("row").filter(has_text=str(_("Bank statement import")))
    expect(row).to_contain_text("No space left")
    check_a11y(page, "jobs-01-failed")
    row.get_by_role("button", name=_("Try again")).click()
    expect(page.get_by_role("main")).to_contain_text(_("The job was queued again."))
    with translation.override(LANGUAGE):
        waiting = translation.pgettext("job status", "Waiting")
    expect(
        jobs.get_by_role("row").filter(has_text=str(_("Bank statement import"))).filter(has_text=waiting)
    ).to_have_count(1)
    check_a11y(page, "jobs-02-retried")

    page.goto("/office/")
    page.get_by_role("link", name=_("Emails"), exact=True).click()
    search = page.get_by_role("search", name=_("Search emails"))
    search.get_by_label(_("Address, subject or cause")).fill("typo@")
    search.get_by_role("button", name=_("Search")).click()
    expect(page.get_by_role("main")).to_contain_text("550 5.1.1")
    check_a11y(page, "emails-01-failed")
    page.get_by_role("link", name="[GradAdmit] 推薦信邀請 / Invitation").click()
    page.get_by_role("button", name=_("Try again")).click()
    expect(page.get_by_role("main")).to_contain_text(_("The email is queued to be sent again."))
    refused.refresh_from_db()
    assert refused.status == "queued"
    check_a11y(page, "emails-02-queued-again")


def test_packet_progress_updates_in_place_while_the_worker_builds(page, database_tasks):
    from gradadmit.documents.models import PacketBuild
    from gradadmit.documents.tasks import build_program_packets

    application = ApplicationFactory()
    upload_required_documents(application)
    program = application.program
    sign_in(page, OfficeFactory().email)
    page.goto(f"/office/programs/{program.pk}/packets/")
    with translation.override(LANGUAGE):
        title = pick(program.name_zh, program.name_en, LANGUAGE)
    expect(page).to_have_title(f"{_('Review packets')} · {title} · GradAdmit")
    page.get_by_role("button", name=_("Build all packets")).click()
    expect(page.get_by_role("cell", name=_("Queued"))).to_be_visible()
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    check_a11y(page, "packets-01-queued")
    url_before = page.url

    build_program_packets.call(build_id=PacketBuild.objects.get().pk)  # the worker builds it meanwhile

    expect(page.get_by_role("link", name=_("Download zip"))).to_be_visible(timeout=10_000)  # no reload
    assert page.url == url_before
    check_a11y(page, "packets-02-done-in-place")
