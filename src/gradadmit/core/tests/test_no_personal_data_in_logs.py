"""No personal data in logs or error reports: the main journeys run with every logger at DEBUG through the
portal's own log handler (its formatter and filters), and Sentry started with a transport that keeps the events;
then every line and every event is searched for the test applicant's and recommender's names, ID number, emails
and phone numbers.

`django.db.backends` and `django.template` stay at the levels settings.py gives them (asserted below): at DEBUG
the first writes every SQL statement with its parameters and the second a missing template variable with the
whole context (the request with its query string, the objects on the page), so they are never turned up.
"""

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path, reverse

from gradadmit import urls as portal_urls
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.logging import RedactingFormatter
from gradadmit.outbox.delivery import deliver_due
from gradadmit.testing.factories import (
    OfficeFactory,
    ProgramFactory,
    application_fee_charge,
    recommendation_token,
    valid_taiwan_id,
)
from gradadmit.testing.files import photo_bytes, upload

pytestmark = pytest.mark.django_db(transaction=False)

PERSON = {
    "email": "kung.chiachi@example.tw",
    "name_zh": "龔嘉琪",
    "name_en": "KUNG, CHIA-CHI",
    "national_id": valid_taiwan_id(8888, sex=2),
    "phone_mobile": "0933-222-111",
    "phone_home": "(02)2345-6789",
}
RECOMMENDER = {
    "name": "邱振宇",
    "organisation": "國立彰化師範大學",
    "title": "教授",
    "relationship": "專題指導教授",
    "email": "prof.chiu@example.edu.tw",
    "phone": "04-7232105",
}
SECRETS = [
    PERSON["email"], PERSON["name_zh"], PERSON["name_en"], "KUNG", PERSON["national_id"], PERSON["phone_mobile"],
    "0933222111", PERSON["phone_home"], "2345-6789", RECOMMENDER["name"], RECOMMENDER["email"], "prof.chiu",
    RECOMMENDER["phone"], "7232105",
]  # fmt: skip


def boom(request):
    """A view failing with personal data in the exception's message (as a careless `raise` would)."""
    profile = ApplicantProfile.objects.get(user__email=PERSON["email"])
    raise ValueError(f"no seat for {profile.national_id}, {request.user.email}, call {profile.phone_mobile} or "
                     f"{profile.phone_home}, recommender's {RECOMMENDER['phone']}")  # fmt: skip


urlpatterns = [path("test-boom/", boom), *portal_urls.urlpatterns]


@pytest.fixture
def captured_logs():
    """Every logger at DEBUG (but the two of the module's docstring); the portal's console handler
    writing to a buffer. Yields the buffer."""
    held = ("django.db.backends", "django.template")
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] == "WARNING"
    assert settings.LOGGING["loggers"]["django.template"]["level"] == "INFO"
    root = logging.getLogger()
    handlers = [h for h in root.handlers if isinstance(h.formatter, RedactingFormatter)]
    assert handlers, "the portal's console handler is configured on the root logger"
    buffer = io.StringIO()
    old_streams = [h.setStream(buffer) for h in handlers]
    loggers = [root] + [
        logger for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and not name.startswith(held)
    ]  # fmt: skip
    old_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        for logger, level in zip(loggers, old_levels, strict=True):
            logger.setLevel(level)
        for handler, stream in zip(handlers, old_streams, strict=True):
            handler.setStream(stream)


@pytest.fixture
def sentry_events():
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from gradadmit.core.sentry import init_sentry

    class Kept(Transport):  # nothing leaves the machine
        envelopes = []

        def capture_envelope(self, envelope):
            self.envelopes.append(envelope)

    init_sentry(dsn="https://public@sentry.example.invalid/1", transport=Kept(), traces_sample_rate=1.0)
    try:
        yield Kept.envelopes
    finally:
        sentry_sdk.flush()
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # an inactive client again for the other tests


