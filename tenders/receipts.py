"""Canonical bid content and its SHA-256 digest: what a submission receipt proves.

The digest is over canonical JSON (sorted keys, no spaces, UTF-8, decimals as
strings), so a provider can recompute it from the content shown on its receipt.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _rows(version: Any, relation: str, related: str) -> Any:
    """A version's related rows: the prefetched ones when the caller prefetched them (bid submission does)."""
    if relation in getattr(version, "_prefetched_objects_cache", {}):
        return getattr(version, relation).all()
    return getattr(version, relation).select_related(related)


def bid_version_content(version: Any) -> dict[str, Any]:
    """The relational rows of a bid version as the canonical dict that is frozen on submit."""
    bid = version.bid
    return {
        "bid": bid.reference,
        "tender": bid.tender.reference,
        "provider": {"name": bid.provider.name, "cqc_provider_id": bid.provider.cqc_provider_id},
        "version": version.number,
        "lots": [
            {
                "lot": p.lot.number,
                "zone": p.lot.zone.code,
                "hourly_price": str(p.hourly_price),
                "package_price": None if p.package_price is None else str(p.package_price),
            }
            for p in sorted(_rows(version, "lot_prices", "lot__zone"), key=lambda p: p.lot.number)
        ],
        "answers": [
            {"question": a.question.number, "text": a.text}
            for a in sorted(_rows(version, "answers", "question"), key=lambda a: a.question.number)
        ],
        "cqc_location_ids": sorted(version.cqc_location_ids or []),
        "declarations": version.declarations or {},
        "documents": [
            {"name": d.original_name, "sha256": d.sha256, "size": d.size, "content_type": d.content_type}
            for d in sorted(version.documents.all(), key=lambda d: (d.original_name, d.sha256))
        ],
    }
