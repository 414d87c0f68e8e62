"""The ranking engine on hand-made cases from the brochure (柒.三, 玖) and on generated ones (hypothesis)."""

import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradadmit.scoring.ranking import (
    Candidate,
    RankingError,
    Reason,
    Rules,
    Stage,
    Status,
    canonical_inputs,
    from_canonical,
    input_hash,
    invited_to_interview,
    rank,
    total_of,
)

HALF = (Stage("document_review", D("0.5")), Stage("interview", D("0.5")))


def rules(general=1, in_service=0, wait_general=0, wait_in_service=0, **kwargs):
    return Rules(
        stages=kwargs.pop("stages", HALF),
        quotas={"general": general, "in_service": in_service},
        waitlists={"general": wait_general, "in_service": wait_in_service},
        **kwargs,
    )


def c(key, stage1, stage2, identity="general", invited=True):
    as_d = lambda v: None if v is None else D(str(v))  # noqa: E731
    return Candidate(key, identity, (as_d(stage1), as_d(stage2)), invited)


# --- totals ----------------------------------------------------------------------------------------


def test_total_rounds_half_up_to_two_decimals():
    stages = (Stage("document_review", D("0.333")), Stage("interview", D("0.667")))
    # 80.5 × 0.333 + 70.25 × 0.667 = 26.8065 + 46.85675 = 73.66325 → 73.66
    assert total_of((D("80.5"), D("70.25")), stages) == D("73.66")
    # 0.005 rounds up, never to even
    assert total_of((D("0.01"), D("0")), (Stage("a", D("0.5")), Stage("b", D("0.5")))) == D("0.01")


def test_absent_stage_counts_zero_in_total():
    assert total_of((D("80"), None), HALF) == D("40.00")


def test_weights_must_add_up_to_one():
    with pytest.raises(RankingError):
        Rules(stages=(Stage("a", D("0.5")), Stage("b", D("0.4"))), quotas={}, waitlists={})


def test_weight_must_be_decimal():
    with pytest.raises(RankingError):
        Rules(stages=(Stage("a", 1.0),), quotas={}, waitlists={})


# --- exclusions ------------------------------------------------------------------------------------


def test_zero_in_a_stage_is_not_admitted_even_with_places_left():
    result = rank([c(1, 100, 0)], rules(general=3))
    assert result.outcomes[1].status == Status.NOT_ADMITTED
    assert result.outcomes[1].reason == Reason.ZERO_SCORE


def test_absent_from_interview_is_not_admitted():
    result = rank([c(1, 90, None)], rules(general=3))
    assert result.outcomes[1].reason == Reason.ABSENT
    assert result.outcomes[1].total == D("45.00")


def test_not_invited_counts_interview_zero_and_is_not_admitted():
    result = rank([c(1, 60, 95, invited=False)], rules(general=3))
    assert result.outcomes[1].reason == Reason.NOT_INVITED
    assert result.outcomes[1].total == D("30.00")


def test_below_minimum_standard_not_admitted_even_if_places_remain():
    result = rank([c(1, 70, 70), c(2, 60, 60)], rules(general=5, minimum_standard=D("65")))
    assert result.outcomes[1].status == Status.ADMITTED
    assert result.outcomes[2].status == Status.NOT_ADMITTED
    assert result.outcomes[2].reason == Reason.MINIMUM_STANDARD


def test_exactly_at_minimum_standard_is_admitted():
    result = rank([c(1, 65, 65)], rules(general=1, minimum_standard=D("65.00")))
    assert result.outcomes[1].status == Status.ADMITTED


# --- quota and ties at the cut-off -----------------------------------------------------------------


