"""The text inside an attachment (附件): PDF, Word, Excel and plain text, for the content checks.

Pure and bounded: bytes in, at most ``max_chars`` characters out, no I/O, and never an
exception for a bad file — a corrupt, encrypted or unreadable document comes back as
``ExtractedText`` with an ``error`` (``"<code>: <detail>"``, code one of ``corrupt``,
``encrypted``, ``unsupported``, ``too_large``) and whatever text was read before the failure.
``None`` means the body is no document format at all (an image, an archive, an HTML page).

The format is taken from the bytes first (``%PDF``, the OOXML zip parts, the OLE2 directory
entry names) and only then from the content type and the URL's extension, because portals
serve ``application/octet-stream`` for everything and name HTML tables ``.xls``.

Readers: pdfminer.six for PDF (it maps Adobe-GB1 CIDs to Unicode with its bundled CMaps, so
Chinese text in PDFs without a ToUnicode table still comes out; pypdf returned garbage there),
python-docx for DOCX (paragraphs, tables and text boxes, in document order), openpyxl for XLSX
and xlrd for legacy XLS (every sheet, cells as an inspector reads them: ``13812345678``, not
``1.38e10``), and the XML of the package itself for PPTX (each slide's paragraphs) and OFD
(GB/T 33190 版式文档: each page's TextCode, in the order its document lists the pages). Legacy
Word (DOC/WPS) and PowerPoint have no maintained pure-Python reader on PyPI: they come back as
``unsupported`` so a run can say which attachments it could not read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from crawler.parsing.document import parse_html, visible_text
from crawler.parsing.encoding import decode_body

MAX_CHARS = 500_000
MAX_PDF_PAGES = 500
# Decompressed size of an OOXML package we are willing to open: a zip bomb stops here.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024

# pdfminer reports every odd font descriptor at WARNING; a crawl of real PDFs would drown in it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class ExtractedText:
    """What an attachment says. ``format``: pdf | docx | xlsx | xls | doc | wps | ppt | pptx |
    et | dps | txt | csv | html (an HTML page saved as .doc/.xls)."""

    text: str
    format: str
    error: str | None = None
    truncated: bool = False


class _Full(Exception):
    """The text budget is spent: stop reading."""


class _Budget:
    """Collects text up to ``limit`` characters, then raises ``_Full``."""

    def __init__(self, limit: int) -> None:
        self.limit = max(0, limit)
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, text: str) -> None:
        room = self.limit - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            self.size = self.limit
            self.truncated = True
            raise _Full
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts)


# -- format detection ------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
    "OFD.xml": "ofd",  # GB/T 33190 版式文档: a zip whose entry point is OFD.xml
}
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.ms-works": "wps",
    "application/kswps": "wps",
    "application/kset": "et",
    "application/ofd": "ofd",
    "text/plain": "txt",
    "text/csv": "csv",
}
_EXTENSIONS = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "txt", "csv",
}  # fmt: skip
_PACKAGES = ("docx", "xlsx", "pptx", "ofd")  # zips: their unzipped size is checked first
_LEGACY = {"doc", "xls", "ppt", "wps", "et", "dps"}
_TEXT_FORMATS = {"txt", "csv"}


def _declared_format(content_type: str | None, url: str) -> str | None:
    """The format the server's Content-Type or, failing that, the URL's extension names."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _CONTENT_TYPES:
        return _CONTENT_TYPES[media]
    path = unquote(urlsplit(url).path).lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return extension if extension in _EXTENSIONS else None


def _ole_has_stream(body: bytes, name: str) -> bool:
    """Whether an OLE2 compound file has a directory entry called ``name``.

    Directory entries are 128-byte records, aligned to 128 in the file, that start with the
    UTF-16LE name and carry its byte length (terminator included) at offset 64; matching all
    three keeps document text that happens to spell the name from counting.
    """
    needle = (name + "\0").encode("utf-16-le")
    size = len(needle).to_bytes(2, "little")
    start = body.find(needle)
    while start != -1:
        if start % 128 == 0 and body[start + 64 : start + 66] == size:
            return True
        start = body.find(needle, start + 1)
    return False


def _has_workbook(body: bytes) -> bool:
    return _ole_has_stream(body, "Workbook") or _ole_has_stream(body, "Book")


def _ole_format(body: bytes, declared: str | None) -> str:
    if _ole_has_stream(body, "EncryptedPackage"):
        return declared if declared in ("docx", "xlsx", "pptx") else "ooxml"
    if _ole_has_stream(body, "WordDocument"):
        return declared if declared == "wps" else "doc"
    if _has_workbook(body):
        return declared if declared == "et" else "xls"
    if _ole_has_stream(body, "PowerPoint Document"):
        return declared if declared == "dps" else "ppt"
    return declared if declared in _LEGACY else "ole"


def _zip_format(body: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    return next((fmt for part, fmt in _OOXML_MAIN_PARTS.items() if part in names), "zip")


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<meta", b"<table", b"<head"))


def detect_format(body: bytes, content_type: str | None, url: str) -> str | None:
    """The document format of ``body``: its magic bytes first, then Content-Type and extension.

    ``None`` for what is no document: an image, an archive, an HTML page served as HTML."""
    declared = _declared_format(content_type, url)
    if b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(_OLE_MAGIC):
        return _ole_format(body, declared)
    if body.startswith(b"PK\x03\x04"):
        found = _zip_format(body)
        if found == "zip" and declared in _PACKAGES:
            return declared  # a damaged package: let its reader say what is wrong
        return None if found == "zip" else found
    if declared in _LEGACY and _looks_like_html(body):
        return "html"  # 网页格式 saved as .doc, or an HTML table exported as .xls
    return declared


# -- readers ---------------------------------------------------------------------------------


def _pdf(body: bytes, out: _Budget, max_pages: int) -> None:
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(body)), password="")
    resources = PDFResourceManager(caching=True)
    sink = io.StringIO()
    device = TextConverter(resources, sink, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    try:
        for number, page in enumerate(PDFPage.create_pages(document)):
            if number >= max_pages:
                out.truncated = True
                return
            interpreter.process_page(page)
            out.add(sink.getvalue())
            sink.seek(0)
            sink.truncate()
    finally:
        device.close()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx(body: bytes, out: _Budget) -> None:
    """Every block of the body in document order: paragraphs (text boxes included) one a line,
    table rows one a line with cells tab-separated, so numbers in adjacent cells never run
    together."""
    import docx

    for block in docx.Document(io.BytesIO(body)).element.body:
        out.add(_flat(block))


def _flat(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str) or tag == _MC_FALLBACK:
        return ""  # a comment, or the same text box again for older readers
    if tag == _W + "t":
        return str(element.text or "")
    if tag == _W + "tab":
        return "\t"
    if tag in (_W + "br", _W + "cr"):
        return "\n"
    if tag == _W + "tr":
        cells = (" ".join(_flat(cell).split()) for cell in element if cell.tag == _W + "tc")
        return "\t".join(cells) + "\n"
    inner = "".join(_flat(child) for child in element)
    return inner + "\n" if tag == _W + "p" else inner


def cell_text(value: Any) -> str:
    """A spreadsheet cell as a reader sees it: integral numbers without ``.0`` or an exponent
    (a mobile stored as a number is ``13812345678``), dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Beyond 15 significant digits Excel has already lost digits: do not invent them.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _add_row(out: _Budget, values: list[str]) -> None:
    while values and not values[-1]:
        values.pop()
    if values:
        out.add("\t".join(values) + "\n")


def _xlsx(body: bytes, out: _Budget) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            out.add(f"{sheet.title}\n")
            for row in sheet.iter_rows(values_only=True):
                _add_row(out, [cell_text(value) for value in row])
    finally:
        workbook.close()


def _xls(body: bytes, out: _Budget) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            out.add(f"{sheet.name}\n")
            for row in range(sheet.nrows):
                _add_row(out, [_xls_cell(book, cell) for cell in sheet.row(row)])
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _xls_cell(book: Any, cell: Any) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return ""
    return cell_text(cell.value)


# XML from a hostile package: no entities expanded, no DTD or network fetched, no huge trees.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_OFD_PAGE = re.compile(r"Page_?(\d+)", re.IGNORECASE)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _pptx(body: bytes, out: _Budget) -> None:
    """Each slide's text in slide order, a line per paragraph (text boxes and table cells)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        slides = sorted(
            (int(match.group(1)), name)
            for name in archive.namelist()
            if (match := _SLIDE.fullmatch(name))
        )
        for _, name in slides:
            root = etree.fromstring(archive.read(name), _XML)
            for paragraph in root.iter(f"{_DRAWING}p"):
                line = "".join(t.text or "" for t in paragraph.iter(f"{_DRAWING}t"))
                if line.strip():
                    out.add(line + "\n")


