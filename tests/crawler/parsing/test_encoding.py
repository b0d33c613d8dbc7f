"""decode_body: which declarations are believed, on bytes generated here in GBK, GB18030, UTF-8."""

from __future__ import annotations

import codecs

import pytest

from crawler.parsing.encoding import DecodedBody, decode_body, decode_page

META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
META_CHARSET_GBK = '<meta charset="gbk">'
PAGE = (
    "<!DOCTYPE html><html><head>{meta}<title>政务公开</title></head><body>"
    "<h1>政务公开</h1><p>根据《中华人民共和国政府信息公开条例》，现将本机关2025年度"
    "政府信息公开工作情况报告如下。</p></body></html>"
)
SHORT = "<html><body><p>政务公开</p></body></html>"
# 𡇙 (U+211D9) and 䶮 (U+4DAE) exist in GB18030 (four-byte codes) but not in GBK.
GB18030_ONLY = "<html><body><p>𡇙与䶮</p></body></html>"

HEADERS = {
    "no-header": None,
    "header-latin1": "text/html; charset=ISO-8859-1",
    "header-utf8": "text/html; charset=utf-8",
    "header-gb2312": "text/html;charset=gb2312",
    "header-no-charset": "text/html",
}


@pytest.mark.parametrize("meta", ["", META_GB2312], ids=["no-meta", "meta-gb2312"])
@pytest.mark.parametrize("header", list(HEADERS.values()), ids=list(HEADERS))
def test_gbk_page_is_read_as_gb18030_whatever_the_server_claims(meta: str, header: str | None):
    page = PAGE.format(meta=meta)
    text, encoding = decode_body(page.encode("gbk"), header)
    assert (text, encoding) == (page, "gb18030")


CASES = [
    # (id, body, header, expected text, expected encoding)
    ("short-gbk-no-header", SHORT.encode("gbk"), None, SHORT, "gb18030"),
    (
        "short-gbk-latin1-header",
        SHORT.encode("gbk"),
        "text/html; charset=iso-8859-1",
        SHORT,
        "gb18030",
    ),
    (
        "short-gbk-us-ascii-header",
        SHORT.encode("gbk"),
        "text/html; charset=us-ascii",
        SHORT,
        "gb18030",
    ),
    ("utf8-page-wrong-gbk-header", SHORT.encode("utf-8"), "text/html; charset=GBK", SHORT, "utf-8"),
    (
        "utf8-page-stale-gbk-meta",
        (META_CHARSET_GBK + SHORT).encode("utf-8"),
        None,
        META_CHARSET_GBK + SHORT,
        "utf-8",
    ),
    (
        "utf8-page-no-declaration",
        PAGE.format(meta="").encode("utf-8"),
        None,
        PAGE.format(meta=""),
        "utf-8",
    ),
    (
        "gb18030-only-chars-gbk-header",
        GB18030_ONLY.encode("gb18030"),
        "text/html; charset=GBK",
        GB18030_ONLY,
        "gb18030",
    ),
    (
        "gb18030-only-chars-meta-gbk",
        (META_CHARSET_GBK + GB18030_ONLY).encode("gb18030"),
        None,
        META_CHARSET_GBK + GB18030_ONLY,
        "gb18030",
    ),
    (
        "gb18030-only-chars-undeclared",
        GB18030_ONLY.encode("gb18030"),
        None,
        GB18030_ONLY,
        "gb18030",
    ),
    (
        "utf8-bom-beats-gbk-header",
        codecs.BOM_UTF8 + SHORT.encode("utf-8"),
        "text/html; charset=gbk",
        SHORT,
        "utf-8",
    ),
    ("utf16le-bom", codecs.BOM_UTF16_LE + SHORT.encode("utf-16-le"), None, SHORT, "utf-16-le"),
    (
        "ascii-with-latin1-header",
        b"<p>hello</p>",
        "text/html; charset=ISO-8859-1",
        "<p>hello</p>",
        "cp1252",
    ),
    ("empty-body", b"", None, "", "utf-8"),
    # A body read up to a size limit may end inside a character: only the stub is replaced.
    (
        "utf8-cut-mid-character",
        SHORT.encode("utf-8")[:-19],
        None,
        "<html><body><p>政务公\ufffd",
        "utf-8",
    ),
    (
        "gbk-cut-mid-character",
        SHORT.encode("gbk")[:-19],
        None,
        "<html><body><p>政务公\ufffd",
        "gb18030",
    ),
    ("undecodable-bytes-replaced", b"<p>\x81\x20\xff</p>", None, "<p>\ufffd \ufffd</p>", "gb18030"),
]


