"""The award report laid out in parallel: independent sections in worker processes, joined with pypdf.

WeasyPrint lays out one document on one core. The award report's chapters (and each lot of
chapter 4) all start on a new page (`.chapter`, `.lot + .lot` in pdf.css), so each can be laid
out as a document of its own and gives exactly the pages it has inside the whole report. So:

1. `split_award_html(html)` cuts the rendered report at those page breaks into parts: the
   front (masthead, cover, contents) and the body parts (chapters; chapter 4 in groups of lots).
   Every part is a complete document with the same <head> (stylesheet, metadata) plus a small
   style block: the running strings the masthead and chapter headings would have carried onto
   its pages (reference, generation time, section title) are set on its <body>, its first page
   keeps the section title in the header, and the "Page X of Y" footer is left out (stamped later).
2. The body parts are laid out in `workers` forked processes (ProcessPoolExecutor, largest part
   first). A child gets an HTML string and returns PDF bytes: no ORM, no database, no template.
3. The front is laid out last, in this process, with the contents page's numbers written in as
   text (each worker reports the page every id of its part is on, so the section start pages are
   now known) instead of `target-counter()`, and its contents
   entries become links to those pages.
4. pypdf joins front and parts; "Page X of Y" is stamped on every page from a document of empty
   pages laid out with the same stylesheet (so the footer looks as before); the metadata (title,
   author, creation/modification dates from `generated_at`) and language come from the front.

The result has the same pages, page breaks, text, header/footer strings and contents numbers as
the single-process layout (tests/reports/test_pdf_parallel.py checks that page by page), and the
same input gives the same bytes. One exception: an audit trail longer than AUDIT_ROWS_PER_PART
entries is cut into several tables, each starting a new page (one long table was half the
report's layout time and finished last), so the appendix may have a part-filled page per cut
(1,500 entries: 50 pages instead of 49); every entry is still there, in sequence. What differs is layout-independent: each part embeds its own
font subsets (a somewhat larger file) and the PDF outline (bookmarks) is the parts' outlines in order.

A small report does not pay for process start-up: `should_parallelise` keeps it in one process
under `PARALLEL_MIN_HTML_CHARS`, and so does a process that may not fork (a daemonic process such
as a Celery prefork child, or a platform without fork).
"""

from __future__ import annotations

import html as html_lib
import io
import logging
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# Below this size (the 6-lot sample report is about 0.2 MB) forking workers costs more than it saves.
PARALLEL_MIN_HTML_CHARS = 400_000
# Lots of chapter 4 laid out together in one part: fewer, larger parts share stylesheet parsing.
LOTS_PER_PART = 3
# Audit entries laid out together in one part (a long audit trail is cut into tables of this many rows).
AUDIT_ROWS_PER_PART = 400
DEFAULT_WORKERS = 2

_CHAPTER = re.compile(r'<(?:section|nav) (?:id="(?P<id>[^"]+)" )?class="(?:toc )?chapter">')
_LOT = re.compile(r'<section class="lot" id="(?P<id>[^"]+)">')
_H1 = re.compile(r'<h1 class="section">(?P<title>.*?)</h1>', re.S)
_BODY = re.compile(r"<body[^>]*>")
_SPAN = r'<span class="{}">(?P<text>.*?)</span>'
_TOC_LINK = re.compile(r'<a href="#(?P<anchor>[^"]+)">')

# Parts: no footer (stamped after joining); the first page of a part keeps the section header.
_PART_STYLE = (
    "<style>@page { @bottom-right { content: none; } } "
    "@page :first { @top-right { content: string(doc-section); } }</style>"
)
_FRONT_STYLE = (
    "<style>@page { @bottom-right { content: none; } } "
    'nav.toc a::after { content: leader(".") attr(data-page); }</style>'
)
_STAMP_STYLE = (
    "<style>@page { @top-left { content: none; } @top-right { content: none; } @bottom-left { content: none; } } "
    ".stamp + .stamp { break-before: page; }</style>"
)


@dataclass
class Part:
    """One body part: a complete HTML document and the sections and lots (their ids) it holds."""

    html: str
    anchors: list[str] = field(default_factory=list)


@dataclass
class Split:
    head: str  # everything before <body ...>, without </head> handling: the document's own head
    body_tag: str
    front: str  # front body content (masthead, cover, contents)
    parts: list[Part]


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _document(head: str, style: str, body_tag: str, body: str, strings: dict[str, str]) -> str:
    declaration = ", ".join(f"{name} {_css_string(value)}" for name, value in strings.items() if value)
    tag = body_tag[:-1] + (f' style="string-set: {html_lib.escape(declaration)}">' if declaration else ">")
    return head.replace("</head>", style + "\n</head>", 1) + tag + body + "\n</body>\n</html>\n"


