"""The tender lifecycle table, as a specification."""
import pytest

from tenders.transitions import ALLOWED, FINAL, TenderStatus, can_transition

S = TenderStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.PUBLISHED),
        (S.PUBLISHED, S.CLOSED),
        (S.CLOSED, S.OPENED),
        (S.OPENED, S.IN_EVALUATION),
        (S.IN_EVALUATION, S.AWARDED),
        (S.AWARDED, S.CONTRACTED),
    ],
)
def test_it_allows_the_forward_path(current, target):
    assert can_transition(current, target)


@pytest.mark.parametrize("current", [s for s in S if s not in FINAL])
def test_it_allows_cancelling_from_any_state_that_is_not_final(current):
    assert can_transition(current, S.CANCELLED)


@pytest.mark.parametrize("final", sorted(FINAL))
def test_it_allows_nothing_out_of_a_final_state(final):
    assert ALLOWED[final] == frozenset()


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.OPENED),
        (S.DRAFT, S.AWARDED),
        (S.PUBLISHED, S.DRAFT),
        (S.PUBLISHED, S.OPENED),
        (S.CLOSED, S.PUBLISHED),
        (S.OPENED, S.AWARDED),
        (S.AWARDED, S.IN_EVALUATION),
        (S.CONTRACTED, S.CANCELLED),
        (S.CANCELLED, S.DRAFT),
    ],
)
def test_it_forbids_skipping_or_going_back(current, target):
    assert not can_transition(current, target)


def test_it_never_allows_staying_in_the_same_state():
    assert all(status not in ALLOWED[status] for status in S)
