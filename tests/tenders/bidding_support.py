"""Builders shared by the bidding tests: an open tender, complete drafts, real PDF/DOCX/XLSX bytes."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenders import services
from tenders.bidding_rules import DECLARATIONS
from tenders.models import Bid, Tender
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, QualityQuestionFactory, TenderFactory


def open_tender(*, lots: int = 2, questions: int = 2, package_lot: bool = False, word_limit: int = 500, **kwargs) -> Tender:
    """A published tender taking bids: deadline in 30 days, questions close in 20."""
    now = timezone.now()
    tender = TenderFactory(status=TenderStatus.PUBLISHED.value, published_at=now, **kwargs)
    for n in range(1, lots + 1):
        LotFactory(tender=tender, number=n, hours_per_week=Decimal("500"),
                   package_pricing=package_lot and n == 1, package_hours=Decimal("30") if package_lot and n == 1 else None)
    for n in range(1, questions + 1):
        QualityQuestionFactory(tender=tender, number=n, word_limit=word_limit, text=f"Question {n}?")
    return tender


def complete_draft(bid: Bid, user, *, price: str = "18.50") -> None:
    """Fill every part of the draft so it can be submitted."""
    tender = bid.tender
    lot = tender.lots.order_by("number").first()
    package = "600.00" if lot.package_pricing else None
    services.bid_update_draft(
        bid=bid, user=user,
        prices={lot.pk: (price, package)},
        answers={q.pk: f"Our answer to question {q.number}." for q in tender.questions.all()},
        cqc_location_ids=["1-123456789"],
        declarations=list(DECLARATIONS),
    )


def submitted_bid(tender: Tender, user, *, key: str = "") -> tuple[Bid, services.SubmitResult]:
    bid = services.bid_start(tender=tender, user=user)
    complete_draft(bid, user)
    return bid, services.bid_submit(bid=bid, user=user, idempotency_key=key)


def pass_deadline(tender: Tender, *, ago: timedelta = timedelta(minutes=1)) -> Tender:
    """Move the deadline into the past (the tender stays 'published' until the scheduler closes it)."""
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=now - ago, clarification_deadline=now - ago * 2)
    tender.refresh_from_db()
    return tender


def close_and_open(tender: Tender, commissioner) -> Tender:
    pass_deadline(tender)
    services.tender_close(tender=tender)
    services.tender_open(tender=Tender.objects.get(pk=tender.pk), user=commissioner)
    return Tender.objects.get(pk=tender.pk)


# --- documents: real bytes, so the content checks are exercised honestly ---------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(*, macro: bool = False) -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
             "word/document.xml": b"<w:document>Staffing plan</w:document>"}
    if macro:
        parts["word/vbaProject.bin"] = b"\x00" * 64
    return _zip(parts)


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Rota"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def shows_amount(text: str | bytes, amount: str) -> bool:
    """Whether `amount` ("18.50") appears as a figure in `text`, not inside a longer number or a time.

    A plain substring test is not enough: a timestamp such as 2026-11-29T01:46:18.503921Z contains "18.50"
    (a sealed-bid test failed on exactly that, once in thousands of runs).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return re.search(rf"(?<![\d.:]){re.escape(amount)}(?!\d)", text) is not None