def test_rank_by_total_within_quota_then_waitlist_then_below():
    cands = [c(1, 90, 90), c(2, 80, 80), c(3, 70, 70), c(4, 60, 60)]
    result = rank(cands, rules(general=2, wait_general=1))
    assert [result.outcomes[k].status for k in (1, 2, 3, 4)] == [
        Status.ADMITTED,
        Status.ADMITTED,
        Status.WAITLISTED,
        Status.NOT_ADMITTED,
    ]
    assert result.outcomes[3].waitlist_position == 1
    assert result.outcomes[4].reason == Reason.BELOW_CUTOFF
    assert [result.outcomes[k].rank for k in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert result.outcomes[4].cutoff == D("80.00")


def test_tie_at_cutoff_broken_by_interview_score():
    # both total 80; 2 has the higher interview
    result = rank([c(1, 90, 70), c(2, 70, 90)], rules(general=1, wait_general=1))
    assert result.outcomes[2].status == Status.ADMITTED
    assert result.outcomes[2].reason == Reason.TIE_INTERVIEW
    assert result.outcomes[1].status == Status.WAITLISTED
    assert result.outcomes[1].reason == Reason.TIE_INTERVIEW


def test_tie_on_total_and_interview_broken_by_stage1():
    stages = (Stage("document_review", D("0.3")), Stage("interview", D("0.3")), Stage("written", D("0.4")))
    one = Candidate(1, "general", (D(80), D(70), D(70)))  # 24 + 21 + 28 = 73
    two = Candidate(2, "general", (D(70), D(70), D("77.5")))  # 21 + 21 + 31 = 73
    result = rank([one, two], rules(general=1, stages=stages))
    assert result.outcomes[1].status == Status.ADMITTED
    assert result.outcomes[1].reason == Reason.TIE_STAGE1
    assert result.outcomes[2].reason == Reason.TIE_STAGE1


def test_surviving_tie_is_reported_to_the_committee():
    result = rank([c(1, 95, 95), c(2, 80, 80), c(3, 80, 80)], rules(general=2, wait_general=2))
    assert result.outcomes[1].status == Status.ADMITTED
    assert {result.outcomes[2].status, result.outcomes[3].status} == {Status.COMMITTEE}
    assert result.ties == [[2, 3]]
    assert result.outcomes[2].rank == result.outcomes[3].rank == 2


def test_surviving_tie_all_admitted_beyond_quota_when_office_says_so():
    result = rank([c(1, 95, 95), c(2, 80, 80), c(3, 80, 80)], rules(general=2, admit_all_tied=True))
    assert [result.outcomes[k].status for k in (1, 2, 3)] == [Status.ADMITTED] * 3
    assert result.outcomes[3].reason == Reason.TIE_ADMIT_ALL
    assert result.ties == []


def test_tie_inside_the_quota_needs_no_decision():
    result = rank([c(1, 80, 80), c(2, 80, 80), c(3, 50, 50)], rules(general=2))
    assert result.outcomes[1].status == result.outcomes[2].status == Status.ADMITTED
    assert result.outcomes[1].reason == Reason.QUOTA


def test_committee_tie_uses_up_waitlist_places():
    cands = [c(1, 80, 80), c(2, 80, 80), c(3, 70, 70), c(4, 60, 60)]
    result = rank(cands, rules(general=1, wait_general=2))
    # one of 1/2 will be waitlisted first, so one waitlist place remains for 3
    assert result.outcomes[3].status == Status.WAITLISTED
    assert result.outcomes[4].status == Status.NOT_ADMITTED


def test_waitlist_tie_keeps_everyone_tied_at_the_same_position():
    cands = [c(1, 90, 90), c(2, 70, 70), c(3, 70, 70)]
    result = rank(cands, rules(general=1, wait_general=1))
    assert result.outcomes[2].status == result.outcomes[3].status == Status.WAITLISTED
    assert result.outcomes[2].waitlist_position == result.outcomes[3].waitlist_position == 1


# --- identities and flow (玖.二) -------------------------------------------------------------------


def test_identities_ranked_separately():
    cands = [c(1, 90, 90), c(2, 85, 85), c(3, 60, 60, "in_service")]
    result = rank(cands, rules(general=1, in_service=1, quota_flows=False))
    assert result.outcomes[3].status == Status.ADMITTED
    assert result.outcomes[2].status == Status.NOT_ADMITTED
    assert result.outcomes[3].rank == 1


def test_unfilled_in_service_places_flow_to_general():
    cands = [c(1, 90, 90), c(2, 85, 85), c(3, 80, 80), c(4, 70, 70, "in_service")]
    result = rank(cands, rules(general=1, in_service=3))
    assert result.flowed == {"general": 2}
    assert result.outcomes[2].status == Status.ADMITTED
    assert result.outcomes[2].reason == Reason.FLOW
    assert result.outcomes[3].reason == Reason.FLOW
    assert result.outcomes[4].reason == Reason.QUOTA


def test_no_flow_when_programme_does_not_allow_it():
    cands = [c(1, 90, 90), c(2, 85, 85)]
    result = rank(cands, rules(general=1, in_service=2, quota_flows=False))
    assert result.outcomes[2].status == Status.NOT_ADMITTED
    assert result.flowed == {}


def test_places_left_empty_by_minimum_standard_flow_too():
    cands = [c(1, 90, 90), c(2, 85, 85), c(3, 50, 50, "in_service")]
    result = rank(cands, rules(general=1, in_service=1, minimum_standard=D("60")))
    assert result.outcomes[2].reason == Reason.FLOW
    assert result.outcomes[3].reason == Reason.MINIMUM_STANDARD


def test_general_places_flow_to_in_service():
    cands = [c(1, 90, 90, "in_service"), c(2, 85, 85, "in_service")]
    result = rank(cands, rules(general=1, in_service=1))
    assert result.outcomes[2].reason == Reason.FLOW
    assert result.flowed == {"in_service": 1}


# --- stage-1 pass rule ------------------------------------------------------------------------------


def test_pass_rule_minimum():
    assert invited_to_interview({1: D(70), 2: D(59.99), 3: None}, minimum=D(60)) == {1}


def test_pass_rule_top_n_includes_ties_at_n():
    assert invited_to_interview({1: D(90), 2: D(80), 3: D(80), 4: D(70)}, top_n=2) == {1, 2, 3}


def test_pass_rule_never_passes_zero():
    assert invited_to_interview({1: D(0), 2: D(10)}, top_n=5) == {2}


# --- reproducibility --------------------------------------------------------------------------------


def test_canonical_inputs_round_trip_reproduces_the_result():
    cands = [c(1, 90, 90), c(2, 80, None), c(3, 70, 70, "in_service", invited=False)]
    r = rules(general=1, in_service=1, wait_general=1)
    data = canonical_inputs(cands, r)
    again_cands, again_rules = from_canonical(data)
    assert rank(again_cands, again_rules).as_dict() == rank(cands, r).as_dict()
    assert input_hash(data) == input_hash(canonical_inputs(list(reversed(cands)), r))


def test_duplicate_candidate_refused():
    with pytest.raises(RankingError):
        rank([c(1, 90, 90), c(1, 80, 80)], rules())


# --- exhaustive small cases and properties ----------------------------------------------------------

SCORES = [None, D(0), D(50), D(60), D(70)]


def _check_invariants(cands, r, result):
    by_key = {cand.key: cand for cand in cands}
    assert set(result.outcomes) == set(by_key)
    for identity in ("general", "in_service"):
        admitted = result.of_identity(identity, Status.ADMITTED)
        committee = result.of_identity(identity, Status.COMMITTEE)
        limit = r.quotas.get(identity, 0) + result.flowed.get(identity, 0)
        if not r.admit_all_tied:
            assert len(admitted) + len(committee) <= limit or (committee and len(admitted) < limit)
            assert len(admitted) <= limit
        for o in admitted:
            cand = by_key[o.key]
            assert all(s is not None and s > 0 for s in cand.scores)
            assert cand.invited
            assert r.minimum_standard is None or o.total >= r.minimum_standard
        # nobody admitted ranks behind an eligible applicant of the same identity who is not admitted
        others = [
            o
            for o in result.of_identity(identity)
            if o.status in (Status.WAITLISTED, Status.NOT_ADMITTED) and o.rank is not None
        ]
        for a in admitted:
            for b in others:
                assert a.total >= b.total
                assert a.rank <= b.rank
        waitlisted = sorted(result.of_identity(identity, Status.WAITLISTED), key=lambda o: o.waitlist_position)
        for earlier, later in zip(waitlisted, waitlisted[1:], strict=False):
            assert earlier.total >= later.total
    for identity, n in result.flowed.items():
        other = "in_service" if identity == "general" else "general"
        assert r.quota_flows
        assert len(result.of_identity(other, Status.ADMITTED)) + n <= r.quotas[other]


def test_exhaustive_three_candidates_two_identities():
    keys = [1, 2, 3]
    for s1 in SCORES:
        for s2 in SCORES:
            for s3 in SCORES:
                for ident in ("general", "in_service"):
                    cands = [
                        c(1, 60, s1),
                        c(2, s2, 60, ident),
                        c(3, s3, s3, "general", invited=s3 != D(50)),
                    ]
                    for r in (
                        rules(general=1, in_service=1, wait_general=1),
                        rules(general=2, in_service=0, quota_flows=False, minimum_standard=D(55)),
                        rules(general=0, in_service=1, wait_in_service=1, admit_all_tied=True),
                    ):
                        result = rank(cands, r)
                        _check_invariants(cands, r, result)
                        shuffled = cands[:]
                        random.Random(sum(keys)).shuffle(shuffled)
                        assert rank(shuffled, r).as_dict() == result.as_dict()


score = st.one_of(st.none(), st.integers(0, 40).map(lambda n: D(n) * D("2.5")))
candidate_rows = st.lists(
    st.tuples(st.sampled_from(["general", "in_service"]), score, score, st.booleans()),
    max_size=25,
)
rule_sets = st.builds(
    rules,
    general=st.integers(0, 6),
    in_service=st.integers(0, 4),
    wait_general=st.integers(0, 4),
    wait_in_service=st.integers(0, 3),
    quota_flows=st.booleans(),
    minimum_standard=st.one_of(st.none(), st.integers(0, 100).map(D)),
    admit_all_tied=st.booleans(),
)


def _candidates(rows):
    return [Candidate(i + 1, ident, (s1, s2), invited) for i, (ident, s1, s2, invited) in enumerate(rows)]


@settings(max_examples=300, deadline=None)
@given(candidate_rows, rule_sets)
def test_invariants_hold_for_any_input(rows, r):
    cands = _candidates(rows)
    _check_invariants(cands, r, rank(cands, r))


@settings(max_examples=200, deadline=None)
@given(candidate_rows, rule_sets, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(rows, r, rnd):
    cands = _candidates(rows)
    shuffled = cands[:]
    rnd.shuffle(shuffled)
    assert rank(shuffled, r).as_dict() == rank(cands, r).as_dict()


@settings(max_examples=200, deadline=None)
@given(candidate_rows, rule_sets)
def test_everyone_has_an_outcome_and_unbroken_ties_are_exactly_equal(rows, r):
    cands = _candidates(rows)
    result = rank(cands, r)
    by_key = {cand.key: cand for cand in cands}
    for group in result.ties:
        assert len(group) >= 2
        firsts = {(result.outcomes[k].total, by_key[k].scores[1], by_key[k].scores[0]) for k in group}
        assert len(firsts) == 1
    assert all(o.status != Status.COMMITTEE for o in result.outcomes.values()) or not r.admit_all_tied


def test_committee_order_breaks_a_surviving_tie_and_is_explained():
    cands = [c(1, 95, 95), c(2, 80, 80), c(3, 80, 80)]
    result = rank(cands, rules(general=2, wait_general=1, committee_order=(3, 2)))
    assert result.ties == []
    assert result.outcomes[3].status == Status.ADMITTED
    assert result.outcomes[3].reason == Reason.TIE_COMMITTEE_DECIDED
    assert result.outcomes[2].status == Status.WAITLISTED
    assert result.outcomes[2].waitlist_position == 1
    assert result.outcomes[3].rank < result.outcomes[2].rank


def test_committee_order_never_overrides_scores():
    result = rank([c(1, 90, 90), c(2, 80, 80)], rules(general=1, committee_order=(2, 1)))
    assert result.outcomes[1].status == Status.ADMITTED
