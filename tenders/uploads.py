"""Check an uploaded document by its content, not its name (pure; no database).

Only PDF, Word (DOCX) and Excel (XLSX) files are accepted. `filetype` reads the
magic bytes; DOCX and XLSX are both ZIP files, so the ZIP's own structure
decides which one it is, and refuses macro-enabled or malformed packages and
ZIPs that would expand to something enormous.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import filetype

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}
ALLOWED_HINT = "a PDF, a Word document (.docx) or an Excel spreadsheet (.xlsx)"

MAX_ZIP_ENTRIES = 5000
MAX_ZIP_EXPANDED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class UploadRejected(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB" if size % (1024 * 1024) == 0 else f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def _office_kind(data: bytes, name: str) -> str:
    """DOCX or XLSX, decided by the package's parts; anything else is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(f"{name} looks like an Office file but is damaged. Save it again and re-upload it.") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadRejected(f"{name} has too many parts to be a normal document.")
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_ZIP_EXPANDED_BYTES or (data and expanded / len(data) > MAX_COMPRESSION_RATIO):
        raise UploadRejected(f"{name} expands to far more than its size; it cannot be accepted.")
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise UploadRejected(f"{name} is password-protected. Upload a copy without a password.")
    if "[Content_Types].xml" not in names:
        raise UploadRejected(f"{name} is not {ALLOWED_HINT}.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(f"{name} contains macros. Save it as a normal .docx or .xlsx file without macros.")
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise UploadRejected(f"{name} is not {ALLOWED_HINT}.")


def check_document(stream: BinaryIO | bytes, *, name: str, max_bytes: int) -> CheckedDocument:
    """Accept a PDF, DOCX or XLSX up to `max_bytes`, judged by content; raise UploadRejected with the reason."""
    data = stream if isinstance(stream, bytes) else stream.read(max_bytes + 1)
    size = len(data)
    if size == 0:
        raise UploadRejected(f"{name} is empty.")
    if size > max_bytes:
        raise UploadRejected(f"{name} is too big: the largest file you can upload is {_human_size(max_bytes)}.")
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime == PDF:
        content_type = PDF
    elif mime in (DOCX, XLSX, "application/zip") or data[:4] == b"PK\x03\x04":
        # Both are ZIP packages, and filetype only peeks at the first entries: the parts decide.
        content_type = _office_kind(data, name)
    elif mime in ("application/msword", "application/vnd.ms-excel", "application/x-ole-storage") or data[:8] == (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise UploadRejected(
            f"{name} is an old-format or password-protected Office file. Save it as .docx or .xlsx (without a"
            " password), or as a PDF."
        )
    else:
        raise UploadRejected(f"{name} must be {ALLOWED_HINT}. Its content shows it is not, whatever its name.")
    return CheckedDocument(
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )
