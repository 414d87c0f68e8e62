"""/metrics: Prometheus text from allowed addresses or with the token; queue figures read at scrape time."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from gradadmit.core import metrics
from gradadmit.testing.factories import ApplicationFactory
from gradadmit.testing.files import upload

pytestmark = pytest.mark.django_db
OUTSIDE = "203.0.113.9"


def sample(text: str, name: str, labels: str = "") -> float:
    """The value of one sample in Prometheus text format."""
    for line in text.splitlines():
        if line.startswith(f"{name}{labels} "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{labels} not in the output")


def make_task(status, *, waited=datetime.timedelta(0)):
    task = DBTaskResult.objects.create(
        task_path="gradadmit.core.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)


def test_metrics_are_served_to_localhost(client):
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=")


def test_metrics_are_refused_to_other_addresses(client):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 403


def test_an_allowed_network_lets_its_addresses_in(client, settings):
    settings.GRADADMIT_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "not-an-address"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_the_bearer_token_lets_any_address_in(client, settings):
    settings.GRADADMIT_METRICS_TOKEN = "scrape-secret-1234"
    ok = client.get("/metrics", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer scrape-secret-1234"})
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer scrape-secret-12345"})
    assert ok.status_code == 200 and wrong.status_code == 403


def test_no_token_configured_means_no_token_accepted(client, settings):
    settings.GRADADMIT_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer "}).status_code == 403


def test_queue_figures_are_read_at_scrape_time(client):
    make_task("READY", waited=datetime.timedelta(minutes=2))
    make_task("READY")
    make_task("RUNNING")
    make_task("FAILED")
    text = client.get("/metrics").content.decode()
    assert sample(text, "gradadmit_tasks_ready") == 2
    assert sample(text, "gradadmit_tasks_running") == 1
    assert sample(text, "gradadmit_tasks_failed") == 1
    assert 120 <= sample(text, "gradadmit_tasks_oldest_ready_age_seconds") < 180
    assert sample(text, "gradadmit_metrics_source_up", '{source="queue"}') == 1


def test_requests_are_counted_and_timed_by_view(client):
    client.get(reverse("cycles:home"))
    text = client.get("/metrics").content.decode()
    assert sample(text, "django_http_requests_latency_seconds_by_view_method_count",
                  '{method="GET",view="cycles:home"}') >= 1  # fmt: skip
    assert "django_http_responses_total_by_status_view_method_total" in text


def test_a_refused_upload_is_counted_by_reason(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    requirement = application.program.document_requirements.get(code="cv")
    before = REGISTRY.get_sample_value("gradadmit_uploads_refused_total", {"reason": "not_pdf"}) or 0
    client.post(reverse("documents:upload", args=[application.pk, requirement.pk]),
                {"file": upload("cv.pdf", b"MZ\x90 not a pdf")})  # fmt: skip
    assert REGISTRY.get_sample_value("gradadmit_uploads_refused_total", {"reason": "not_pdf"}) == before + 1


def test_an_oversize_upload_cut_off_by_the_handler_is_counted(client):
    application = ApplicationFactory()
    requirement = application.program.document_requirements.get(code="cv")
    requirement.max_size_mb = 1
    requirement.save()
    client.force_login(application.applicant)
    before = REGISTRY.get_sample_value("gradadmit_uploads_refused_total", {"reason": "too_large"}) or 0
    client.post(reverse("documents:upload", args=[application.pk, requirement.pk]),
                {"file": upload("cv.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))})  # fmt: skip
    assert REGISTRY.get_sample_value("gradadmit_uploads_refused_total", {"reason": "too_large"}) == before + 1


def test_a_registered_source_is_collected_and_a_failing_one_is_reported_down(client, monkeypatch):
    def outbox():
        yield GaugeMetricFamily("gradadmit_test_emails_queued", "Emails waiting.", value=3)

    def broken():
        raise OperationalError("database is down")

    monkeypatch.setattr(metrics, "_sources", dict(metrics._sources))
    metrics.register_metric_source(outbox, name="outbox")
    metrics.register_metric_source(broken, name="broken")
    text = client.get("/metrics").content.decode()
    assert sample(text, "gradadmit_test_emails_queued") == 3
    assert sample(text, "gradadmit_metrics_source_up", '{source="outbox"}') == 1
    assert sample(text, "gradadmit_metrics_source_up", '{source="broken"}') == 0
    assert sample(text, "gradadmit_metrics_source_up", '{source="queue"}') == 1


def test_a_scrape_answers_while_the_database_is_unreachable(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert sample(response.content.decode(), "gradadmit_metrics_source_up", '{source="queue"}') == 0


def test_multiprocess_mode_sums_the_workers_files_and_adds_the_queue(client, monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    make_task("READY")
    text = client.get("/metrics").content.decode()
    assert sample(text, "gradadmit_tasks_ready") == 1
