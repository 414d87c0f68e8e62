"""A small world for the API tests: two programmes, staff of each, tokens of every kind, a client that sends them."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from gradadmit.api import services
from gradadmit.api.models import ApiToken
from gradadmit.core import clock
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.tests.helpers import windows
from gradadmit.fees.models import Payment
from gradadmit.scoring import services as scoring
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.factories import (
    AdmissionFactory,
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    application_fee_charge,
    assign,
    upload_required_documents,
)


class ApiClient:
    """Django's test client with a bearer token, JSON bodies and a fresh Idempotency-Key per write."""

    def __init__(self, secret: str | None, language: str = "en"):
        self.client = Client(HTTP_HOST="localhost")
        self.secret = secret
        self.language = language
        self.keys = 0

    def headers(self, extra=None):
        headers = {"Accept-Language": self.language}
        if self.secret is not None:
            headers["Authorization"] = f"Bearer {self.secret}"
        headers.update(extra or {})
        return headers

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers=self.headers(headers))

    def post(self, path, body=None, key=None, **headers):
        self.keys += 1
        extra = {"Idempotency-Key": key or f"test-key-{id(self)}-{self.keys}", **headers}
        return self.client.post(path, body if body is not None else {}, content_type="application/json",
                                headers=self.headers(extra))  # fmt: skip


@dataclass
class World:
    program: object
    other: object
    staff: object
    other_staff: object
    office: object
    applications: list
    other_application: object
    admission: object
    other_admission: object
    document: object
    other_document: object
    tokens: dict  # kind -> (ApiToken, secret)

    def client(self, kind="read", language="en") -> ApiClient:
        return ApiClient(self.tokens[kind][1] if kind else None, language)


def make_token(user, programs, access="read_write", days=30, service_account=None, actor=None):
    return services.create_token(actor=actor or user, name="test", programs=programs, access=access, days=days,
                                 service_account=service_account)  # fmt: skip


def populate(program, office, *, count=3):
    """Applications with a fee paid by hand, documents, a decision, stage-1 scores, a published run, admissions."""
    applications = [ApplicationFactory(program=program) for _ in range(count)]
    for n, application in enumerate(applications):
        charge = application_fee_charge(application)
        from gradadmit.fees import services as fees

        fees.record_payment(actor=office, charge=charge, amount=charge.amount_due, method=Payment.Method.CASH,
                            received_at=clock.now(), note="cash at the office")  # fmt: skip
        ReviewDecision.objects.create(application=application, result="qualified", decided_at=clock.now())
        for stage in program.stages.all():
            scoring.enter_stage_score(actor=office, application=application, stage=stage, score=Decimal(90 - n))
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
    upload_required_documents(applications[0])
    from gradadmit.cycles.models import Milestone

    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    scoring.publish_run(actor=office, run=scoring.run_ranking(actor=office, program=program))
    windows(program)
    return applications


@pytest.fixture
def world(db):
    office = OfficeFactory()
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    other = ProgramFactory(cycle=program.cycle, quota_general=1, quota_in_service=0, waitlist_general=0)
    staff, other_staff = DepartmentStaffFactory(), DepartmentStaffFactory()
    assign(staff, program)
    assign(other_staff, other)
    applications = populate(program, office)
    other_applications = populate(other, office, count=1)
    admission = _admission(applications[0])
    other_admission = _admission(other_applications[0])
    tokens = {
        "read": make_token(staff, [program], access="read"),
        "write": make_token(staff, [program]),
        "other": make_token(other_staff, [other]),
        "office": make_token(office, [program, other]),
        "expired": make_token(staff, [program]),
        "revoked": make_token(staff, [program]),
    }
    ApiToken.objects.filter(pk=tokens["expired"][0].pk).update(expires_at=clock.now() - timedelta(seconds=1))
    services.revoke_token(actor=staff, token=tokens["revoked"][0])
    return World(
        program=program, other=other, staff=staff, other_staff=other_staff, office=office,
        applications=applications, other_application=other_applications[0], admission=admission,
        other_admission=other_admission, document=applications[0].documents.first(),
        other_document=other_applications[0].documents.first(), tokens=tokens,
    )  # fmt: skip


def _admission(application):
    return AdmissionFactory(application=application)
