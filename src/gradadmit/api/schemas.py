"""The API's request and response shapes (pydantic, through django-ninja): the OpenAPI schema is made from them."""

from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")


class ProblemItem(Schema):
    row: int | None = Field(None, description="Position of the row in the request (1 = first), for row errors.")
    loc: list[str | int] | None = Field(None, description="Where in the request, for validation errors.")
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str = Field(description="A stable code: not_found, read_only, invalid_token, bad_cursor, rows …")
    errors: list[ProblemItem] | None = None


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    as_of: datetime = Field(description="Server time of this page: the next sync's `updated_since`.")


# --- public -------------------------------------------------------------------------------------------------


class MilestoneOut(Schema):
    kind: str
    scope: str
    starts_at: datetime
    ends_at: datetime | None


class CycleOut(Schema):
    code: str
    name_zh: str
    name_en: str
    academic_year: int
    institution_zh: str
    institution_en: str
    application_fee: int
    milestones: list[MilestoneOut]


class StageOut(Schema):
    order: int
    kind: str
    weight: Decimal


class ProgramOut(Schema):
    id: int
    cycle: str
    code: str
    name_zh: str
    name_en: str
    department_zh: str
    department_en: str
    degree: str
    quota_general: int
    quota_in_service: int
    waitlist_general: int
    waitlist_in_service: int
    minimum_standard: Decimal | None
    stages: list[StageOut]


# --- applications and their parts ---------------------------------------------------------------------------


class ApplicantOut(Schema):
    name_zh: str
    name_en: str
    email: str


class WaitlistOut(Schema):
    identity: str
    position: int
    status: str


class ApplicationOut(Schema):
    id: int
    program_id: int
    program_code: str
    cycle: str
    identity: str
    status: str = Field(description="active or withdrawn")
    applied_at: datetime
    withdrawn_at: datetime | None
    updated_at: datetime
    applicant: ApplicantOut
    exam_number: str | None
    eligibility: str = Field(description="pending, qualified, supplement, not_qualified or committee")
    fee_status: str | None = Field(description="The application fee: unpaid, paid, partial, over, waived, refunded")
    result: str | None = Field(description="The published ranking outcome, if any: admitted, waitlisted …")
    admission_status: str | None = Field(description="offered, checked_in, given_up, no_show, released")
    waitlist: WaitlistOut | None


class DocumentOut(Schema):
    id: int
    application_id: int
    item: str = Field(description="The document item's code")
    item_name_zh: str
    item_name_en: str
    original_name: str
    content_type: str
    size: int
    pages: int | None
    sha256: str
    sanitized: bool
    uploaded_at: datetime
    is_current: bool
    check_status: str
    file_url: str


class PaymentOut(Schema):
    id: int
    application_id: int
    charge_id: int
    item: str
    amount: int
    method: str
    received_at: datetime
    note: str
    created_at: datetime


class PaymentIn(Schema):
    application: int
    item: str | None = Field(None, description="The fee item's code; empty: the application fee.")
    amount: int
    method: str = Field(description="postal_order or cash")
    received_at: datetime
    note: str = Field(max_length=2000)


class DecisionOut(Schema):
    application_id: int
    result: str
    reason: str
    message: str
    supplement_until: datetime | None
    by_committee: bool
    committee_reference: str
    decided_at: datetime | None


class StageScoreOut(Schema):
    id: int
    application_id: int
    program_id: int
    stage: int = Field(description="The stage's order: 1 document review, 2 interview …")
    stage_kind: str
    score: Decimal | None
    absent: bool
    source: str
    disagreement: bool
    updated_at: datetime


class ScoreRowIn(Schema):
    application: int
    stage: int = Field(description="The stage's order number (1, 2 …)")
    score: Decimal | None = Field(None, description="0 to 100, at most two decimals; empty when absent.")
    absent: bool = False


class ScoresIn(Schema):
    program: int
    scores: list[ScoreRowIn] = Field(max_length=20000)


class ScoresOut(Schema):
    applied: int
    scores: list[StageScoreOut]


class OutcomeOut(Schema):
    application_id: int
    identity: str
    status: str
    rank: int | None
    waitlist_position: int | None
    total: str | None
    reason: str | None


class RankingRunOut(Schema):
    id: int
    program_id: int
    number: int
    state: str
    engine_version: str
    input_hash: str
    reason: str
    created_at: datetime
    published_at: datetime | None


class RankingRunDetailOut(RankingRunOut):
    outcomes: list[OutcomeOut]


class ResultOut(OutcomeOut):
    program_id: int
    run_id: int
    published_at: datetime | None


class AdmissionOut(Schema):
    id: int
    application_id: int
    program_id: int
    exam_number: str | None
    seat_identity: str
    source: str
    status: str
    deadline: datetime
    how: str
    checked_in_at: datetime | None
    given_up_at: datetime | None
    closed_at: datetime | None
    name_zh: str
    name_en: str


class TokenProgramOut(Schema):
    id: int
    cycle: str
    code: str
    name_zh: str
    name_en: str


class WhoAmIOut(Schema):
    token: str
    name: str
    access: str
    expires_at: datetime
    programs: list[TokenProgramOut]
