"""Attachment text extraction on real files the tests make: PDF, DOCX, XLSX, XLS and the rest."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import docx
import openpyxl
import pytest
from office_files import (
    biff8_workbook,
    cjk_pdf,
    identity_pdf,
    ofd_document,
    ole_file,
    pptx_deck,
)

from checks.config import CheckSettings
from checks.model import CrawlData, Link, PageView
from checks.privacy import find_numbers, privacy_leak
from crawler.parsing import attachments as extract
from crawler.parsing.attachments import ExtractedText, cell_text, detect_format, extract_text
from xuncha.demo.files import docx_document, pdf_document, xls_placeholder

ID = "22030219900101123X"  # valid GB 11643 check character
MOBILE = "13812345678"
CARD = "6222021234567890128"  # Luhn-valid UnionPay number
AS_OF = date(2026, 11, 20)
LINE = f"关于公示张三同志身份证号{ID}的通知，联系电话{MOBILE}。"


def docx_with_table() -> bytes:
    document = docx.Document()
    document.add_paragraph("2026年度公益性岗位人员名单公示")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["姓名", "年份", "联系电话"], strict=True):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["李四", "2026", MOBILE], strict=True):
        cell.text = value
    document.add_paragraph(f"监督电话：0437-3221234，身份证号{ID}。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_workbook(float_mobile: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号", "手机", "补贴（元）", "发放日期"])
    sheet.append(["张三", ID, int(MOBILE), 2.5, datetime(2026, 3, 1)])
    workbook.create_sheet("说明").append(["身份证号以文本存储", None, "末列"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    if float_mobile:  # Excel writes some numbers in exponent form: 1.3812345678E10
        data = _rewrite(
            data, "xl/worksheets/sheet1.xml", f"<v>{MOBILE}</v>", "<v>1.3812345678E10</v>"
        )
    return data


def _rewrite(package: bytes, part: str, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                assert old.encode() in body
                body = body.replace(old.encode(), new.encode())
            target.writestr(info, body)
    return out.getvalue()


XLSX_TEXT = (
    "名单\n"
    "姓名\t身份证号\t手机\t补贴（元）\t发放日期\n"
    f"张三\t{ID}\t{MOBILE}\t2.5\t2026-03-01\n"
    "说明\n"
    "身份证号以文本存储\t\t末列"
)


def xls_workbook() -> bytes:
    rows = [
        ["姓名", "身份证号", "手机", "补贴（元）", "发放日期"],
        ["张三", ID, float(MOBILE), 2.5, ("date", 46082)],  # serial 46082 = 2026-03-01
    ]
    sheets = {"名单": rows, "说明": [["身份证号以文本存储", "", "末列"]]}
    return ole_file({"Workbook": biff8_workbook(sheets)})


PDF_CASES = [
    ("ucs2-cmap", cjk_pdf([[LINE]])),
    ("gbk-cmap", cjk_pdf([[LINE]], cmap="GBK-EUC-H")),
    ("identity-tounicode", identity_pdf([LINE])),
]


@pytest.mark.parametrize("body", [c[1] for c in PDF_CASES], ids=[c[0] for c in PDF_CASES])
def test_pdf_chinese_text_and_id_come_out(body):
    result = extract_text(body, "application/pdf", "https://a.gov.cn/u/1.pdf")
    assert result == ExtractedText(LINE, "pdf", None, False)
    assert find_numbers(result.text, AS_OF)["id_number"] == [ID]


def test_pdf_pages_and_bounds():
    body = cjk_pdf([["第一页" + MOBILE], ["第二页" + ID]])
    url = "https://a.gov.cn/u/2.pdf"
    whole = extract_text(body, None, url)
    assert whole is not None and whole.text == f"第一页{MOBILE}\n第二页{ID}"
    first = extract_text(body, None, url, max_pages=1)
    assert first is not None and (first.text, first.truncated) == (f"第一页{MOBILE}", True)
    short = extract_text(body, None, url, max_chars=5)
    assert short is not None
    assert (short.text, short.truncated, short.error) == ("第一页13", True, None)


FILES = [
    ("pdf", cjk_pdf([[LINE]]), "pdf"),
    ("docx", docx_with_table(), "docx"),
    ("xlsx", xlsx_workbook(), "xlsx"),
    ("xls", xls_workbook(), "xls"),
]


@pytest.mark.parametrize(("body", "fmt"), [f[1:] for f in FILES], ids=[f[0] for f in FILES])
@pytest.mark.parametrize("limit", [0, 7, 40])
def test_never_more_than_max_chars(body, fmt, limit):
    result = extract_text(body, None, "https://a.gov.cn/file", max_chars=limit)
    assert result is not None and result.format == fmt and result.error is None
    assert len(result.text) <= limit and result.truncated


def test_docx_paragraphs_and_table_cells_in_order():
    result = extract_text(docx_with_table(), None, "https://a.gov.cn/u/3.docx")
    assert result == ExtractedText(
        "2026年度公益性岗位人员名单公示\n"
        "姓名\t年份\t联系电话\n"
        f"李四\t2026\t{MOBILE}\n"
        f"监督电话：0437-3221234，身份证号{ID}。",
        "docx",
    )
    # Cells stay apart: the year and the phone never run together into one number.
    assert find_numbers(result.text, AS_OF) == {
        "id_number": [ID],
        "bank_card": [],
        "mobile": [MOBILE],
    }


_TEXT_BOX = (
    '<w:p xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>"
)


def test_docx_text_box_read_once():
    body = _rewrite(
        docx_with_table(),
        "word/document.xml",
        "<w:sectPr",
        _TEXT_BOX.format(text=f"联系人手机{MOBILE}") + "<w:sectPr",
    )
    result = extract_text(body, None, "https://a.gov.cn/u/3.docx")
    assert result is not None
    assert result.text.endswith(f"身份证号{ID}。\n联系人手机{MOBILE}")
    assert result.text.count(f"联系人手机{MOBILE}") == 1


def test_demo_portal_docx_reads():
    result = extract_text(docx_document(["第一段", "第二段"]), None, "https://a.gov.cn/a.docx")
    assert result == ExtractedText("第一段\n第二段", "docx")


@pytest.mark.parametrize("float_mobile", [False, True], ids=["int-mobile", "exponent-mobile"])
def test_xlsx_every_sheet_and_exact_numbers(float_mobile):
    result = extract_text(xlsx_workbook(float_mobile), None, "https://a.gov.cn/u/4.xlsx")
    assert result == ExtractedText(XLSX_TEXT, "xlsx")


def test_pptx_slides_in_order_paragraphs_and_table_cells():
    slides = [[f"第{n}页标题", f"第{n}页正文"] for n in range(1, 12)]  # slide10 after slide9
    slides[1] = ["2026年困难群众救助名单", f"张三 {ID}", f"联系电话 {MOBILE}"]
    result = extract_text(pptx_deck(slides), None, "https://a.gov.cn/u/下载.do?id=3")
    assert result is not None and (result.format, result.error) == ("pptx", None)
    lines = result.text.split("\n")
    assert lines[:5] == [
        "第1页标题",
        "第1页正文",
        "2026年困难群众救助名单",
        f"张三 {ID}",
        f"联系电话 {MOBILE}",
    ]
    assert lines[-4:] == ["第10页标题", "第10页正文", "第11页标题", "第11页正文"]


@pytest.mark.parametrize("listed", [True, False], ids=["pages-listed", "pages-found"])
def test_ofd_pages_in_document_order(listed):
    pages = [["关于公示名单的通知", f"张三 身份证号 {ID}"], ["第二页", f"电话 {MOBILE}"]]
    result = extract_text(ofd_document(pages, listed=listed), "application/octet-stream",
                          "https://a.gov.cn/u/P020261115.ofd")  # fmt: skip
    assert result is not None
    assert (result.format, result.error) == ("ofd", None)
    assert result.text.split("\n") == [
        "关于公示名单的通知", f"张三 身份证号 {ID}", "第二页", f"电话 {MOBILE}",
    ]  # fmt: skip
    found = find_numbers(result.text, AS_OF)
    assert (found["id_number"], found["mobile"]) == ([ID], [MOBILE])


def test_xls_reads_like_xlsx():
    result = extract_text(xls_workbook(), "application/vnd.ms-excel", "https://a.gov.cn/5.xls")
    assert result == ExtractedText(XLSX_TEXT, "xls")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        (220302199001011234, "220302199001011234"),  # an int keeps every digit
        (2.20302199001011e17, "2.20302199001011e+17"),  # a float past 15 digits invents none
        (2.5, "2.5"),
        (-3.0, "-3"),
        (True, "TRUE"),
        (None, ""),
        (datetime(2026, 3, 1), "2026-03-01"),
        (datetime(2026, 3, 1, 8, 30), "2026-03-01T08:30:00"),
        (date(2026, 3, 1), "2026-03-01"),
    ],
    ids=lambda v: repr(v)[:24],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


BROKEN = [
    ("encrypted-pdf", cjk_pdf([[LINE]], encrypt=True), "a.pdf", "pdf", "encrypted:"),
    ("garbage-pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "a.pdf", "pdf", "corrupt:"),
    ("cut-pdf", cjk_pdf([[LINE]])[:300], "a.pdf", "pdf", "corrupt:"),
    ("not-a-pdf", b"\x01\x02 binary", "a.pdf", "pdf", "corrupt:"),
    ("bad-zip-docx", b"PK\x03\x04" + b"\x00" * 64, "a.docx", "docx", "corrupt:"),
    ("cut-docx", docx_with_table()[:2000], "a.docx", "docx", "corrupt:"),
    ("cut-xlsx", xlsx_workbook()[:3000], "a.xlsx", "xlsx", "corrupt:"),
    ("demo-xls-placeholder", xls_placeholder(), "a.xls", "xls", "corrupt:"),
    (
        "encrypted-docx",
        ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x01" * 64}),
        "a.docx",
        "docx",
        "encrypted:",
    ),
    (
        "encrypted-xlsx-unnamed",
        ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x01" * 64}),
        "download?id=7",
        "ooxml",
        "encrypted:",
    ),
    (
        "legacy-doc",
        ole_file({"WordDocument": b"\xec\xa5" + bytes(600), "1Table": bytes(64)}),
        "a.doc",
        "doc",
        "unsupported:",
    ),
    (
        "wps",
        ole_file({"WordDocument": b"\xec\xa5" + bytes(600), "1Table": bytes(64)}),
        "a.wps",
        "wps",
        "unsupported:",
    ),
    (
        "et-without-workbook",
        ole_file({"WpsContent": bytes(64)}),
        "a.et",
        "et",
        "unsupported:",
    ),
    (
        "xls-stream-garbage",
        ole_file({"Workbook": b"\x09\x08" + bytes(100)}),
        "a.xls",
        "xls",
        "corrupt:",
    ),
    ("scanned-pdf", pdf_document(""), "a.pdf", "pdf", "unsupported: no extractable text"),
]


@pytest.mark.parametrize(
    ("body", "name", "fmt", "error"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_bad_files_give_an_error_not_an_exception(body, name, fmt, error):
    result = extract_text(body, None, f"https://a.gov.cn/u/{name}")
    assert result is not None
    assert (result.format, result.text) == (fmt, "")
    assert result.error is not None and result.error.startswith(error)


def test_zip_bomb_is_not_opened(monkeypatch):
    monkeypatch.setattr(extract, "MAX_UNZIPPED_BYTES", 10_000)
    result = extract_text(docx_with_table(), None, "https://a.gov.cn/u/b.docx")
    assert result == ExtractedText("", "docx", "too_large: the package unzips beyond the limit")


OTHER = [
    (
        "html-saved-as-xls",
        f"<html><body><table><tr><td>张三</td><td>{MOBILE}</td></tr></table>".encode(),
        "application/vnd.ms-excel",
        "a.xls",
        ExtractedText(f"张三 {MOBILE}", "html"),
    ),
    (
        "gbk-csv",
        f"姓名,手机\n张三,{MOBILE}\n".encode("gbk"),
        "text/csv",
        "a.csv",
        ExtractedText(f"姓名,手机\n张三,{MOBILE}", "csv"),
    ),
    ("utf8-txt", "公示\n名单".encode(), None, "a.txt", ExtractedText("公示\n名单", "txt")),
    ("png", b"\x89PNG\r\n\x1a\n" + bytes(40), "image/png", "a.png", None),
    ("html-page", b"<html><body>x</body></html>", "text/html", "a.html", None),
    ("plain-zip", b"PK\x05\x06" + bytes(18), "application/zip", "a.zip", None),
]


@pytest.mark.parametrize(
    ("body", "content_type", "name", "expected"),
    [o[1:] for o in OTHER],
    ids=[o[0] for o in OTHER],
)
def test_other_bodies(body, content_type, name, expected):
    assert extract_text(body, content_type, f"https://a.gov.cn/u/{name}") == expected


DETECT = [
    ("pdf-magic-beats-type-and-name", cjk_pdf([["x"]]), "application/msword", "a.doc", "pdf"),
    ("pdf-after-junk", b"\r\n" + cjk_pdf([["x"]]), "application/octet-stream", "get?id=1", "pdf"),
    ("docx-by-parts", docx_with_table(), "application/octet-stream", "get?id=1", "docx"),
    ("pptx-by-parts", pptx_deck([["x"]]), "application/octet-stream", "get?id=2", "pptx"),
    ("ofd-by-parts", ofd_document([["x"]]), None, "download.do", "ofd"),
    ("ofd-named", b"garbage", None, "a.OFD", "ofd"),
    ("xlsx-by-parts", xlsx_workbook(), None, "download.do", "xlsx"),
    ("xls-by-ole-stream", xls_workbook(), "application/octet-stream", "a.doc", "xls"),
    ("et-named", xls_workbook(), None, "a.et", "et"),
    ("type-names-pdf", b"garbage", "application/pdf; charset=utf-8", "f", "pdf"),
    ("escaped-extension", b"garbage", None, "%E5%90%8D%E5%8D%95.XLSX", "xlsx"),
    ("unknown", b"garbage", "application/octet-stream", "f.bin", None),
]


@pytest.mark.parametrize(
    ("body", "content_type", "name", "fmt"), [d[1:] for d in DETECT], ids=[d[0] for d in DETECT]
)
def test_detect_format(body, content_type, name, fmt):
    assert detect_format(body, content_type, f"https://a.gov.cn/{name}") == fmt


def test_attachment_text_feeds_the_privacy_check():
    article = "https://a.gov.cn/tzgg/t20261115_1.html"
    attachment = "https://a.gov.cn/tzgg/P020261115.pdf"
    extracted = extract_text(identity_pdf([LINE]), "application/pdf", attachment)
    assert extracted is not None
    data = CrawlData(
        "站",
        ("https://a.gov.cn/",),
        ("a.gov.cn",),
        datetime(2026, 11, 20),
        pages=(PageView(attachment, attachment, "attachment", 200, None, None, None, None, {}),),
        links=(Link(article, attachment, attachment, "a", "href", "attachment", "名单"),),
        texts={attachment: extracted.text},
    )
    findings = privacy_leak(data, CheckSettings(), AS_OF)
    assert [(f.subtype, f.url, f.page, f.evidence["examples"]) for f in findings] == [
        ("id_number", attachment, article, ["2203**********123X"]),
        ("mobile", attachment, article, ["138****5678"]),
    ]


def test_hostile_package_xml_expands_no_entity():
    """A billion-laughs OFD: the entities are not expanded (nor any external one fetched)."""
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "哈"}">' for n in range(9))
    page = (f'<?xml version="1.0"?><!DOCTYPE p [{laughs}<!ENTITY x SYSTEM "http://10.0.0.1/x">]>'
            '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:TextObject>'
            "<ofd:TextCode>&l8;&x;可见</ofd:TextCode></ofd:TextObject></ofd:Page>")  # fmt: skip
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as package:
        package.writestr("OFD.xml", "<OFD/>")
        package.writestr("Doc_0/Pages/Page_0/Content.xml", page)
    result = extract_text(body.getvalue(), None, "https://a.gov.cn/u/a.ofd")
    assert result is not None and result.format == "ofd"
    assert len(result.text) < 100 and "哈哈" not in result.text
