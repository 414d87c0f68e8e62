"""Request ids on every log line, JSON lines when configured, still no personal data; Sentry scrubbed likewise."""

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from gradadmit.core.logging import RedactingJsonFormatter
from gradadmit.core.requestid import RequestIdFilter, RequestIdMiddleware, current_request_id, request_id_from
from gradadmit.core.sentry import scrub_event

REPO = Path(settings.REPO_DIR)


def run_with_settings(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter after django.setup(), with the project's settings and `env`."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "gradadmit.settings", "PYTHONPATH": "src",
                   "GRADADMIT_DATA_DIR": str(tmp_path), **env}  # fmt: skip
    for name in ("DATABASE_URL", "SENTRY_DSN", "GRADADMIT_LOG_FORMAT"):
        if name not in env:
            environment.pop(name, None)
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip


def test_a_sane_request_id_from_the_load_balancer_is_kept():
    assert request_id_from("5f2a9c1e-7d3b-4a8e-9f10-2b3c4d5e6f70") == "5f2a9c1e-7d3b-4a8e-9f10-2b3c4d5e6f70"


@pytest.mark.parametrize(
    "offered",
    [None, "", "short", "has spaces in it", "x" * 200, "id\nforged log line", "A123456789-abc", "tel-0912-345-678"],
)
def test_a_missing_or_insane_request_id_is_replaced_by_a_new_one(offered):
    made = request_id_from(offered)
    assert made != offered and len(made) == 32 and int(made, 16) >= 0


def test_the_response_carries_the_request_id_and_log_lines_of_the_request_have_it():
    records = []

    def view(request):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "inside", None, None)
        RequestIdFilter().filter(record)
        records.append(record)
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-0123456789ab"))
    assert response["X-Request-ID"] == "lb-0123456789ab" and records[0].request_id == "lb-0123456789ab"


def test_every_response_of_the_portal_has_a_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    assert current_request_id() == "-"  # reset once the response was closed


def test_json_formatter_redacts_every_field_and_leaves_the_request_object_out():
    formatter = RedactingJsonFormatter("%(levelname)s %(request_id)s %(message)s")
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "for %s", ("a.b@example.tw",), None)
    record.request_id = "abc"
    record.request = RequestFactory().get("/?email=c.d@example.tw")
    record.applicant = {"id_number": "A123456789", "phone": "0912-345-678"}
    line = json.loads(formatter.format(record))
    assert line == {"levelname": "ERROR", "request_id": "abc", "message": "for [email]",
                    "applicant": {"id_number": "[national-id]", "phone": "[phone]"}}  # fmt: skip


def test_the_configured_json_handler_writes_masked_lines_with_the_request_id(tmp_path):
    result = run_with_settings(
        """
        import logging
        from django.http import HttpResponse
        from django.test import RequestFactory
        from gradadmit.core.requestid import RequestIdMiddleware

        log = logging.getLogger("gradadmit.example")

        def view(request):
            log.warning("applicant %s with ID %s", "someone@example.tw", "A123456789")
            try:
                raise ValueError("no account for other@example.tw")
            except ValueError:
                log.exception("lookup failed")
            return HttpResponse("ok")

        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-0123456789ab"))
        response.close()  # as the server does when the response is sent: the request is over
        log.warning("outside a request")
        """,
        tmp_path,
        GRADADMIT_LOG_FORMAT="json",
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    inside, failed, outside = lines
    assert inside["message"] == "applicant [email] with ID [national-id]" and inside["request_id"] == "lb-0123456789ab"
    assert inside["level"] == "WARNING" and inside["logger"] == "gradadmit.example" and inside["time"]
    assert "[email]" in failed["exc_info"] and "other@example.tw" not in result.stderr
    assert outside["request_id"] == "-"


def test_plain_text_lines_carry_the_request_id_too(tmp_path):
    result = run_with_settings(
        """
        import logging
        logging.getLogger("gradadmit.example").warning("mail to someone@example.tw")
        """,
        tmp_path,
    )
    assert result.stderr.strip().endswith("WARNING gradadmit.example [-] mail to [email]")


def test_sentry_events_are_scrubbed_of_personal_data():
    event = {
        "message": "login for someone@example.tw",
        "logentry": {"message": "login for %s", "params": ["someone@example.tw"]},
        "exception": {"values": [{"type": "ValueError", "value": "bad ID A123456789"}]},
        "breadcrumbs": {"values": [{"message": "SMS to 0912-345-678", "data": {"to": "x@y.tw"}}]},
        "request": {"url": "https://portal.example/recommend/s3cr3t-token/", "query_string": "email=a@b.tw"},
        "level": "error",
        "timestamp": 1.5,
    }
    scrubbed = json.dumps(scrub_event(event, {}))
    for secret in ("someone@example.tw", "A123456789", "0912-345-678", "x@y.tw", "s3cr3t-token", "a@b.tw"):
        assert secret not in scrubbed
    assert '"level": "error"' in scrubbed and '"timestamp": 1.5' in scrubbed


def test_settings_with_a_sentry_dsn_start_sentry_and_send_scrubbed_events(tmp_path):
    result = run_with_settings(
        """
        import json
        import sentry_sdk
        from sentry_sdk.transport import Transport
        from gradadmit.core.sentry import init_sentry

        client = sentry_sdk.get_client()  # started by the settings
        print(json.dumps({"active": client.is_active(), "pii": client.options["send_default_pii"],
                          "traces": client.options["traces_sample_rate"],
                          "before_send": client.options["before_send"].__name__}))

        class Kept(Transport):  # nothing leaves the machine: envelopes are kept
            envelopes = []
            def capture_envelope(self, envelope):
                self.envelopes.append(envelope)

        init_sentry(dsn="https://public@sentry.example.invalid/1", transport=Kept())
        try:
            raise ValueError("no account for someone@example.tw, ID A123456789")
        except ValueError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
        event = Kept.envelopes[0].get_event()
        print(json.dumps(event["exception"]["values"][0]["value"]))
        """,
        tmp_path,
        SENTRY_DSN="https://public@sentry.example.invalid/1",
        SENTRY_TRACES_SAMPLE_RATE="0.25",
    )
    started, value = (json.loads(line) for line in result.stdout.splitlines()[-2:])
    assert started == {"active": True, "pii": False, "traces": 0.25, "before_send": "scrub_event"}
    assert value == "no account for [email], ID [national-id]"
