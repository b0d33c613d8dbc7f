"""The spider's walk of 互动交流 (crawler/spiders/boards.py), callback by callback: a channel is
walked outside the disclosure sections, a board's list is read while it reaches into the past
year, each message of that year is fetched under its board, a hub's channels are followed."""

from __future__ import annotations

from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import PageRecord, RecordBatch
from crawler.spiders.portal import PortalSpider
from crawler.spiders.requests import role_of
from xuncha.profile import profile_for_url

HOME = "https://www.example.gov.cn/"
BOARD = HOME + "hdjl/xzxx/"


@pytest.fixture
def spider() -> PortalSpider:
    crawler = get_crawler(PortalSpider, settings_dict={"XUNCHA_AS_OF": "2026-11-20"})
    built: PortalSpider = PortalSpider.from_crawler(crawler, profile=profile_for_url(HOME))
    return built


def _call(spider: PortalSpider, url: str, role: str, html: str, column: str | None = None):
    request = spider.requests.get(url, role, column=column)  # type: ignore[arg-type]
    response = HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    records: list[Any] = []
    requests: list[scrapy.Request] = []
    assert request.callback is not None
    for output in request.callback(response, **request.cb_kwargs):
        if isinstance(output, RecordBatch):
            records.extend(output.records)
        else:
            requests.append(output)
    (page,) = [r for r in records if isinstance(r, PageRecord)]
    return page, {(role_of(r), r.url): r for r in requests}


def _list(rows: list[tuple[int, str, str]], next_page: str = "index_1.html") -> str:
    body = "".join(
        f'<tr><td><a href="{n}.html">来信标题第{n}号的内容</a></td>'
        f"<td>{day}</td><td>{state}</td></tr>"
        for n, day, state in rows
    )
    return (
        "<html><body><table><tr><th>标题</th><th>来信时间</th><th>状态</th></tr>"
        f'{body}</table><a href="{next_page}">下一页</a><a href="/hdjl/sjxx/">书记信箱</a>'
        "</body></html>"
    )


def test_a_board_of_this_year_reads_its_next_page_and_its_messages(spider):
    page, asked = _call(
        spider, BOARD, "board",
        _list([(3, "2026-11-02", "已回复"), (2, "2026-07-01", "未回复")]), column=BOARD,
    )  # fmt: skip
    assert page.role == "board" and page.column_url == BOARD
    assert [m["state"] for m in page.meta["messages"]] == ["replied", "unanswered"]
    assert {("message", f"{BOARD}3.html"), ("message", f"{BOARD}2.html")} <= set(asked)
    assert asked[("message", f"{BOARD}2.html")].cb_kwargs["column"] == BOARD
    next_page = asked[("board", f"{BOARD}index_1.html")]
    assert next_page.cb_kwargs["column"] == BOARD  # the next page belongs to the same board
    assert ("board", f"{HOME}hdjl/sjxx/") in asked  # the other box the side menu names


def test_a_page_reaching_past_the_year_stops_the_board(spider):
    _, asked = _call(
        spider, BOARD + "index_3.html", "board",
        _list([(9, "2025-12-01", "已回复"), (8, "2025-09-01", "未回复")], "index_4.html"),
        column=BOARD,
    )  # fmt: skip
    assert ("message", f"{BOARD}9.html") in asked
    assert ("message", f"{BOARD}8.html") not in asked  # written over 400 days ago
    assert ("board", f"{BOARD}index_4.html") not in asked


def test_a_hub_without_messages_is_followed_to_its_channels(spider):
    hub = (
        '<html><body><h2>互动交流</h2><a href="/hdjl/xzxx/">县长信箱</a>'
        '<a href="/hdjl/xzxx/xz.html">写信须知</a><p>栏目建设中</p></body></html>'
    )
    page, asked = _call(spider, HOME + "hdjl/", "board", hub, column=HOME + "hdjl/")
    assert page.meta["channels"] == [{"url": BOARD, "name": "县长信箱", "in_site": True}]
    assert (page.meta["form"], page.meta["placeholder"]) == (False, True)
    assert ("board", BOARD) in asked and ("board", f"{BOARD}xz.html") not in asked


def test_a_message_page_is_read(spider):
    html = (
        "<html><body><table><tr><td>来信时间</td><td>2026-07-01</td></tr>"
        "<tr><td>办理状态</td><td>已回复</td></tr><tr><td>回复内容</td><td></td></tr>"
        "<tr><td>回复时间</td><td>2026-07-03</td></tr></table></body></html>"
    )
    page, _ = _call(spider, f"{BOARD}2.html", "message", html, column=BOARD)
    assert page.meta["message"] == {
        "title": "", "asked": "2026-07-01", "replied": "2026-07-03", "state": "replied",
        "reply_chars": 0, "withheld": False, "invalid": False,
    }  # fmt: skip
