"""Uploads are judged by content, not name: PDF, DOCX and XLSX only, within the size limit."""
import pytest
from django.test import override_settings

from common.errors import RuleViolation
from tenders import services
from tenders.models import BidDocument
from tenders.uploads import DOCX, PDF, XLSX, UploadRejected, check_document
from tests.tenders.bidding_support import PDF_BYTES, _zip, docx_bytes, open_tender, upload, xlsx_bytes

LIMIT = 1024 * 1024


@pytest.mark.parametrize("data, name, content_type", [
    (PDF_BYTES, "policy.pdf", PDF), (docx_bytes(), "plan.docx", DOCX), (xlsx_bytes(), "rota.xlsx", XLSX),
])
def test_it_accepts_pdf_docx_and_xlsx(data, name, content_type):
    checked = check_document(data, name=name, max_bytes=LIMIT)
    assert checked.content_type == content_type
    assert len(checked.sha256) == 64


def test_the_content_decides_the_type_not_the_extension():
    assert check_document(docx_bytes(), name="really-a-word-file.xlsx", max_bytes=LIMIT).content_type == DOCX
    assert check_document(xlsx_bytes(), name="rota.pdf", max_bytes=LIMIT).content_type == XLSX


@pytest.mark.parametrize("data, says", [
    (b"MZ\x90\x00" + b"\x00" * 200, "must be a PDF, a Word document (.docx) or an Excel spreadsheet (.xlsx)"),
    (b"<html><script>alert(1)</script></html>", "must be a PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "must be a PDF"),
    (_zip({"readme.txt": b"hello"}), "is not a PDF"),
    (_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "is not a PDF"),
    (docx_bytes(macro=True), "contains macros"),
    (b"PK\x03\x04 not really a zip", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-format or password-protected"),
    (b"", "is empty"),
])
def test_it_refuses_anything_else_with_a_reason(data, says):
    with pytest.raises(UploadRejected) as exc:
        check_document(data, name="upload.pdf", max_bytes=LIMIT)
    assert says in exc.value.message


def test_it_refuses_files_over_the_size_limit():
    with pytest.raises(UploadRejected) as exc:
        check_document(PDF_BYTES + b"x" * LIMIT, name="big.pdf", max_bytes=LIMIT)
    assert "too big" in exc.value.message and "1 MB" in exc.value.message


def test_it_refuses_a_zip_that_expands_enormously():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (50 * 1024 * 1024)})
    with pytest.raises(UploadRejected) as exc:
        check_document(bomb, name="bomb.docx", max_bytes=LIMIT)
    assert "expands" in exc.value.message


@pytest.mark.django_db
def test_it_stores_an_accepted_upload_under_a_random_name_with_its_digest(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    document = services.bid_add_document(bid=bid, user=bidder, upload=upload("../../etc/Our policy.pdf", PDF_BYTES))
    assert document.original_name == "Our policy.pdf"
    assert document.content_type == PDF
    assert "policy" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF_BYTES


@pytest.mark.django_db
@override_settings(BID_DOCUMENT_MAX_BYTES=100)
def test_the_service_enforces_settings_bid_document_max_bytes(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    with pytest.raises(RuleViolation) as exc:
        services.bid_add_document(bid=bid, user=bidder, upload=upload("policy.pdf", PDF_BYTES))
    assert "too big" in exc.value.message
    assert exc.value.field == "document"
    assert not BidDocument.objects.exists()


@pytest.mark.django_db
def test_the_same_file_cannot_be_attached_twice(bidder):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    services.bid_add_document(bid=bid, user=bidder, upload=upload("a.pdf", PDF_BYTES))
    with pytest.raises(RuleViolation) as exc:
        services.bid_add_document(bid=bid, user=bidder, upload=upload("b.pdf", PDF_BYTES))
    assert "already attached" in exc.value.message