@pytest.mark.parametrize(
    ("body", "header", "expected_text", "expected_encoding"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decode_body(body: bytes, header: str | None, expected_text: str, expected_encoding: str):
    assert decode_body(body, header) == (expected_text, expected_encoding)


def test_long_big5_page_is_not_forced_into_gb18030():
    page = (
        "<html><body><h1>政務公開</h1><p>根據《中華人民共和國政府資訊公開條例》，"
        "現將本機關年度政府資訊公開工作情況報告如下。</p></body></html>"
    )
    assert decode_body(page.encode("big5"), None) == (page, "big5hkscs")


# One character cut in the middle of the text: 机 loses its last UTF-8 byte (2 bytes left).
CUT_UTF8 = (
    PAGE.format(meta="")
    .encode("utf-8")
    .replace("现将本机关".encode(), "现将本".encode() + "机".encode()[:2], 1)
)
CUT_TEXT = PAGE.format(meta="").replace("现将本机关", "现将本\ufffd")
# A GBK page with one stray byte (0xFF is never part of a GBK or GB18030 character).
STRAY_GBK = (
    PAGE.format(meta="")
    .encode("gbk")
    .replace("现将".encode("gbk"), b"\xff" + "现将".encode("gbk"), 1)
)
STRAY_GBK_TEXT = PAGE.format(meta="").replace("现将", "\ufffd现将")

UTF8, GBK = "text/html; charset=utf-8", "text/html; charset=gbk"
NEARLY = [
    # (id, body, header, expected text, encoding, invalid bytes)
    ("utf8-declared-twice-cut-character",
     CUT_UTF8.replace(b"<head>", b'<head><meta charset="utf-8">'), UTF8,
     CUT_TEXT.replace("<head>", '<head><meta charset="utf-8">'), "utf-8", 2),
    ("utf8-undeclared-cut-character", CUT_UTF8, None, CUT_TEXT, "utf-8", 2),
    ("utf8-stale-gbk-header-cut-character", CUT_UTF8, GBK, CUT_TEXT, "utf-8", 2),
    ("gbk-declared-stray-byte", STRAY_GBK, GBK, STRAY_GBK_TEXT, "gb18030", 1),
    ("gbk-declared-utf8-stray-byte", STRAY_GBK, UTF8, STRAY_GBK_TEXT, "gb18030", 1),
    ("clean-utf8", PAGE.format(meta="").encode("utf-8"), None, PAGE.format(meta=""), "utf-8", 0),
    ("undecodable-bytes-counted", b"<p>\x81\x20\xff</p>", None, "<p>\ufffd \ufffd</p>", "gb18030",
     2),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "header", "expected_text", "expected_encoding", "invalid"),
    [case[1:] for case in NEARLY],
    ids=[case[0] for case in NEARLY],
)
def test_a_few_bad_bytes_are_replaced_and_counted(
    body: bytes, header: str | None, expected_text: str, expected_encoding: str, invalid: int
):
    assert decode_page(body, header) == DecodedBody(expected_text, expected_encoding, invalid)


@pytest.mark.parametrize("header", list(HEADERS.values()), ids=list(HEADERS))
def test_a_gbk_page_declared_utf8_is_far_from_nearly_utf8(header: str | None):
    decoded = decode_page(PAGE.format(meta="").encode("gbk"), header)
    assert (decoded.encoding, decoded.invalid_bytes) == ("gb18030", 0)


def test_a_nearly_utf8_page_beats_a_stale_gbk_meta_that_decodes_it_strictly():
    # Three-byte UTF-8 characters read as GB18030 byte pairs: this body is valid GB18030.
    body = '<meta charset="gbk"><p>政务政'.encode() + "政".encode()[:2] + "政公开</p>".encode()
    assert body.decode("gb18030")  # the stale declaration alone would win
    expected = DecodedBody('<meta charset="gbk"><p>政务政\ufffd政公开</p>', "utf-8", 2)
    assert decode_page(body, None) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<p>&#25919;&#21153;</p>", ("<p>&#25919;&#21153;</p>", "utf-8")),
        ("<p>政务</p>".encode("gbk"), ("<p>政务</p>", "gb18030")),
    ],
    ids=["ascii", "gbk"],
)
def test_a_utf16_claim_without_a_bom_is_not_believed(body: bytes, expected: tuple[str, str]):
    # Python's UTF-16 codec raises a bare UnicodeError on a body without a byte-order mark.
    assert decode_body(body, "text/html; charset=utf-16") == expected
