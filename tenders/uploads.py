"""Check an uploaded document by its content, not its name (pure; no database).

Only PDF, Word (DOCX) and Excel (XLSX) files are accepted. `filetype` reads the
magic bytes; DOCX and XLSX are both ZIP files, so the ZIP's own structure
decides which one it is, and refuses macro-enabled or malformed packages and
ZIPs that would expand to something enormous.

Issue 13 hardening, each refusal naming the problem (the caller stores nothing on refusal):
- names with a disguising double extension (`policy.pdf.exe`) or a right-to-left override;
- PDFs with JavaScript, launch actions or embedded files (names decoded from `#xx`
  escapes, compressed streams inflated, and the object tree walked with pypdf);
- Office packages with macros, ActiveX, or relationships to external targets other than
  hyperlinks (an external template in `word/_rels/settings.xml.rels` is the classic);
- packages whose real, streamed decompressed size or ratio is too large: every member is
  inflated from its raw bytes with a running total, so falsified declared sizes do not help.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

import filetype
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}
ALLOWED_HINT = "a PDF, a Word document (.docx) or an Excel spreadsheet (.xlsx)"

MAX_ZIP_ENTRIES = 5000
MAX_ZIP_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# A PDF's compressed streams are inflated to look for hidden keys, up to this much in all.
MAX_PDF_INFLATED_BYTES = 100 * 1024 * 1024
MAX_PDF_OBJECTS = 100_000  # far above a long report; beyond it parsing alone costs seconds
MAX_PDF_STREAMS = 20_000
MAX_PDF_ESCAPED_NAMES = 10_000

# Final extensions that run code when opened; never accepted, whatever the content.
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "jar", "js", "jse", "vbs", "vbe", "wsf",
    "wsh", "ps1", "psm1", "hta", "lnk", "sh", "app", "apk", "reg", "iso", "img", "docm", "xlsm", "dotm", "xltm",
})
# Extensions of documents people send; one of these before another extension is a disguise.
DOCUMENT_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "rtf", "txt", "csv", "jpg", "jpeg", "png", "gif", "ppt", "pptx",
    "zip", "htm", "html",
})


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


def check_name(name: str) -> None:
    """Refuse names that disguise what a file is: `policy.pdf.exe`, `plan.docx.js`, a right-to-left override."""
    if any(ch in name for ch in ("\u202e", "\u202d", "\u200f", "\x00")):
        raise UploadRejected(f"{name!r} contains hidden characters that disguise its extension. Rename it and try again.")
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(".")
    parts = [p.lower().strip() for p in base.split(".")[1:]]
    if not parts:
        return
    last = parts[-1]
    # "Scan.jpg.pdf" or "report.docx.pdf" (print or save as PDF) end in what they are: only a name whose
    # last extension is not a document we take, after one that is, is a disguise.
    if len(parts) >= 2 and parts[-2] in DOCUMENT_EXTENSIONS and last not in EXTENSIONS.values():
        raise UploadRejected(
            f"{base} has a double extension (.{parts[-2]}.{last}). Rename it so it ends in .{parts[-2]} only."
        )
    if last in EXECUTABLE_EXTENSIONS:
        raise UploadRejected(f"{base} is a .{last} file, which can run code. Upload {ALLOWED_HINT}.")


def _real_sizes(data: bytes, infos: list[zipfile.ZipInfo], name: str) -> None:
    """Inflate every member from its raw bytes with a running total; never trust the declared sizes."""
    limit = min(MAX_ZIP_EXPANDED_BYTES, max(1, len(data)) * MAX_COMPRESSION_RATIO)
    too_big = f"{name} expands to far more than its size; it cannot be accepted."
    total = 0
    for info in infos:
        start = info.header_offset
        header = data[start:start + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise UploadRejected(f"{name} looks like an Office file but is damaged. Save it again and re-upload it.")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        begin = start + 30 + name_len + extra_len
        raw = memoryview(data)[begin:begin + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            size = len(raw)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            size = 0
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            pending = bytes(raw)
            try:
                while pending and not inflater.eof:
                    out = inflater.decompress(pending, 1024 * 1024)  # at most 1 MB in memory at a time
                    size += len(out)
                    if total + size > limit:
                        raise UploadRejected(too_big)
                    if not out and inflater.unconsumed_tail == pending:
                        break
                    pending = inflater.unconsumed_tail
            except zlib.error as exc:
                raise UploadRejected(
                    f"{name} looks like an Office file but is damaged. Save it again and re-upload it."
                ) from exc
        else:
            raise UploadRejected(f"{name} uses an unusual compression inside. Save it again from Word or Excel.")
        if size != info.file_size:
            raise UploadRejected(
                f"{name} declares sizes inside that do not match its content (a damaged or crafted file)."
            )
        total += size
        if total > limit:
            raise UploadRejected(too_big)


EXTERNAL_HYPERLINK = "/hyperlink"


def _external_targets(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Relationships that point outside the package, other than ordinary hyperlinks."""
    found = []
    for part in sorted(n for n in names if n.lower().endswith(".rels")):
        try:
            root = ElementTree.fromstring(archive.read(part))
        except ElementTree.ParseError:
            continue
        for rel in root.iter():
            if not rel.tag.endswith("Relationship") or rel.get("TargetMode", "").lower() != "external":
                continue
            if rel.get("Type", "").endswith(EXTERNAL_HYPERLINK):
                continue
            found.append(f"{rel.get('Type', '').rsplit('/', 1)[-1]} -> {rel.get('Target', '')}")
    return found


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
    _real_sizes(data, infos, name)
    if "[Content_Types].xml" not in names:
        raise UploadRejected(f"{name} is not {ALLOWED_HINT}.")
    lowered = {n.lower() for n in names}
    content_types = archive.read("[Content_Types].xml").lower()
    if (any(n.endswith(("vbaproject.bin", "vbadata.xml")) for n in lowered)
            or b"macroenabled" in content_types or b"vbaproject" in content_types):
        raise UploadRejected(f"{name} contains macros. Save it as a normal .docx or .xlsx file without macros.")
    if any("/activex/" in f"/{n}" for n in lowered):
        raise UploadRejected(f"{name} contains ActiveX controls. Save a copy without them and upload that.")
    external = _external_targets(archive, names)
    if external:
        raise UploadRejected(
            f"{name} links to something outside the document ({external[0]}), such as an external template. "
            "Remove the link, save it again and re-upload it."
        )
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise UploadRejected(f"{name} is not {ALLOWED_HINT}.")