def journeys(client, program):
    """Register, basic details with an ID number, apply, upload, a recommender (who accepts), the emails sent
    (one refused by the mail server), payment, the office's search, record, reveal and files, a 404 and a 500."""
    response = client.post(reverse("account_signup"), {
        "email": PERSON["email"], "password1": "a-long-pass-2026", "password2": "a-long-pass-2026",
        "pdpa_consent": "on",
    })  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email=PERSON["email"])
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {
        "name_zh": PERSON["name_zh"], "name_en": PERSON["name_en"], "nationality": "tw",
        "national_id": PERSON["national_id"], "birth_date": "1998-03-02", "gender": "female",
        "phone_mobile": PERSON["phone_mobile"], "phone_home": PERSON["phone_home"], "postal_code": "500",
        "address": "彰化市進德路1號", "school": "國立彰化師範大學", "department": "資訊工程學系",
        "education_status": "expected",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(reverse("applications:apply", args=[program.pk]), {"identity": "general"})
    assert response.status_code == 302
    application = Application.objects.get(applicant=user)
    photo = program.document_requirements.get(code="photo")
    url = reverse("documents:upload", args=[application.pk, photo.pk])
    client.post(url, {"file": upload("photo.jpg", photo_bytes())})
    client.post(url, {"file": upload("photo.jpg", b"not a picture")})  # refused: a log line, maybe
    response = client.post(reverse("recommendations:list", args=[application.pk]), RECOMMENDER)
    assert response.status_code == 302
    recommendation = application.recommendation_requests.get()
    with override_settings(EMAIL_BACKEND="gradadmit.recommendations.tests.helpers.RefusingBackend"):
        deliver_due(worker_id="test-worker")  # the mail server refuses the recommender's address: logged
    client.post(reverse("recommendations:resend", args=[application.pk, recommendation.pk]), {"message": ""})
    deliver_due(worker_id="test-worker")
    token = recommendation_token(recommendation)
    client.logout()
    client.get(reverse("recommendations:token", args=[token]))
    client.post(reverse("recommendations:accept", args=[token]))
    client.get(reverse("recommendations:token", args=["wrong-token-" + PERSON["national_id"]]))
    client.post(reverse("account_login"), {"login": PERSON["email"], "password": "wrong"})  # a failed sign-in

    from gradadmit.fees.services import record_payment

    office = OfficeFactory()
    charge = application_fee_charge(application)
    record_payment(actor=office, charge=charge, amount=charge.amount_due, method="cash", received_at=clock.now(),
                   note="cash at the counter")  # fmt: skip
    client.force_login(office)
    for query in (PERSON["national_id"], PERSON["name_zh"], PERSON["email"], "KUNG"):
        assert client.get(reverse("office:search"), {"q": query}).status_code in (200, 302)
    assert client.get(reverse("office:applicant", args=[user.pk])).status_code == 200
    assert client.post(reverse("accesslog:reveal", args=[user.pk])).status_code == 200
    document = application.documents.get(is_current=True)
    assert client.get(reverse("documents:staff_file", args=[document.pk])).status_code == 200
    assert client.get(reverse("documents:application_packet", args=[application.pk])).status_code == 200
    assert client.get(reverse("office:applicant", args=[user.pk + 1000])).status_code == 404
    client.force_login(user)
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__):
        assert client.get("/test-boom/?email=" + PERSON["email"]).status_code == 500


def test_the_main_journeys_leave_no_personal_data_in_logs_or_error_reports(client, captured_logs, sentry_events):
    program = ProgramFactory()
    journeys(client, program)
    import sentry_sdk

    sentry_sdk.flush()
    lines = captured_logs.getvalue()
    assert "Internal Server Error: /test-boom/" in lines and "Not Found" in lines  # the log was captured
    assert "failed: 550" in lines or "SMTPRecipientsRefused" in lines  # the refused email too
    assert "no seat for [national-id], [email], call [phone] or [phone], recommender's [phone]" in lines
    events = [item.payload.get_bytes().decode() for envelope in sentry_events for item in envelope.items]
    assert any("no seat for [national-id]" in event for event in events)  # the 500 was reported, scrubbed
    reports = "\n".join(events)
    leaks = {secret for secret in SECRETS if secret in lines or secret in reports}
    leaks |= {secret for secret in SECRETS if json.dumps(secret)[1:-1] in reports}  # \uXXXX-escaped in JSON
    assert not leaks, leaks
