"""Read paths for CQC data: the exclusion gate's input and the provider lookup."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from cqc.models import CQCImport, CQCLocation, ImportStatus
from cqc.parse import KEY_QUESTIONS, Evidence, LocationRecord, ServiceRating, has_inadequate, is_unrated
from providers.models import Provider


def location_record(row: CQCLocation) -> LocationRecord:
    """The stored location as the pure parser's record, so `cqc.parse.assess_locations` can read it."""
    return LocationRecord(
        location_id=row.location_id,
        provider_id=row.provider_id,
        location_name=row.location_name,
        provider_name=row.provider_name,
        location_type=row.location_type,
        service_types=tuple(row.service_types or ()),
        local_authority=row.local_authority,
        postcode=row.postcode,
        overall_rating=row.overall_rating or None,
        key_question_ratings={key: getattr(row, key) or None for key in KEY_QUESTIONS},
        service_ratings=tuple(
            ServiceRating(group, domain, rating, date.fromisoformat(day) if day else None)
            for group, domain, rating, day in (row.rating_rows or ())
        ),
        publication_date=row.publication_date,
        url=row.url,
    )


def locations_by_id(ids: Iterable[str]) -> dict[str, LocationRecord]:
    """location ID -> record for the IDs found (unknown IDs are simply absent); one query."""
    wanted = sorted({str(i).strip() for i in ids if str(i).strip()})
    if not wanted:
        return {}
    rows = CQCLocation.objects.filter(location_id__in=wanted)
    return {row.location_id: location_record(row) for row in rows}


def locations_of_provider(cqc_provider_id: str) -> list[LocationRecord]:
    """Every location the imported directory lists under a CQC provider ID (the provider-wide gate's input)."""
    provider_id = str(cqc_provider_id or "").strip()
    if not provider_id:
        return []
    return [location_record(row) for row in CQCLocation.objects.filter(provider_id=provider_id).order_by("location_id")]


def provider_is_known(cqc_provider_id: str) -> bool:
    """True when the imported CQC data lists at least one location under this provider ID."""
    provider_id = str(cqc_provider_id or "").strip()
    return bool(provider_id) and CQCLocation.objects.filter(provider_id=provider_id).exists()


@dataclass(frozen=True)
class ProviderLookup:
    cqc_provider_id: str
    provider_name: str
    registered_provider: Provider | None  # our own provider organisation with this CQC ID, if any
    locations: list[LocationRecord]
    inadequate_rows: list[Evidence]
    unrated_location_ids: list[str]
    data_as_of: CQCImport | None

    @property
    def has_inadequate(self) -> bool:
        return bool(self.inadequate_rows)


def latest_import() -> CQCImport | None:
    return CQCImport.objects.filter(status=ImportStatus.DONE).order_by("-finished_at", "-pk").first()


def provider_lookup(cqc_provider_id: str) -> ProviderLookup | None:
    """A CQC provider's locations and any Inadequate rows; None when the ID is not in the data."""
    provider_id = str(cqc_provider_id or "").strip()
    if not provider_id:
        return None
    rows = list(CQCLocation.objects.filter(provider_id=provider_id).order_by("location_id"))
    if not rows:
        return None
    locations = [location_record(row) for row in rows]
    inadequate = [evidence for record in locations for evidence in has_inadequate(record)]
    return ProviderLookup(
        cqc_provider_id=provider_id,
        provider_name=locations[0].provider_name,
        registered_provider=Provider.objects.filter(cqc_provider_id=provider_id).first(),
        locations=locations,
        inadequate_rows=inadequate,
        unrated_location_ids=[record.location_id for record in locations if is_unrated(record)],
        data_as_of=latest_import(),
    )


def import_list(limit: int = 20) -> list[CQCImport]:
    return list(import_queryset()[:limit])


def import_queryset() -> QuerySet[CQCImport]:
    """Every import, newest first, for the API to page through."""
    return CQCImport.objects.select_related("uploaded_by")
