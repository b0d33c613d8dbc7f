"""Hostile pages through a real crawl: a loopback portal serves the bytes and markup old CMS
pages really carry, and the run must still read what a visitor reads.

- A UTF-8 article, declared UTF-8 in its header and its ``<meta>``, with one character cut in
  the middle of its text (one stray byte): it is read as UTF-8, the bad bytes replaced and
  counted (``page.meta["invalid_bytes"]``, a crawl note of the run report), not as GB18030
  mojibake that hides its 严重表述错误 and garbles its attachment's URL.
- An article whose 300 ``<div>``, ``<font>`` and ``<b>`` are never closed (libxml2 stops at
  depth 255 by default): the link and the ID number below them are still found.
"""

# ruff: noqa: E501  (HTML fixtures keep one element per line)

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pytest
from loopback import Reply, Routes, Server
from sqlalchemy import select

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Page, Store

AS_OF = date(2026, 11, 26)
# A Chinese file name: asked for as percent-encoded UTF-8 (read as GB18030, the name is garbled).
ATTACHMENT = quote("/zwgk/tzgg/附件1-实施方案.docx")
ID_NUMBER = "220402199003151231"  # fictional, valid checksum (the demo's)
TITLE = "关于开展2026年度政务公开工作的通知"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


HOME = _page(
    "示范县人民政府", '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
)
SECTION = _page("政务公开", "<ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul>")
LISTING = _page(
    "通知公告",
    "<h2>通知公告</h2><ul class='list'>"
    "<li><a href='cut.html'>关于开展2026年度政务公开工作的通知</a><span>2026-11-02</span></li>"
    "<li><a href='deep.html'>关于公布2026年人员招聘结果的公示</a><span>2026-11-03</span></li>"
    "<li><a href='plain.html'>关于召开工作会议的通知</a><span>2026-11-04</span></li>"
    "<li><a href='abyss.html'>关于印发会议纪要的通知</a><span>2026-11-05</span></li>"
    "<li><a href='utf16.html'>关于调整办公时间的通知</a><span>2026-11-06</span></li>"
    "</ul>",
)
PLAIN = _page(
    "关于召开工作会议的通知", "<h1>关于召开工作会议的通知</h1><p>定于下周召开工作会议。</p>"
)
# One cut character: 政 loses its last UTF-8 byte, the text goes on.
CUT = (
    _page(
        TITLE,
        f"<h1>{TITLE}</h1><p>根据《中华人民共合国政府信息公开条例》和政务公开要点，现将有关事项通知如下。</p>"
        '<p>附件：<a href="附件1-实施方案.docx">附件1-实施方案.docx</a></p><p>某县人民政府办公室</p>',
    )
    .encode()
    .replace("和政务".encode(), "和".encode() + "政".encode()[:2] + "务".encode(), 1)
)
DEEP = _page(
    "关于公布2026年人员招聘结果的公示",
    "<h1>关于公布2026年人员招聘结果的公示</h1>"
    + "<div><font><b>" * 100  # 300 tags never closed, as an old CMS template leaves them
    + "<p>拟聘用人员：张某，性别：男，<a href='result.html'>详见名单</a></p>"
    + f"<p>身份证号码：{ID_NUMBER}</p>",
)
RESULT = _page("招聘结果名单", "<h1>招聘结果名单</h1><p>名单见上。</p>")
# A page of ASCII bytes (its Chinese written as character references, as some CMS do) that its
# server calls UTF-16, with no byte-order mark: Python's UTF-16 codec raises a bare
# UnicodeError there, which once escaped decoding and lost the page.
UTF16_CLAIMED = Reply(
    body=_page(
        "关于调整办公时间的通知",
        "<h1>关于调整办公时间的通知</h1><a href='hours.html'>作息时间表</a>",
    ).encode("ascii", errors="xmlcharrefreplace"),
    content_type="text/html; charset=utf-16",
)
# Deeper than any parser limit lifted (libxml2 stops at 2048 even so): cut, and said so.
ABYSS = _page(
    "关于印发会议纪要的通知",
    "<h1>关于印发会议纪要的通知</h1>"
    + "<div>" * 2100
    + "<p>联系人身份证号码：110101199003077774</p>",
)


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, Any], Server, dict[str, Page], Path]]:
    work = tmp_path_factory.mktemp("hostile")
    routes = Routes(
        {
            "/": HOME,
            "/zwgk/": SECTION,
            "/zwgk/tzgg/": LISTING,
            "/zwgk/tzgg/plain.html": PLAIN,
            "/zwgk/tzgg/cut.html": Reply(body=CUT),
            "/zwgk/tzgg/deep.html": DEEP,
            "/zwgk/tzgg/result.html": RESULT,
            "/zwgk/tzgg/abyss.html": ABYSS,
            "/zwgk/tzgg/utf16.html": UTF16_CLAIMED,
            "/zwgk/tzgg/hours.html": RESULT,
            ATTACHMENT: Reply(
                body=b"PK\x03\x04 not a real docx", content_type="application/octet-stream"
            ),
        }
    )
    server = Server(routes, methods=("GET",)).start()
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [server.url("/")],
            "politeness": {"concurrent_per_host": 2, "delay": 0.0, "autothrottle": False},
        }
    )
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out", progress="off")
        assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        with store.session() as session:
            pages = {p.url: p for p in session.scalars(select(Page))}
            session.expunge_all()
        yield document, server, pages, work / "out" / "report.html"
    finally:
        server.stop()
        store.dispose()


