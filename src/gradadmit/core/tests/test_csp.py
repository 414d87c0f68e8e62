"""Every HTML page carries the strict Content-Security-Policy (or, when asked, its report-only variant)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from gradadmit.core.csp import ContentSecurityPolicyMiddleware
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def policy_of(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy-Report-Only" not in response
    return response["Content-Security-Policy"]


def test_public_home_page_has_the_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and policy_of(response) == STRICT


def test_applicant_page_has_the_strict_policy(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = client.get("/me/")
    assert response.status_code == 200 and policy_of(response) == STRICT


def test_office_page_has_the_strict_policy(client):
    client.force_login(OfficeFactory())
    response = client.get("/office/")
    assert response.status_code == 200 and policy_of(response) == STRICT


def test_configuration_screens_have_the_strict_policy(client):
    client.force_login(OfficeFactory())
    response = client.get("/admin/")
    assert response.status_code == 200 and policy_of(response) == STRICT


def test_not_found_page_has_the_strict_policy(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and policy_of(response) == STRICT


def test_report_only_switch_sends_the_report_only_header_with_the_report_address(client, settings):
    settings.GRADADMIT_CSP_REPORT_ONLY = True
    settings.GRADADMIT_CSP_REPORT_URI = "https://csp.example.edu.tw/report"
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == STRICT + "; report-uri https://csp.example.edu.tw/report"


def test_a_response_with_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse("<p>served</p>")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_json_answers_get_no_page_policy():
    response = ContentSecurityPolicyMiddleware(lambda request: JsonResponse({"ok": True}))(RequestFactory().get("/"))
    assert "Content-Security-Policy" not in response


def test_a_report_address_that_would_add_directives_stops_the_settings():
    env = {
        **os.environ,
        "PYTHONPATH": str(settings.REPO_DIR / "src"),
        "GRADADMIT_CSP_REPORT_URI": "https://x.example/r; script-src *",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import gradadmit.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "GRADADMIT_CSP_REPORT_URI" in result.stderr