def _ofd(body: bytes, out: _Budget) -> None:
    """An OFD's text page by page: the TextCode of each TextObject, a line per object. The
    pages are those its documents list (OFD.xml → Document.xml → Pages), else every page's
    Content.xml in page order."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = set(archive.namelist())
        for page in _ofd_pages(archive, names):
            root = etree.fromstring(archive.read(page), _XML)
            for element in root.iter():
                if _local(element.tag) == "TextObject":
                    line = "".join(code.text or "" for code in element.iter()
                                   if _local(code.tag) == "TextCode")  # fmt: skip
                    if line.strip():
                        out.add(line + "\n")


def _ofd_pages(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    listed: list[str] = []
    entry = etree.fromstring(archive.read("OFD.xml"), _XML)
    for root_node in entry.iter():
        document = (root_node.text or "").strip().lstrip("/")
        if _local(root_node.tag) != "DocRoot" or not document:
            continue
        if document not in names:
            continue
        folder = document.rsplit("/", 1)[0] + "/" if "/" in document else ""
        tree = etree.fromstring(archive.read(document), _XML)
        for page in tree.iter():
            location = page.get("BaseLoc") if _local(page.tag) == "Page" else None
            if location:
                path = location.lstrip("/") if location.startswith("/") else folder + location
                listed.append(path if path in names else "")
    listed = [path for path in listed if path]
    if listed:
        return listed
    contents = [
        name for name in names if name.lower().endswith("content.xml") and "pages/" in name.lower()
    ]
    return sorted(
        contents, key=lambda name: int(m.group(1)) if (m := _OFD_PAGE.search(name)) else 0
    )


def _plain(body: bytes, content_type: str | None, out: _Budget) -> None:
    text, _ = decode_body(body, content_type)
    out.add(text)


def _html(body: bytes, content_type: str | None, url: str, out: _Budget) -> None:
    text, _ = decode_body(body, content_type)
    out.add(visible_text(parse_html(text, url), limit=out.limit + 1))


# -- the entry point -------------------------------------------------------------------------

_UNSUPPORTED = {
    "doc": "legacy Word (.doc) has no maintained Python reader",
    "wps": "WPS 文字 (.wps) has no maintained Python reader",
    "ppt": "legacy PowerPoint (.ppt) has no maintained Python reader",
    "dps": "WPS 演示 (.dps) has no maintained Python reader",
    "ole": "an OLE2 file of unknown kind",
}
_ENCRYPTION_HINTS = ("encrypt", "password", "decrypt")


def _unzipped_size(body: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _failure(error: Exception) -> str:
    name = type(error).__name__
    detail = " ".join(str(error).split())[:200]
    if any(hint in (name + " " + detail).lower() for hint in _ENCRYPTION_HINTS):
        return f"encrypted: {detail or name}"
    return f"corrupt: {name}: {detail}" if detail else f"corrupt: {name}"


def extract_text(
    body: bytes,
    content_type: str | None,
    url: str,
    *,
    max_chars: int = MAX_CHARS,
    max_pages: int = MAX_PDF_PAGES,
) -> ExtractedText | None:
    """The text of an attachment, at most ``max_chars`` characters (and ``max_pages`` PDF
    pages); see the module docstring for formats and errors."""
    fmt = detect_format(body, content_type, url)
    if fmt is None:
        return None
    if fmt in _UNSUPPORTED:
        return ExtractedText("", fmt, f"unsupported: {_UNSUPPORTED[fmt]}")
    if fmt == "ooxml" or (body.startswith(_OLE_MAGIC) and fmt in ("docx", "xlsx", "pptx")):
        return ExtractedText("", fmt, "encrypted: password-protected Office document")
    if fmt in ("xls", "et") and body.startswith(_OLE_MAGIC) and not _has_workbook(body):
        if fmt == "et":  # WPS 表格 also writes a format of its own under the same name
            return ExtractedText("", fmt, "unsupported: a WPS 表格 file in WPS's own format")
        return ExtractedText("", fmt, "corrupt: no Excel workbook in the OLE2 file")
    out = _Budget(max_chars)
    error = None
    try:
        if fmt in _PACKAGES and _unzipped_size(body) > MAX_UNZIPPED_BYTES:
            return ExtractedText("", fmt, "too_large: the package unzips beyond the limit")
        if fmt == "pdf":
            _pdf(body, out, max_pages)
        elif fmt == "docx":
            _docx(body, out)
        elif fmt == "xlsx":
            _xlsx(body, out)
        elif fmt in ("xls", "et"):
            _xls(body, out)
        elif fmt == "pptx":
            _pptx(body, out)
        elif fmt == "ofd":
            _ofd(body, out)
        elif fmt == "html":
            _html(body, content_type, url, out)
        elif fmt in _TEXT_FORMATS:
            _plain(body, content_type, out)
        else:
            return None
    except _Full:
        pass
    except Exception as exc:  # noqa: BLE001 — any reader failure on hostile bytes is a finding
        error = _failure(exc)
    text = out.text()
    if fmt == "pdf" and error is None and not out.truncated and not text.strip():
        error = "unsupported: no extractable text (a scanned image, or fonts without a Unicode map)"
    return ExtractedText(_tidy(text), fmt, error, out.truncated)


_BLANK_RUNS = re.compile(r"\n[ \t\f\v]*(?:\n[ \t\f\v]*)+")


def _tidy(text: str) -> str:
    """Form feeds and runs of blank lines squeezed; lines keep their own spacing."""
    return _BLANK_RUNS.sub("\n", text.replace("\x0c", "\n")).strip()
