"""The ranking engine (brochure 柒.三, 玖): pure Python, Decimal only, no ORM.

Input: the stage scores of each candidate and the programme's rules. Output: one
Outcome per candidate (admitted, waitlisted, not admitted, or tied for the
committee), each with its rank, total and the rule that decided it. The same
inputs always give the same result, whatever their order, so a stored run can be
reproduced and two runs compared.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from operator import attrgetter

ENGINE_VERSION = "1"
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
GENERAL, IN_SERVICE = "general", "in_service"
IDENTITIES = (GENERAL, IN_SERVICE)


class Status(StrEnum):
    ADMITTED = "admitted"
    WAITLISTED = "waitlisted"
    NOT_ADMITTED = "not_admitted"
    COMMITTEE = "committee"  # a tie no rule could break: the committee decides


class Reason(StrEnum):
    QUOTA = "quota"  # within the identity's places, by total
    FLOW = "flow"  # on a place the other identity could not fill (玖.二)
    TIE_INTERVIEW = "tie_interview"  # equal total at the cut-off, decided by the interview score
    TIE_STAGE1 = "tie_stage1"  # equal total and interview score, decided by the stage-1 score
    TIE_COMMITTEE = "tie_committee"  # equal in all three: reported to the committee
    TIE_COMMITTEE_DECIDED = "tie_committee_decided"  # equal in all three; the committee's recorded order decided
    TIE_ADMIT_ALL = "tie_admit_all"  # equal in all three, and the office admits every tied applicant
    WAITLIST = "waitlist"  # after the admitted, within the waitlist size
    BELOW_CUTOFF = "below_cutoff"  # ranked after the admitted and the waitlist
    MINIMUM_STANDARD = "minimum_standard"  # total below the programme's minimum admission standard
    ZERO_SCORE = "zero_score"  # a stage scored 0
    ABSENT = "absent"  # absent from a stage
    NOT_INVITED = "not_invited"  # did not pass stage 1, so stage 2 counts 0


class RankingError(ValueError):
    """The inputs cannot be ranked (a score per stage missing, an unknown identity, a candidate twice)."""


@dataclass(frozen=True)
class Stage:
    kind: str  # "document_review", "interview", "written"
    weight: Decimal


@dataclass(frozen=True)
class Rules:
    stages: tuple[Stage, ...]
    quotas: Mapping[str, int]
    waitlists: Mapping[str, int]
    quota_flows: bool = True
    minimum_standard: Decimal | None = None
    admit_all_tied: bool = False
    # Application ids in the order the committee decided for ties no rule breaks (best first); part of the inputs,
    # so a run with a committee decision is reproducible like any other.
    committee_order: tuple[int, ...] = ()

    def __post_init__(self):
        if not self.stages:
            raise RankingError("a programme needs at least one stage")
        for stage in self.stages:
            if not isinstance(stage.weight, Decimal) or not ZERO <= stage.weight <= ONE:
                raise RankingError("each weight is a Decimal between 0 and 1")
        if sum((s.weight for s in self.stages), ZERO) != ONE:
            raise RankingError("the stage weights must add up to 100 %")

    @property
    def interview_index(self) -> int:
        """The stage whose score breaks a tie first: the interview, else the last stage."""
        for index, stage in enumerate(self.stages):
            if stage.kind == "interview":
                return index
        return len(self.stages) - 1


@dataclass(frozen=True)
class Candidate:
    key: int  # the application id
    identity: str
    scores: tuple[Decimal | None, ...]  # one per stage, in stage order; None: absent
    invited: bool = True  # invited to the stages after the first (the stage-1 pass rule)


@dataclass(slots=True)
class Outcome:
    key: int
    identity: str
    status: Status
    reason: Reason
    total: Decimal
    rank: int | None = None  # within the identity, among those who can be admitted
    waitlist_position: int | None = None
    cutoff: Decimal | None = None  # total of the last admitted of the identity

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "identity": self.identity,
            "status": str(self.status),
            "reason": str(self.reason),
            "total": str(self.total),
            "rank": self.rank,
            "waitlist_position": self.waitlist_position,
            "cutoff": None if self.cutoff is None else str(self.cutoff),
        }


@dataclass
class Result:
    outcomes: dict[int, Outcome]
    flowed: dict[str, int] = field(default_factory=dict)  # places received by an identity from the other
    ties: list[list[int]] = field(default_factory=list)  # groups reported to the committee

    def of_identity(self, identity: str, status: Status | None = None) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.identity == identity and (status is None or o.status == status)]

    def as_dict(self) -> dict:
        return {
            "version": ENGINE_VERSION,
            "outcomes": [self.outcomes[k].as_dict() for k in sorted(self.outcomes)],
            "flowed": dict(sorted(self.flowed.items())),
            "ties": self.ties,
        }


def total_of(scores: Iterable[Decimal | None], stages: Iterable[Stage]) -> Decimal:
    """Σ score × weight, rounded half up to 2 decimals; an absent stage counts 0."""
    raw = ZERO
    for score, stage in zip(scores, stages, strict=True):
        if score is not None:
            raw += score * stage.weight
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def invited_to_interview(
    stage1: Mapping[int, Decimal | None], *, minimum: Decimal | None = None, top_n: int | None = None
) -> frozenset[int]:
    """The stage-1 pass rule: a minimum score, or the top N (everyone tied with the N-th passes too).

    A zero or absent stage-1 never passes. With both rules set, both must hold.
    """
    scored = {key: score for key, score in stage1.items() if score is not None and score > ZERO}
    if minimum is not None:
        scored = {key: score for key, score in scored.items() if score >= minimum}
    if top_n is not None:
        if top_n <= 0:
            return frozenset()
        ordered = sorted(scored.values(), reverse=True)
        if len(ordered) > top_n:
            bar = ordered[top_n - 1]
            scored = {key: score for key, score in scored.items() if score >= bar}
    return frozenset(scored)


def _take(ordered, places: int, keys, rules: Rules):
    """Split an ordered group at `places`: (in, tied for the committee, out, reason for those at the cut-off)."""
    if places <= 0 or not ordered:
        return [], [], list(ordered), {}
    if len(ordered) <= places:
        return list(ordered), [], [], {}
    last_in, first_out = keys[ordered[places - 1].key], keys[ordered[places].key]
    if last_in[0] != first_out[0]:
        return list(ordered[:places]), [], list(ordered[places:]), {}
    if last_in != first_out:
        if last_in[1] != first_out[1]:
            step = Reason.TIE_INTERVIEW
        elif last_in[2] != first_out[2]:
            step = Reason.TIE_STAGE1
        else:
            step = Reason.TIE_COMMITTEE_DECIDED
        at_cut = {c.key: step for c in ordered if keys[c.key][0] == last_in[0]}
        return list(ordered[:places]), [], list(ordered[places:]), at_cut
    tied = [c for c in ordered if keys[c.key] == last_in]
    above = [c for c in ordered if keys[c.key] > last_in]
    below = [c for c in ordered if keys[c.key] < last_in]
    return above, tied, below, {}


def rank(candidates: Iterable[Candidate], rules: Rules) -> Result:
    """Apply 玖: exclusions, per-identity quotas with tie-breaks, flow of unfilled places, waitlists."""
    candidates = sorted(candidates, key=attrgetter("key"))
    outcomes: dict[int, Outcome] = {}
    eligible: dict[str, list[Candidate]] = {identity: [] for identity in IDENTITIES}
    keys = {}
    interview = rules.interview_index
    weights = tuple(stage.weight for stage in rules.stages)
    count = len(weights)
    minimum = rules.minimum_standard
    committee = {key: len(rules.committee_order) - i for i, key in enumerate(rules.committee_order)}
    for candidate in candidates:
        scores = candidate.scores
        if len(scores) != count:
            raise RankingError("one score per stage")
        group = eligible.get(candidate.identity)
        if group is None:
            raise RankingError(f"unknown identity {candidate.identity!r}")
        invited = candidate.invited or count == 1
        if not invited:
            scores = (scores[0],) + (None,) * (count - 1)
        # The total and the exclusions in one pass (this loop is the engine's hot path).
        raw, absent, zero = ZERO, False, False
        for score, weight in zip(scores, weights, strict=False):  # lengths checked above
            if score is None:
                absent = True
            else:
                if not score:
                    zero = True
                raw += score * weight
        total = raw.quantize(CENT, rounding=ROUND_HALF_UP)
        if not invited:
            reason = Reason.NOT_INVITED
        elif absent:
            reason = Reason.ABSENT
        elif zero:
            reason = Reason.ZERO_SCORE
        elif minimum is not None and total < minimum:
            reason = Reason.MINIMUM_STANDARD
        else:
            keys[candidate.key] = (total, scores[interview], scores[0], committee.get(candidate.key, 0))
            group.append(candidate)
            continue
        outcomes[candidate.key] = Outcome(candidate.key, candidate.identity, Status.NOT_ADMITTED, reason, total)

    if len(keys) + len(outcomes) != len(candidates):
        raise RankingError("each candidate appears once")

    for identity in IDENTITIES:
        # Highest first; candidates are in key order and the sort is stable, so exact ties list by key
        # (for display only, never for the outcome).
        eligible[identity].sort(key=lambda c: keys[c.key], reverse=True)

    unfilled = {i: max(0, rules.quotas.get(i, 0) - len(eligible[i])) for i in IDENTITIES}
    flowed = {}
    if rules.quota_flows:
        for identity, other in ((GENERAL, IN_SERVICE), (IN_SERVICE, GENERAL)):
            usable = min(unfilled[other], len(eligible[identity]) - rules.quotas.get(identity, 0))
            if usable > 0:
                flowed[identity] = usable
    result = Result(outcomes=outcomes, flowed=flowed)

    for identity in IDENTITIES:
        ordered = eligible[identity]
        quota = rules.quotas.get(identity, 0)
        places = quota + flowed.get(identity, 0)
        ranks = _ranks(ordered, keys)
        admitted, tied, rest, at_cut = _take(ordered, places, keys, rules)
        if tied and rules.admit_all_tied:
            admitted, tied = admitted + tied, []
            at_cut = {c.key: Reason.TIE_ADMIT_ALL for c in admitted if keys[c.key] == keys[admitted[-1].key]}
        cutoff = None
        if admitted:
            cutoff = keys[admitted[-1].key][0]
        elif tied:
            cutoff = keys[tied[0].key][0]
        for position, candidate in enumerate(admitted):
            reason = at_cut.get(candidate.key) or (Reason.QUOTA if position < quota else Reason.FLOW)
            outcomes[candidate.key] = Outcome(
                candidate.key,
                identity,
                Status.ADMITTED,
                reason,
                keys[candidate.key][0],
                ranks[candidate.key],
                None,
                cutoff,
            )
        if tied:
            result.ties.append([c.key for c in tied])
            for candidate in tied:
                outcomes[candidate.key] = Outcome(
                    candidate.key,
                    identity,
                    Status.COMMITTEE,
                    Reason.TIE_COMMITTEE,
                    keys[candidate.key][0],
                    ranks[candidate.key],
                    None,
                    cutoff,
                )
        # Tied applicants the committee does not admit head the waitlist, so they use up its places.
        spare = places - len(admitted)
        waitlist_size = max(0, rules.waitlists.get(identity, 0) - max(0, len(tied) - spare))
        waiting, wait_tied, beyond, wait_cut = _take(rest, waitlist_size, keys, rules)
        waiting = waiting + wait_tied  # an unbroken tie at the end of the waitlist keeps everyone tied on it
        position = 0
        previous = None
        for index, candidate in enumerate(waiting):
            if keys[candidate.key] != previous:
                position, previous = index + 1, keys[candidate.key]
            reason = at_cut.get(candidate.key) or wait_cut.get(candidate.key) or Reason.WAITLIST
            outcomes[candidate.key] = Outcome(
                candidate.key,
                identity,
                Status.WAITLISTED,
                reason,
                keys[candidate.key][0],
                ranks[candidate.key],
                position,
                cutoff,
            )
        # Most applicants end here: the loop is kept lean.
        cut = {**wait_cut, **at_cut}
        not_admitted, below = Status.NOT_ADMITTED, Reason.BELOW_CUTOFF
        for candidate in beyond:
            key = candidate.key
            outcomes[key] = Outcome(
                key, identity, not_admitted, cut.get(key, below), keys[key][0], ranks[key], None, cutoff
            )
    return result


def _ranks(ordered, keys) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) on total, then interview, then stage 1, then the committee's order."""
    ranks, previous, current = {}, None, 0
    for index, candidate in enumerate(ordered):
        if keys[candidate.key] != previous:
            current, previous = index + 1, keys[candidate.key]
        ranks[candidate.key] = current
    return ranks


def canonical_inputs(candidates: Iterable[Candidate], rules: Rules) -> dict:
    """A JSON-safe form of everything the result depends on, in a fixed order."""
    return {
        "version": ENGINE_VERSION,
        "rules": {
            "stages": [{"kind": s.kind, "weight": str(s.weight)} for s in rules.stages],
            "quotas": {i: int(rules.quotas.get(i, 0)) for i in IDENTITIES},
            "waitlists": {i: int(rules.waitlists.get(i, 0)) for i in IDENTITIES},
            "quota_flows": rules.quota_flows,
            "minimum_standard": None if rules.minimum_standard is None else str(rules.minimum_standard),
            "admit_all_tied": rules.admit_all_tied,
            "committee_order": list(rules.committee_order),
        },
        "candidates": [
            {
                "key": c.key,
                "identity": c.identity,
                "scores": [None if s is None else str(s) for s in c.scores],
                "invited": c.invited,
            }
            for c in sorted(candidates, key=lambda c: c.key)
        ],
    }


def from_canonical(data: Mapping) -> tuple[list[Candidate], Rules]:
    """The inverse of canonical_inputs: rebuild a stored run's inputs to reproduce it."""
    r = data["rules"]
    rules = Rules(
        stages=tuple(Stage(s["kind"], Decimal(s["weight"])) for s in r["stages"]),
        quotas=dict(r["quotas"]),
        waitlists=dict(r["waitlists"]),
        quota_flows=r["quota_flows"],
        minimum_standard=None if r["minimum_standard"] is None else Decimal(r["minimum_standard"]),
        admit_all_tied=r["admit_all_tied"],
        committee_order=tuple(r.get("committee_order", ())),
    )
    candidates = [
        Candidate(c["key"], c["identity"], tuple(None if s is None else Decimal(s) for s in c["scores"]), c["invited"])
        for c in data["candidates"]
    ]
    return candidates, rules


def input_hash(inputs: Mapping) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
