"""The provider-wide CQC gate (cqc/gate.py, pure: no database).

Fixture scenario: Brookside (1-800000001) runs Preston 1-900000001 (all Good) and
Chorley 1-900000002 (Safe Inadequate). A bid that names only Preston leaves its
Inadequate branch out.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cqc import gate
from cqc.gate import Outcome, Scope, assess_bidder
from cqc.parse import parse_ratings_file

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cqc" / "scenario.csv"
BROOKSIDE = "1-800000001"
PRESTON, CHORLEY = "1-900000001", "1-900000002"


@pytest.fixture(scope="module")
def directory():
    return parse_ratings_file(FIXTURE).by_id()


def _of(directory, provider_id):
    return [r for r in directory.values() if r.provider_id == provider_id]


def _assess(directory, named, scope, provider=BROOKSIDE, policy="flag"):
    found = {i: directory[i] for i in named if i in directory}
    return assess_bidder(provider, named, found, _of(directory, provider), policy, scope)


def test_an_inadequate_location_the_bid_leaves_out_excludes_the_provider_by_default(directory):
    result = _assess(directory, [PRESTON], Scope.PROVIDER_WIDE)
    assert result.outcome is Outcome.EXCLUDED
    assert result.rule == "provider_wide"
    assert f"location {CHORLEY} (not named in the bid, listed under CQC provider {BROOKSIDE})" in result.reason
    assert "Inadequate: Safe" in result.reason
    assert [(e.location_id, e.domain, e.rating) for e in result.evidence] == [(CHORLEY, "Safe", "Inadequate")]


def test_the_same_bid_is_allowed_where_the_tender_checks_named_locations_only(directory):
    result = _assess(directory, [PRESTON], Scope.NAMED_LOCATIONS)
    assert result.outcome is Outcome.ELIGIBLE
    assert result.rule == "named_locations"
    assert result.evidence == ()


def test_a_provider_with_every_location_good_passes_and_the_reason_says_what_was_read(directory):
    riverside = "1-800000004"
    named = [r.location_id for r in _of(directory, riverside)][:1]
    result = _assess(directory, named, Scope.PROVIDER_WIDE, provider=riverside, policy="allow")
    assert result.outcome is not Outcome.EXCLUDED
    assert result.rule == "provider_wide"


def test_named_location_problems_still_exclude_under_the_provider_wide_rule(directory):
    result = _assess(directory, [PRESTON, "1-123456789"], Scope.PROVIDER_WIDE)
    assert result.outcome is Outcome.EXCLUDED
    assert "location 1-123456789 not found in CQC data" in result.reason
    assert CHORLEY in result.reason  # and the unnamed Inadequate branch is listed too


def test_naming_nothing_with_an_unknown_provider_id_is_flagged_never_called_checked(directory):
    result = assess_bidder("1-000000000", [], {}, [], "allow", Scope.PROVIDER_WIDE)
    assert result.outcome is Outcome.FLAGGED
    assert "no rating could be checked" in result.reason


def test_naming_nothing_is_judged_on_the_providers_listed_locations(directory):
    result = _assess(directory, [], Scope.PROVIDER_WIDE)
    assert result.outcome is Outcome.EXCLUDED and CHORLEY in result.reason


def test_the_gate_is_pure_no_django_or_pandas():
    tree = ast.parse(Path(gate.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(m and (m.startswith("django") or m.startswith("pandas")) for m in modules)
