"""Plain dicts describing CQC data, shared by the API and the pages (no business rules here)."""
from __future__ import annotations

from typing import Any

from cqc.models import CQCImport
from cqc.parse import KEY_QUESTIONS, OVERALL, Evidence, LocationRecord, has_inadequate, is_unrated
from cqc.selectors import ProviderLookup

KEY_QUESTION_LABELS = {
    "safe": "Safe", "effective": "Effective", "caring": "Caring", "responsive": "Responsive", "well_led": "Well-led",
}
DOMAIN_KEYS = {"Overall": "overall", **{label: key for key, label in KEY_QUESTION_LABELS.items()}}


def evidence_data(evidence: Evidence, names: dict[str, str] | None = None) -> dict[str, Any]:
    data = {
        "location_id": evidence.location_id,
        "service_group": evidence.service_group,
        "domain": evidence.domain,
        "rating": evidence.rating,
        "publication_date": evidence.publication_date,
    }
    if names is not None:
        data["location_name"] = names.get(evidence.location_id, "")
    return data


def services_data(record: LocationRecord) -> list[dict[str, Any]]:
    """The location's ratings grouped by service / population group ("Overall" first), one key per domain."""
    groups: dict[str, dict[str, Any]] = {}
    for row in record.service_ratings:
        group = groups.setdefault(row.service_group, {
            "service_group": row.service_group,
            "ratings": {"overall": None, **dict.fromkeys(KEY_QUESTIONS)},
            "other_domains": {},
            "publication_date": None,
        })
        key = DOMAIN_KEYS.get(row.domain)
        if key is None:
            group["other_domains"][row.domain] = row.rating
        else:
            group["ratings"][key] = row.rating
        if row.publication_date and (group["publication_date"] is None or row.publication_date > group["publication_date"]):
            group["publication_date"] = row.publication_date
    ordered = sorted(groups.values(), key=lambda g: (g["service_group"] != OVERALL, g["service_group"]))
    for group in ordered:
        if not group["other_domains"]:
            del group["other_domains"]
    return ordered


def location_data(record: LocationRecord) -> dict[str, Any]:
    inadequate = has_inadequate(record)
    return {
        "location_id": record.location_id,
        "location_name": record.location_name,
        "location_type": record.location_type,
        "service_types": list(record.service_types),
        "local_authority": record.local_authority,
        "postcode": record.postcode,
        "overall_rating": record.overall_rating,
        "key_questions": {key: record.key_question_ratings.get(key) for key in KEY_QUESTIONS},
        "services": services_data(record),
        "publication_date": record.publication_date,
        "url": record.url,
        "is_unrated": is_unrated(record),
        "has_inadequate": bool(inadequate),
    }


def import_summary(cqc_import: CQCImport | None) -> dict[str, Any] | None:
    if cqc_import is None:
        return None
    return {"id": cqc_import.pk, "filename": cqc_import.filename, "finished_at": cqc_import.finished_at}


def provider_lookup_data(lookup: ProviderLookup) -> dict[str, Any]:
    names = {record.location_id: record.location_name for record in lookup.locations}
    registered = lookup.registered_provider
    return {
        "cqc_provider_id": lookup.cqc_provider_id,
        "provider_name": lookup.provider_name,
        "registered_provider": {"id": registered.pk, "name": registered.name} if registered else None,
        "has_inadequate": lookup.has_inadequate,
        "inadequate_rows": [evidence_data(e, names) for e in lookup.inadequate_rows],
        "unrated_location_ids": lookup.unrated_location_ids,
        "locations": [location_data(record) for record in lookup.locations],
        "data_as_of": import_summary(lookup.data_as_of),
    }


def import_data(cqc_import: CQCImport) -> dict[str, Any]:
    return {
        "id": cqc_import.pk,
        "filename": cqc_import.filename,
        "sha256": cqc_import.sha256,
        "size_bytes": cqc_import.size_bytes,
        "uploaded_by": cqc_import.uploaded_by.get_username() if cqc_import.uploaded_by else None,
        "created_at": cqc_import.created_at,
        "started_at": cqc_import.started_at,
        "finished_at": cqc_import.finished_at,
        "status": cqc_import.status,
        "status_label": cqc_import.get_status_display(),
        "phase": cqc_import.phase,
        "phase_label": cqc_import.get_phase_display(),
        "progress": {
            "done": cqc_import.progress_done,
            "total": cqc_import.progress_total,
            "percent": cqc_import.progress_percent,
        },
        "rows_read": cqc_import.rows_read,
        "sheet_name": cqc_import.sheet_name or None,
        "counts": {
            "new": cqc_import.count_new,
            "updated": cqc_import.count_updated,
            "unchanged": cqc_import.count_unchanged,
            "rejected": cqc_import.count_rejected,
        },
        "rejected_reasons": cqc_import.rejected_reasons,
        "error": cqc_import.error_message or None,
    }