# --- PDF: active content ------------------------------------------------------------

_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ESCAPED_NAME = re.compile(rb"/[A-Za-z0-9]*#[0-9A-Fa-f]{2}(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})*")
# PDF names that carry active content; a name ends at a delimiter or whitespace. A page that
# literally prints "/JavaScript" in its text would be refused too: rare, and on the safe side.
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?=[\s/<>\[\]()%{}]|$)")
_REASONS = {
    "javascript": "contains JavaScript", "js": "contains JavaScript",
    "launch": "has an action that launches another program",
    "embeddedfile": "has files embedded in it", "embeddedfiles": "has files embedded in it",
    "richmedia": "contains embedded media that can run code",
}


def _active_names(data: bytes, name: str) -> set[str]:
    """Active-content names in raw bytes; `/J#61vaScript` is `/JavaScript` (PDF allows #xx escapes in names)."""
    found = {m.group(1).decode().lower() for m in _ACTIVE.finditer(data)}
    for count, match in enumerate(_ESCAPED_NAME.finditer(data)):
        if count >= MAX_PDF_ESCAPED_NAMES:
            raise UploadRejected(f"{name} hides an unusual number of names in escape codes; it cannot be accepted.")
        decoded = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0)) + b" "
        found |= {m.group(1).decode().lower() for m in _ACTIVE.finditer(decoded)}
    return found


def _inflated_streams(data: bytes) -> list[bytes]:
    """Flate streams inflated (object streams hide dictionaries there), bounded in total; one linear pass."""
    out, budget, at = [], MAX_PDF_INFLATED_BYTES, 0
    while budget > 0 and len(out) < MAX_PDF_STREAMS:
        start = data.find(b"stream", at)
        if start == -1:
            break
        end = data.find(b"endstream", start + 6)
        if end == -1:
            break
        at = end + 9
        body = data[start + 6:end].lstrip(b"\r\n")
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(body, budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        out.append(chunk)
    return out


def _walk_pdf(data: bytes) -> set[str]:
    """Active-content keys found by walking the parsed object tree (pypdf); empty if it cannot parse."""
    found: set[str] = set()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        stack: list = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        visited = 0
        while stack and visited < MAX_PDF_OBJECTS:
            obj = stack.pop()
            visited += 1
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                for k in obj:
                    bare = str(k).lstrip("/").lower()
                    if bare in _REASONS:
                        found.add(bare)
                if str(obj.get("/S", "")).lstrip("/").lower() in ("javascript", "launch"):
                    found.add(str(obj.get("/S")).lstrip("/").lower())
                stack.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read is still scanned byte by byte
        return found
    return found


def check_pdf(data: bytes, name: str) -> None:
    """Refuse a PDF with JavaScript, launch actions or embedded files, naming which."""
    if data.count(b" obj") > MAX_PDF_OBJECTS:
        raise UploadRejected(f"{name} has far more parts than a normal document; it cannot be accepted.")
    found = _active_names(data, name)
    for stream in _inflated_streams(data):
        found |= _active_names(stream, name)
    found |= _walk_pdf(data)
    if found:
        reasons = sorted({_REASONS[f] for f in found})
        raise UploadRejected(
            f"{name} {' and '.join(reasons)}, which we do not accept in a PDF. "
            "Print or export it to a new PDF without these and upload that."
        )


def check_document(stream: BinaryIO | bytes, *, name: str, max_bytes: int) -> CheckedDocument:
    """Accept a PDF, DOCX or XLSX up to `max_bytes`, judged by content; raise UploadRejected with the reason."""
    check_name(name)
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
        check_pdf(data, name)
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
