"""The CQC exclusion gate applied to a bid's locations (pure: no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqc.parse import (
    RATED_VALUES,
    UNRATED_VALUES,
    Assessment,
    Evidence,
    Outcome,
    assess_locations,
    has_inadequate,
    is_unrated,
    parse_ratings_file,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cqc" / "scenario.csv"

BROOKSIDE = "1-800000001"  # runs Preston (all Good) and Chorley (Safe Inadequate)
FERNLEA = "1-800000002"  # homecare Good, supported living Well-led Inadequate
MEADOWBANK = "1-800000003"  # one location not yet rated, one Outstanding
RIVERSIDE = "1-800000004"  # multi-service all Good, and one with no rating rows


@pytest.fixture(scope="module")
def directory():
    return parse_ratings_file(FIXTURE).by_id()


def test_it_passes_a_bid_whose_locations_are_rated_good(directory):
    result = assess_locations(BROOKSIDE, ["1-900000001"], directory, "flag")

    assert result == Assessment(Outcome.ELIGIBLE, "no named location is rated Inadequate on any key question")


def test_it_excludes_a_location_inadequate_on_one_key_question(directory):
    result = assess_locations(BROOKSIDE, ["1-900000001", "1-900000002"], directory, "allow")

    assert result.outcome is Outcome.EXCLUDED
    assert result.reason == "location 1-900000002 is rated Inadequate: Safe"
    assert result.evidence == (Evidence("1-900000002", "Overall", "Safe", "Inadequate", date(2023, 5, 2)),)


def test_it_excludes_an_inadequate_service_of_a_location_not_rated_overall(directory):
    result = assess_locations(FERNLEA, ["1-900000003"], directory, "allow")

    assert result.outcome is Outcome.EXCLUDED
    assert result.reason == "location 1-900000003 is rated Inadequate: Well-led (Supported living service)"
    assert result.evidence == (
        Evidence("1-900000003", "Supported living service", "Well-led", "Inadequate", date(2025, 6, 20)),
    )


def test_it_counts_a_multi_service_location_rated_per_service_as_rated(directory):
    result = assess_locations(RIVERSIDE, ["1-900000006"], directory, "exclude")

    assert result.outcome is Outcome.ELIGIBLE


def test_it_excludes_an_overall_inadequate_rating():
    record = SimpleNamespace(
        location_id="1-1",
        provider_id="1-2",
        service_ratings=[("Overall", "Overall", "Inadequate", None), ("Overall", "Safe", "Good", None)],
    )

    result = assess_locations("1-2", ["1-1"], {"1-1": record}, "allow")

    assert result.outcome is Outcome.EXCLUDED
    assert result.evidence == (Evidence("1-1", "Overall", "Overall", "Inadequate", None),)


def test_it_excludes_a_location_registered_to_another_provider(directory):
    result = assess_locations(BROOKSIDE, ["1-900000005"], directory, "allow")

    assert result.outcome is Outcome.EXCLUDED
    assert result.reason == (
        f"location 1-900000005 is registered to CQC provider {MEADOWBANK}, not the bidder's {BROOKSIDE}"
    )


def test_it_excludes_a_location_not_found_in_cqc_data(directory):
    result = assess_locations(BROOKSIDE, ["1-900000001", "1-123456789"], directory, "allow")

    assert result.outcome is Outcome.EXCLUDED
    assert result.reason == "location 1-123456789 not found in CQC data"


def test_it_gives_every_reason_for_an_exclusion(directory):
    result = assess_locations(BROOKSIDE, ["1-900000002", "1-900000003", "1-000000000"], directory, "allow")

    assert result.reason.split("; ") == [
        "location 1-900000002 is rated Inadequate: Safe",
        f"location 1-900000003 is registered to CQC provider {FERNLEA}, not the bidder's {BROOKSIDE}",
        "location 1-900000003 is rated Inadequate: Well-led (Supported living service)",
        "location 1-000000000 not found in CQC data",
    ]
    assert len(result.evidence) == 2


@pytest.mark.parametrize(
    ("policy", "outcome"),
    [("allow", Outcome.ELIGIBLE), ("flag", Outcome.FLAGGED), ("exclude", Outcome.EXCLUDED)],
)
@pytest.mark.parametrize("location_id", ["1-900000004", "1-900000007"])  # Not Rated / no rating rows
def test_it_applies_the_tenders_policy_to_unrated_locations(directory, policy, outcome, location_id):
    provider = directory[location_id].provider_id

    result = assess_locations(provider, [location_id], directory, policy)

    assert result.outcome is outcome
    assert f"not yet rated by CQC: {location_id}" in result.reason or "not yet rated (allowed" in result.reason


def test_it_lets_an_inadequate_rating_outweigh_the_unrated_policy(directory):
    result = assess_locations(MEADOWBANK, ["1-900000004"], directory, "flag")
    assert result.outcome is Outcome.FLAGGED

    mixed = {**directory, "1-900000004": SimpleNamespace(provider_id=MEADOWBANK, service_ratings=())}
    result = assess_locations(MEADOWBANK, ["1-900000004", "1-900000005", "1-900000002"], mixed, "allow")
    assert result.outcome is Outcome.EXCLUDED


def test_it_matches_ids_ignoring_case_spaces_and_repeats(directory):
    result = assess_locations(f" {BROOKSIDE} ", ["1-900000001 ", "1-900000001", ""], directory, "flag")

    assert result.outcome is Outcome.ELIGIBLE


def test_it_flags_a_bid_that_names_no_location(directory):
    result = assess_locations(BROOKSIDE, [], directory, "allow")

    assert result.outcome is Outcome.FLAGGED
    assert "names no CQC location" in result.reason


def test_it_refuses_an_unknown_policy(directory):
    with pytest.raises(ValueError, match="unrated_policy must be one of"):
        assess_locations(BROOKSIDE, ["1-900000001"], directory, "ignore")  # type: ignore[arg-type]


def test_it_lists_inadequate_rows_of_a_record(directory):
    assert has_inadequate(directory["1-900000001"]) == []
    assert [e.domain for e in has_inadequate(directory["1-900000002"])] == ["Safe"]


def test_it_treats_only_the_four_ratings_as_rated(directory):
    assert is_unrated(directory["1-900000004"])
    assert is_unrated(directory["1-900000007"])
    assert not is_unrated(directory["1-900000003"])


_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["Overall", "Homecare agencies", "Supported living service"]),
        st.sampled_from(["Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led"]),
        st.sampled_from([*RATED_VALUES, *UNRATED_VALUES, None]),
        st.none() | st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31)),
    ),
    max_size=20,
)


@given(rows=_ROWS, policy=st.sampled_from(["allow", "flag", "exclude"]))
def test_it_excludes_exactly_when_some_row_is_inadequate_or_policy_says_so(rows, policy):
    record = SimpleNamespace(location_id="1-1", provider_id="1-9", service_ratings=tuple(rows))

    result = assess_locations("1-9", ["1-1"], {"1-1": record}, policy)

    inadequate = any(r[2] == "Inadequate" for r in rows)
    rated = any(r[2] in RATED_VALUES for r in rows)
    if inadequate:
        assert result.outcome is Outcome.EXCLUDED
        assert len(result.evidence) == sum(r[2] == "Inadequate" for r in rows)
    elif not rated:
        assert (
            result.outcome is {"allow": Outcome.ELIGIBLE, "flag": Outcome.FLAGGED, "exclude": Outcome.EXCLUDED}[policy]
        )
    else:
        assert result.outcome is Outcome.ELIGIBLE
