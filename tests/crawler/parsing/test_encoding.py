"""decode_body: which declarations are believed, on bytes generated here in GBK, GB18030, UTF-8."""

from __future__ import annotations

import codecs

import pytest

from crawler.parsing.encoding import decode_body

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