def split_award_html(html: str) -> Split | None:
    """The report cut at its forced page breaks, or None if it does not have the expected shape."""
    body_match = _BODY.search(html)
    end = html.rfind("</body>")
    if body_match is None or end < 0:
        return None
    head, body_tag, body = html[: body_match.start()], body_match.group(0), html[body_match.end() : end]
    chapters = list(_CHAPTER.finditer(body))
    if len(chapters) < 2 or chapters[0].group("id") is not None:  # the first is the contents (nav)
        return None
    ref = re.search(_SPAN.format("doc-ref"), body)
    generated = re.search(_SPAN.format("doc-generated"), body)
    if ref is None or generated is None:
        return None
    strings = {"doc-ref": _text(ref.group("text")), "doc-generated": _text(generated.group("text"))}
    starts = [m.start() for m in chapters[1:]] + [len(body)]
    front = body[: starts[0]]
    parts: list[Part] = []
    for match, start, stop in zip(chapters[1:], starts, starts[1:], strict=False):
        chunk = body[start:stop]
        title = _H1.search(chunk)
        section = _text(title.group("title")) if title else ""
        part_strings = strings | {"doc-section": section}
        lots = list(_LOT.finditer(chunk))
        audit = _split_audit(chunk)
        if audit:
            for index, piece in enumerate(audit):
                anchors = [match.group("id")] if index == 0 else []
                parts.append(Part(_document(head, _PART_STYLE, body_tag, piece, part_strings), anchors))
            continue
        if len(lots) <= LOTS_PER_PART:
            anchors = [match.group("id")] + [lot.group("id") for lot in lots]
            parts.append(Part(_document(head, _PART_STYLE, body_tag, chunk, part_strings), anchors))
            continue
        # Chapter 4: the heading with the first lots, then groups of lots in a section like the chapter's.
        groups = [lots[i : i + LOTS_PER_PART] for i in range(0, len(lots), LOTS_PER_PART)]
        opening = chunk[: _CHAPTER.match(chunk).end()]  # type: ignore[union-attr]
        for index, group in enumerate(groups):
            begin = 0 if index == 0 else group[0].start()
            finish = groups[index + 1][0].start() if index + 1 < len(groups) else len(chunk)
            piece = chunk[begin:finish]
            if index > 0:
                # Same enclosing section (so `.lot + .lot` and the chapter's styles apply), without its break.
                piece = opening.replace('class="chapter"', 'class=""', 1) + piece
            if index + 1 < len(groups):
                piece += "</section>"
            anchors = ([match.group("id")] if index == 0 else []) + [lot.group("id") for lot in group]
            parts.append(Part(_document(head, _PART_STYLE, body_tag, piece, part_strings), anchors))
    return Split(head=head, body_tag=body_tag, front=front, parts=parts)


def _split_audit(chunk: str) -> list[str]:
    """A long audit trail (more than AUDIT_ROWS_PER_PART entries) cut into tables of that many rows.

    The one long table is the slowest part to lay out (WeasyPrint's time grows faster than its length)
    and would be the last to finish, so it is cut; each piece starts a new page with the table's
    headings, i.e. up to one part-filled page per piece more than the one-process layout. Empty list:
    not cut.
    """
    start = chunk.find('<table class="audit">')
    body_start = chunk.find("<tbody>", start)
    body_end = chunk.rfind("</tbody>")
    if start < 0 or body_start < 0 or body_end < body_start:
        return []
    rows = re.findall(r"<tr>.*?</tr>", chunk[body_start + len("<tbody>") : body_end], re.S)
    if len(rows) <= AUDIT_ROWS_PER_PART:
        return []
    table_head = chunk[start : body_start + len("<tbody>")]
    opening = chunk[: _CHAPTER.match(chunk).end()].replace('class="chapter"', 'class=""', 1)  # type: ignore[union-attr]
    pieces = []
    for first in range(0, len(rows), AUDIT_ROWS_PER_PART):
        body = "\n".join(rows[first : first + AUDIT_ROWS_PER_PART])
        if first == 0:
            pieces.append(chunk[: body_start + len("<tbody>")] + body + "</tbody></table></section>")
        elif first + AUDIT_ROWS_PER_PART < len(rows):
            pieces.append(opening + table_head + body + "</tbody></table></section>")
        else:
            pieces.append(opening + table_head + body + chunk[body_end:])
    return pieces


def _front_html(split: Split, pages: dict[str, int]) -> str:
    def numbered(match: re.Match[str]) -> str:
        anchor = match.group("anchor")
        return f'<a href="#{anchor}" data-page="{pages.get(anchor, "")}">'

    nav_start = split.front.find('<nav class="toc chapter">')
    nav_end = split.front.find("</nav>", nav_start)
    front = split.front[:nav_start] + _TOC_LINK.sub(numbered, split.front[nav_start:nav_end]) + split.front[nav_end:]
    return _document(split.head, _FRONT_STYLE, split.body_tag, front, {})


def _render(html: str) -> bytes:
    """Worker: lay out one document (an HTML string) and return its PDF."""
    from reports.pdf import html_to_pdf

    return html_to_pdf(html)


def _render_part(html: str) -> tuple[bytes, dict[str, int]]:
    """Worker: lay out one part; its PDF and the page (1-based, within the part) each of its ids is on."""
    from weasyprint import HTML

    from reports.pdf import _fetcher

    document = HTML(string=html, url_fetcher=_fetcher(), base_url=None).render()
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return document.write_pdf(), anchors


