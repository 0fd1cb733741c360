"""The tender's CQC exclusion gate (pure: standard library only, no Django, no pandas).

The rule a council publishes (seed 004): it "will not enter into a contract with any
service provider that has an 'inadequate' CQC rating against any of their five key
questions". That is about the provider, not only the branches a bid chooses to name, so
by default (`Scope.PROVIDER_WIDE`) the gate reads every location CQC lists under the
bidder's CQC provider ID in the imported directory, plus every location the bid names,
and excludes the bidder if any of them is rated Inadequate on any key question (or
overall) at any service group. A tender may publish `Scope.NAMED_LOCATIONS` instead: only
the named locations are read. Either way a named location that is registered to another
provider, or is not in the CQC data at all, excludes the bid, and locations not yet rated
follow the tender's unrated policy. The assessment says which rule applied.

Moved here from `cqc.parse` (which re-exports these names) so the rule is one small
module a reader can check, separate from reading CQC's spreadsheets.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Literal, NamedTuple, Protocol

OVERALL = "Overall"
RATED_VALUES: tuple[str, ...] = ("Outstanding", "Good", "Requires improvement", "Inadequate")
INADEQUATE = "Inadequate"


class RatedLocation(Protocol):
    """What the gate needs from a location: a parsed record or a model row alike."""

    @property
    def provider_id(self) -> str: ...

    @property
    def service_ratings(self) -> Sequence[tuple[str, str, str | None, date | None]]: ...


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    FLAGGED = "flagged"  # due diligence needed before the bid goes further
    EXCLUDED = "excluded"


class Scope(StrEnum):
    """Which locations the gate reads (published with the tender: Tender.cqc_gate_scope)."""

    PROVIDER_WIDE = "provider_wide"
    NAMED_LOCATIONS = "named_locations"


SCOPE_LABELS = {
    Scope.PROVIDER_WIDE: "provider-wide rule: every location CQC lists under the bidder's CQC provider ID, "
    "plus the locations the bid names",
    Scope.NAMED_LOCATIONS: "named-locations rule: only the locations the bid names",
}


class Evidence(NamedTuple):
    location_id: str
    service_group: str
    domain: str
    rating: str | None
    publication_date: date | None


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    reason: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    rule: str = Scope.NAMED_LOCATIONS.value  # which scope applied, as the report states it


UnratedPolicy = Literal["allow", "flag", "exclude"]
UNRATED_POLICIES: tuple[str, ...] = ("allow", "flag", "exclude")


def _record_id(record: object, fallback: str) -> str:
    return str(getattr(record, "location_id", fallback) or fallback)


@cache
def _folded(rating: object) -> str:
    """A rating as compared: spaces and letter case ignored (a handful of distinct values, so kept)."""
    return str(rating).strip().casefold()


_INADEQUATE_FOLDED = _folded(INADEQUATE)
_RATED_FOLDED = frozenset(map(_folded, RATED_VALUES))


def has_inadequate(record: RatedLocation) -> list[Evidence]:
    """Every row of the location rated Inadequate: any service group, any key question or overall."""
    location_id = _record_id(record, "")
    return [
        Evidence(location_id, row[0], row[1], row[2], row[3])
        for row in record.service_ratings
        if row[2] is not None and _folded(row[2]) == _INADEQUATE_FOLDED
    ]


def is_unrated(record: RatedLocation) -> bool:
    """True when no row carries one of the four ratings (no rows, or all Not Rated / blank)."""
    return not any(row[2] is not None and _folded(row[2]) in _RATED_FOLDED for row in record.service_ratings)


def _where(evidence: Iterable[Evidence]) -> str:
    return ", ".join(
        f"{e.domain}" + (f" ({e.service_group})" if e.service_group != OVERALL else "") for e in evidence
    )


def assess_locations(
    bid_provider_id: str,
    location_ids: Sequence[str],
    locations: Mapping[str, RatedLocation],
    unrated_policy: UnratedPolicy,
) -> Assessment:
    """Apply the named-locations gate to the locations a bid names.

    EXCLUDED when any named location (a) is rated Inadequate on any row, whatever the
    service group or key question (the council will not contract with a provider rated
    Inadequate on any of the five key questions; overall Inadequate is treated the same),
    (b) is registered to a provider other than the bid's CQC provider ID, or (c) is not in
    the CQC data at all ("not found in CQC data": an unverifiable location is not accepted;
    the commissioner can re-import a newer file or correct the ID). All reasons are listed.
    Otherwise, locations not yet rated (no rating rows, or none with one of the four
    ratings) follow `unrated_policy`: "allow" -> ELIGIBLE, "flag" -> FLAGGED for due
    diligence, "exclude" -> EXCLUDED. A bid naming no location is FLAGGED: nothing could be
    checked. IDs are compared ignoring surrounding spaces and letter case.
    """
    if unrated_policy not in UNRATED_POLICIES:
        raise ValueError(f"unrated_policy must be one of {UNRATED_POLICIES}, not {unrated_policy!r}")
    wanted = list(dict.fromkeys(str(i).strip() for i in location_ids if str(i).strip()))
    if not wanted:
        return Assessment(Outcome.FLAGGED, "the bid names no CQC location, so no rating could be checked")

    index: dict[str, RatedLocation] | None = None  # by folded ID, made only if an exact lookup misses
    bid_provider = str(bid_provider_id or "").strip()
    bid_provider_folded = bid_provider.casefold()
    exclusions: list[str] = []
    evidence: list[Evidence] = []
    unrated: list[str] = []
    unrated_evidence: list[Evidence] = []
    for location_id in wanted:
        record = locations.get(location_id)
        if record is None:
            if index is None:
                index = {str(k).strip().casefold(): v for k, v in locations.items()}
            record = index.get(location_id.casefold())
        if record is None:
            exclusions.append(f"location {location_id} not found in CQC data")
            continue
        record_provider = str(record.provider_id or "").strip()
        if record_provider.casefold() != bid_provider_folded:
            exclusions.append(
                f"location {location_id} is registered to CQC provider {record_provider or '(none)'}, "
                f"not the bidder's {bid_provider or '(none)'}"
            )
        inadequate = [e._replace(location_id=location_id) for e in has_inadequate(record)]
        if inadequate:
            exclusions.append(f"location {location_id} is rated Inadequate: {_where(inadequate)}")
            evidence.extend(inadequate)
        if is_unrated(record):
            unrated.append(location_id)
            unrated_evidence.extend(
                Evidence(location_id, row[0], row[1], row[2], row[3]) for row in record.service_ratings
            )

    if exclusions:
        return Assessment(Outcome.EXCLUDED, "; ".join(exclusions), tuple(evidence))
    if unrated:
        names = ", ".join(unrated)
        if unrated_policy == "exclude":
            return Assessment(
                Outcome.EXCLUDED,
                f"not yet rated by CQC: {names} (this tender excludes unrated locations)",
                tuple(unrated_evidence),
            )
        if unrated_policy == "flag":
            return Assessment(
                Outcome.FLAGGED,
                f"not yet rated by CQC: {names} (due diligence required)",
                tuple(unrated_evidence),
            )
        return Assessment(
            Outcome.ELIGIBLE,
            f"no location rated Inadequate; not yet rated (allowed by this tender): {names}",
            tuple(unrated_evidence),
        )
    return Assessment(Outcome.ELIGIBLE, "no named location is rated Inadequate on any key question")


def assess_bidder(
    bid_provider_id: str,
    location_ids: Sequence[str],
    named_locations: Mapping[str, RatedLocation],
    provider_locations: Sequence[RatedLocation],
    unrated_policy: UnratedPolicy,
    scope: Scope | str = Scope.PROVIDER_WIDE,
) -> Assessment:
    """The tender's CQC gate for one bid under its published scope; the result names the rule applied.

    `named_locations`: location ID -> record for the IDs the bid names (unknown IDs absent).
    `provider_locations`: every location the imported directory lists under the bidder's
    CQC provider ID (read only under the provider-wide scope).

    Provider-wide: EXCLUDED when any location under the provider ID is rated Inadequate on
    any row (its evidence stored like a named location's), in addition to everything the
    named-locations gate excludes. Locations not named and not yet rated do not matter: the
    unrated policy is about the services the bid offers. A bid naming no location is judged
    on the provider's listed locations; a provider ID with none in the data cannot be
    checked and is FLAGGED with that reason (never called "checked").
    """
    scope = Scope(scope)
    named = assess_locations(bid_provider_id, location_ids, named_locations, unrated_policy)
    if scope is Scope.NAMED_LOCATIONS:
        return Assessment(named.outcome, named.reason, named.evidence, scope.value)

    provider = str(bid_provider_id or "").strip()
    named_ids = {str(i).strip().casefold() for i in location_ids if str(i).strip()}
    unnamed_bad: list[Evidence] = []
    others = 0
    for record in sorted(provider_locations, key=lambda r: _record_id(r, "")):
        location_id = _record_id(record, "")
        if location_id.casefold() in named_ids:
            continue  # already judged as a named location
        others += 1
        unnamed_bad.extend(has_inadequate(record))

    if unnamed_bad:
        by_location: dict[str, list[Evidence]] = {}
        for e in unnamed_bad:
            by_location.setdefault(e.location_id, []).append(e)
        parts = [
            f"location {loc} (not named in the bid, listed under CQC provider {provider}) is rated Inadequate: "
            f"{_where(rows)}"
            for loc, rows in by_location.items()
        ]
        if named.outcome is Outcome.EXCLUDED:
            parts.insert(0, named.reason)
        return Assessment(
            Outcome.EXCLUDED,
            "; ".join(parts),
            tuple(named.evidence if named.outcome is Outcome.EXCLUDED else ()) + tuple(unnamed_bad),
            scope.value,
        )
    if named.outcome is Outcome.EXCLUDED or named_ids:
        suffix = (
            f"; none of the {others} other location(s) CQC lists under provider {provider} is rated Inadequate"
            if others and named.outcome is not Outcome.EXCLUDED else ""
        )
        return Assessment(named.outcome, f"{named.reason}{suffix}", named.evidence, scope.value)
    # Nothing named: the provider's own listed locations are what could be checked.
    if not provider_locations:
        return Assessment(
            Outcome.FLAGGED,
            f"the bid names no CQC location and CQC provider ID {provider or '(none)'} has no location in the "
            "imported CQC data, so no rating could be checked",
            (),
            scope.value,
        )
    return Assessment(
        Outcome.ELIGIBLE,
        f"the bid names no CQC location; none of the {len(provider_locations)} location(s) CQC lists under "
        f"provider {provider} is rated Inadequate",
        (),
        scope.value,
    )
