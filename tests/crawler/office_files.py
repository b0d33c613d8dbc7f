"""Real attachment files built byte by byte, for formats no maintained Python library writes.

- PDFs with Chinese text in the ways Chinese PDFs carry it: the standard Adobe-GB1 font
  STSong-Light under the ``UniGB-UCS2-H`` and ``GBK-EUC-H`` CMaps (no font file needed: every
  reader knows the font), and an ``Identity-H`` font with a ``ToUnicode`` table and a
  compressed content stream, as Word and WPS write them.
- An OLE2 compound file (the container of .doc/.xls/.wps/.et and of password-protected
  .docx/.xlsx) with the streams given, and a BIFF8 workbook (.xls) to put in it: the format
  Excel 97–2003 writes and xlrd reads.
"""

from __future__ import annotations

import struct
import zlib

# -- PDF -------------------------------------------------------------------------------------


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _show(lines: list[bytes]) -> bytes:
    """A content stream showing each hex string on its own line."""
    shown = b" ".join(b"<%s> Tj 0 -20 Td" % line.hex().encode() for line in lines)
    return b"BT /F1 12 Tf 50 780 Td " + shown + b" ET"


def cjk_pdf(pages: list[list[str]], cmap: str = "UniGB-UCS2-H", encrypt: bool = False) -> bytes:
    """A PDF whose pages show the given lines in STSong-Light (Adobe-GB1, not embedded).

    ``cmap`` is ``UniGB-UCS2-H`` (text as UCS-2) or ``GBK-EUC-H`` (text as GBK bytes).
    ``encrypt`` adds a standard security handler whose user password is not empty, so no
    reader can open the file without it."""
    codec = {"UniGB-UCS2-H": "utf-16-be", "GBK-EUC-H": "gbk"}[cmap]
    count = len(pages)
    first_page = 6  # objects 1-5: catalog, pages, font, descendant, descriptor
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(count)), count),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s "
        b"/DescendantFonts [4 0 R] >>" % cmap.encode(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor 5 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    for index, lines in enumerate(pages):
        contents = first_page + 2 * index + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % contents
        )
        objects.append(_stream(_show([line.encode(codec) for line in lines])))
    extra = b""
    if encrypt:
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
            b"/O <%s> /U <%s> >>" % ((b"4f" * 32), (b"55" * 32))
        )
        extra = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (len(objects), b"ab" * 16, b"ab" * 16)
    return _pdf(objects, extra)


def identity_pdf(lines: list[str]) -> bytes:
    """A PDF in the shape Word and WPS export: an ``Identity-H`` font whose codes are glyph
    numbers, a ``ToUnicode`` CMap from those numbers back to text, a compressed content
    stream."""
    glyphs: dict[str, int] = {}
    for char in "".join(lines):
        glyphs.setdefault(char, len(glyphs) + 1)
    encoded = [b"".join(glyphs[c].to_bytes(2, "big") for c in line) for line in lines]
    entries = b"\n".join(
        b"<%04X> <%s>" % (gid, char.encode("utf-16-be").hex().upper().encode())
        for char, gid in glyphs.items()
    )
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        b"%d beginbfchar\n%s\nendbfchar\n"
        b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend" % (len(glyphs), entries)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        _stream(_show(encoded), compress=True),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 6 "
        b"/FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 "
        b"/CapHeight 859 /StemV 80 >>",
        _stream(to_unicode, compress=True),
    ]
    return _pdf(objects)


# -- OLE2 compound file ----------------------------------------------------------------------