def _findings(document: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["check"] == check]


def test_a_cut_character_does_not_turn_a_utf8_page_into_mojibake(crawled):
    document, server, pages, _ = crawled
    page = pages[server.url("/zwgk/tzgg/cut.html")]
    assert (page.title, page.encoding) == (TITLE, "utf-8")
    assert page.meta["invalid_bytes"] == 2
    wording = [
        (f["severity"], f["url"], f["evidence"].get("wrong"))
        for f in _findings(document, "wording_error")
    ]
    assert ("high", server.url("/zwgk/tzgg/cut.html"), "中华人民共合国") in wording


def test_the_cut_pages_attachment_is_asked_under_its_own_url_and_not_broken(crawled):
    document, server, _, _ = crawled
    asked = [r.path for r in server.requests if "docx" in r.path]
    assert (
        asked
        == [ATTACHMENT]
        == ["/zwgk/tzgg/%E9%99%84%E4%BB%B61-%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.docx"]
    )
    assert _findings(document, "broken_link") == []


def test_content_below_300_unclosed_tags_is_read(crawled):
    document, server, pages, _ = crawled
    assert "/zwgk/tzgg/result.html" in [r.path for r in server.requests]
    leaks = [(f["subtype"], f["url"]) for f in _findings(document, "privacy_leak")]
    assert leaks == [("id_number", server.url("/zwgk/tzgg/deep.html"))]
    assert "truncated" not in pages[server.url("/zwgk/tzgg/deep.html")].meta


def test_an_ascii_page_claimed_utf16_is_read(crawled):
    _, server, pages, _ = crawled
    page = pages[server.url("/zwgk/tzgg/utf16.html")]
    assert (page.title, page.encoding) == ("关于调整办公时间的通知", "utf-8")
    assert "/zwgk/tzgg/hours.html" in [r.path for r in server.requests]


def test_a_page_nested_past_every_limit_is_noted_as_cut(crawled):
    _, server, pages, _ = crawled
    assert pages[server.url("/zwgk/tzgg/abyss.html")].meta["truncated"] == "depth"
    assert "invalid_bytes" not in pages[server.url("/zwgk/tzgg/abyss.html")].meta


def test_the_run_report_notes_the_pages_read_in_part(crawled):
    _, server, _, report = crawled
    notes = lxml.html.parse(str(report)).getroot().get_element_by_id("crawl-notes")
    items = {li.get("data-note"): li for li in notes.iter("li")}
    assert list(items) == ["invalid_bytes", "truncated"]
    assert [li.get("data-pages") for li in items.values()] == ["1", "1"]
    assert items["invalid_bytes"].text_content().startswith("1 个页面含有不符合其编码的字节")
    assert [a.get("href") for a in items["invalid_bytes"].iter("a")] == [
        server.url("/zwgk/tzgg/cut.html")
    ]
    assert [a.get("href") for a in items["truncated"].iter("a")] == [
        server.url("/zwgk/tzgg/abyss.html")
    ]
    assert "不是网站问题" in notes.text_content()
