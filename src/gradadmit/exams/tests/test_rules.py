"""Pure rules: the documented numbering order, the number format, slot filling, masked names."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradadmit.exams.rules import Candidate, fill_slots, format_exam_number, mask_name, numbering_order

T0 = datetime(2025, 11, 7, 9, 0)


def test_general_come_before_in_service_then_by_application_time_then_id():
    candidates = [
        Candidate(1, "in_service", T0),
        Candidate(2, "general", T0 + timedelta(hours=2)),
        Candidate(4, "general", T0),
        Candidate(3, "general", T0),
    ]
    assert [c.application_id for c in numbering_order(candidates)] == [3, 4, 2, 1]


@given(st.lists(st.tuples(st.sampled_from(["general", "in_service"]), st.integers(0, 1000)), max_size=30))
def test_numbering_order_is_a_permutation_and_does_not_depend_on_input_order(items):
    candidates = [Candidate(i, identity, T0 + timedelta(minutes=m)) for i, (identity, m) in enumerate(items)]
    ordered = numbering_order(candidates)
    assert sorted(c.application_id for c in ordered) == list(range(len(items)))
    assert numbering_order(list(reversed(candidates))) == ordered


def test_exam_number_format():
    assert format_exam_number("P01", 7) == "P01007"
    assert format_exam_number("M2", 1234) == "M21234"


def test_slots_fill_in_order_and_the_rest_has_none():
    assert fill_slots(5, [2, 2]) == [0, 0, 1, 1, None]
    assert fill_slots(3, [5]) == [0, 0, 0]
    assert fill_slots(2, []) == [None, None]
    assert fill_slots(0, [3]) == []


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王小明", "王○明"),
        ("王明", "王○"),
        ("歐陽小明", "歐○○明"),
        ("林", "林"),
        ("", ""),
        ("WANG, HSIAO-MING", "W. H. M."),
    ],
)
def test_masked_names(name, masked):
    assert mask_name(name) == masked


@given(st.text(alphabet="王小明陳林歐陽黃美玲", min_size=3, max_size=6))
def test_masked_chinese_names_keep_first_and_last_only(name):
    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"○"}