_SECTOR = 512
_FREE, _END, _FAT_SECTOR, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(
    name: str, kind: int, start: int = _END, size: int = 0, child: int = _NONE, right=_NONE
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", _NONE, right, child)  # left sibling, right sibling, child
        + bytes(16 + 4 + 8 + 8)  # CLSID, state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (at most three), each padded to the
    4096-byte mini-stream cutoff so that every stream lives in ordinary sectors."""
    assert 1 <= len(streams) <= 3
    padded = {
        name: data.ljust(max(4096, -(-len(data) // _SECTOR) * _SECTOR), b"\0")
        for name, data in streams.items()
    }
    fat = [_FAT_SECTOR, _END]  # sector 0: the FAT; sector 1: the directory
    entries = []
    names = sorted(padded, key=lambda n: (len(n), n.upper()))  # the order siblings keep
    for position, name in enumerate(names):
        start = len(fat)
        count = len(padded[name]) // _SECTOR
        fat += [start + i + 1 for i in range(count - 1)] + [_END]
        right = position + 2 if position + 1 < len(names) else _NONE
        entries.append(_directory_entry(name, 2, start, len(padded[name]), right=right))
    assert len(fat) <= _SECTOR // 4
    root = _directory_entry("Root Entry", 5, child=1)
    directory = (root + b"".join(entries)).ljust(_SECTOR, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", _FREE) * 108
    )
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(_SECTOR, b"\xff")
    return header + fat_sector + directory + b"".join(padded[name] for name in names)


# -- BIFF8 workbook (.xls) -------------------------------------------------------------------


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def _xf(format_key: int) -> bytes:
    return _record(0x00E0, struct.pack("<HHH", 0, format_key, 0) + bytes(14))


def _unicode(text: str, length_bytes: int = 2) -> bytes:
    size = struct.pack("<H" if length_bytes == 2 else "<B", len(text))
    return size + b"\x01" + text.encode("utf-16-le")


def biff8_workbook(sheets: dict[str, list[list[str | int | float | tuple[str, float]]]]) -> bytes:
    """The ``Workbook`` stream of an .xls: each cell a string (shared-string table), an int
    or float (NUMBER, general format), or a ``("date", serial)`` pair (date format 14)."""
    strings: list[str] = []
    for rows in sheets.values():
        for row in rows:
            strings += [v for v in row if isinstance(v, str) and v not in strings]
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(map(_unicode, strings))

    bodies = []
    for rows in sheets.values():
        cells = b""
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    cells += _record(0x00FD, struct.pack("<HHHI", r, c, 0, strings.index(value)))
                elif isinstance(value, tuple):
                    cells += _record(0x0203, struct.pack("<HHHd", r, c, 1, float(value[1])))
                else:
                    cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
        bodies.append(_bof(0x0010) + cells + _record(0x000A))

    def globals_(offsets: list[int]) -> bytes:
        sheets_ = b"".join(
            _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _unicode(name, 1))
            for offset, name in zip(offsets, sheets, strict=True)
        )
        return (
            _bof(0x0005)
            + _record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
            + _record(0x0022, struct.pack("<H", 0))  # DATEMODE: 1900 system
            + _xf(0)
            + _xf(14)
            + sheets_
            + _record(0x00FC, sst)
            + _record(0x000A)
        )

    head = len(globals_([0] * len(sheets)))
    offsets, position = [], head
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return globals_(offsets) + b"".join(bodies)


# -- PPTX and OFD (zips of XML) -----------------------------------------------------------------

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def pptx_deck(slides: list[list[str]]) -> bytes:
    """A PowerPoint package with the part names PowerPoint writes: each slide a text box of
    paragraphs, the last line of each slide in a one-cell table."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        package.writestr("ppt/presentation.xml", f'<p:presentation xmlns:p="{_P}"/>')
        for number, lines in enumerate(slides, start=1):
            paragraphs = "".join(
                f"<a:p><a:r><a:t>{escape(line[: len(line) // 2])}</a:t></a:r>"
                f"<a:r><a:t>{escape(line[len(line) // 2 :])}</a:t></a:r></a:p>"
                for line in lines[:-1]
            )
            table = (
                (
                    f"<a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>{escape(lines[-1])}</a:t>"
                    "</a:r></a:p></a:txBody></a:tc></a:tr></a:tbl>"
                )
                if lines
                else ""
            )
            package.writestr(
                f"ppt/slides/slide{number}.xml",
                f'<p:sld xmlns:p="{_P}" xmlns:a="{_A}"><p:cSld><p:spTree><p:sp><p:txBody>'
                f"{paragraphs}</p:txBody></p:sp><p:graphicFrame><a:graphic><a:graphicData>"
                f"{table}</a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>",
            )
    return out.getvalue()


_OFD = "http://www.ofdspec.org/2016"


def ofd_document(pages: list[list[str]], *, listed: bool = True) -> bytes:
    """An OFD (GB/T 33190) as Chinese office suites write it: OFD.xml names Doc_0/Document.xml,
    which lists Pages/Page_N/Content.xml; each line a TextObject split over two TextCodes.
    `listed` off: Document.xml lists no page (the reader must find them itself). The pages are
    listed in reverse file order, so the document's order is what is read."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "OFD.xml",
            f'<ofd:OFD xmlns:ofd="{_OFD}" Version="1.0"><ofd:DocBody>'
            "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        order = list(range(len(pages)))
        page_list = "".join(
            f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in order
        )
        package.writestr(
            "Doc_0/Document.xml",
            f'<ofd:Document xmlns:ofd="{_OFD}"><ofd:CommonData/>'
            f"<ofd:Pages>{page_list if listed else ''}</ofd:Pages></ofd:Document>",
        )
        for index in reversed(order):  # written last page first: the zip's order is not the text's
            objects = "".join(
                f'<ofd:TextObject ID="{index * 100 + n}" Boundary="0 0 100 10" Font="1" Size="3">'
                f'<ofd:TextCode X="0" Y="3">{escape(line[:3])}</ofd:TextCode>'
                f'<ofd:TextCode X="9" Y="3">{escape(line[3:])}</ofd:TextCode></ofd:TextObject>'
                for n, line in enumerate(pages[index])
            )
            package.writestr(
                f"Doc_0/Pages/Page_{index}/Content.xml",
                f'<ofd:Page xmlns:ofd="{_OFD}"><ofd:Content><ofd:Layer ID="1">'
                f"{objects}</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return out.getvalue()