def can_fork() -> bool:
    """Whether this process may start worker processes by forking."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not multiprocessing.current_process().daemon


def should_parallelise(html: str, workers: int | None) -> bool:
    """Parallel for a large report (or when the caller asks for more than one worker) in a process that may fork."""
    if workers is not None:
        return workers > 1 and can_fork()
    return min(DEFAULT_WORKERS, os.cpu_count() or 1) > 1 and len(html) >= PARALLEL_MIN_HTML_CHARS and can_fork()


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def _render_parts(pool: ProcessPoolExecutor, parts: list[Part]) -> list[tuple[bytes, dict[str, int]]]:
    """Every part laid out in the pool, largest first (so the long appendices do not finish last)."""
    order = sorted(range(len(parts)), key=lambda i: len(parts[i].html), reverse=True)
    futures = {i: pool.submit(_render_part, parts[i].html) for i in order}
    return [futures[i].result() for i in range(len(parts))]


def _stamp_html(split: Split, total: int) -> str:
    """`total` empty pages with only the "Page X of Y" footer, laid out with the report's stylesheet."""
    body = '<div class="stamp"></div>' * total
    return split.head.replace("</head>", _STAMP_STYLE + "\n</head>", 1) + split.body_tag + body + "</body></html>"


def _layout_front(split: Split, starts: dict[str, int], front_pages: int) -> Any:  # a weasyprint Document
    from weasyprint import HTML

    from reports.pdf import _fetcher

    for _ in range(3):  # the front's own length only shifts the numbers; settle it (normally at once)
        pages = {anchor: page + front_pages for anchor, page in starts.items()}
        document = HTML(string=_front_html(split, pages), url_fetcher=_fetcher(), base_url=None).render()
        if len(document.pages) == front_pages:
            break
        front_pages = len(document.pages)
    return document


def _front(split: Split, readers: list[Any], anchors: list[dict[str, int]]) -> tuple[Any, Any, dict[str, int]]:
    """The front laid out with the contents' page numbers written in; and each anchor's page in the whole report."""
    from pypdf import PdfReader

    # Where each anchor is, counting from the first body page (the front's length is added below).
    starts: dict[str, int] = {}
    offset = 0
    for reader, found in zip(readers, anchors, strict=True):
        for anchor, page in found.items():
            starts.setdefault(anchor, offset + page)
        offset += len(reader.pages)
    # The contents links point at anchors in other parts: WeasyPrint logs an error for each (its link is
    # dropped); they are added as links to the right pages below.
    weasy_log = logging.getLogger("weasyprint")
    level = weasy_log.level
    weasy_log.setLevel(logging.CRITICAL)
    try:
        document = _layout_front(split, starts, 2)
        front = PdfReader(io.BytesIO(document.write_pdf()))
    finally:
        weasy_log.setLevel(level)
    return front, document, {anchor: page + len(front.pages) for anchor, page in starts.items()}


def join_award_pdf(split: Split, workers: int, progress: Callable[[str], None] | None = None) -> bytes:
    """Lay out the parts in `workers` processes, then the front, and join them into one numbered PDF."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import NameObject

    with _pool(workers) as pool:
        rendered = _render_parts(pool, split.parts)
        readers = [PdfReader(io.BytesIO(data)) for data, _ in rendered]
        body_pages = sum(len(reader.pages) for reader in readers)
        # The footer stamp is laid out in a worker while this process lays out the front (2 pages, checked below).
        stamp_future = pool.submit(_render, _stamp_html(split, 2 + body_pages))
        front, document, pages = _front(split, readers, [anchors for _, anchors in rendered])
        stamp_data = stamp_future.result()
    total = len(front.pages) + body_pages
    if total != 2 + body_pages:
        stamp_data = _render(_stamp_html(split, total))
    if progress is not None:
        progress(f"Writing {total} pages")

    writer = PdfWriter()
    writer.append(front)
    for reader in readers:
        writer.append(reader)
    for page, footer in zip(writer.pages, PdfReader(io.BytesIO(stamp_data)).pages, strict=True):
        page.merge_page(footer)
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    # The contents entries link to the pages their sections start on.
    for index, page in enumerate(document.pages):
        boxes: dict[str, tuple[float, float, float, float]] = {}  # an entry's boxes (text, leader) as one rectangle
        for kind, target, (x, y, width, height), _box in page.links:
            if kind == "internal" and target in pages:
                left, top, right, bottom = boxes.get(target, (x, y, x + width, y + height))
                boxes[target] = (min(left, x), min(top, y), max(right, x + width), max(bottom, y + height))
        height_pt = float(writer.pages[index].mediabox.height)
        for target, (left, top, right, bottom) in boxes.items():  # CSS px from the top -> PDF points from the bottom
            rect = (left * 0.75, height_pt - bottom * 0.75, right * 0.75, height_pt - top * 0.75)
            writer.add_annotation(index, Link(rect=rect, target_page_index=pages[target] - 1))
    if front.metadata:
        writer.add_metadata({key: value for key, value in front.metadata.items()})
    language = front.trailer["/Root"].get("/Lang")
    if language is not None:
        writer._root_object[NameObject("/Lang")] = language
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
