"""PortalSpider's callbacks, one response at a time, the way Scrapy tests its own components: a
spider from ``get_crawler``, saved HTML wrapped in ``HtmlResponse`` with the request the spider
made, and every record and request the callback yields looked at.

The pages are small but built the way a TRS-style portal builds them: a home page whose
navigation names the disclosure section (政务公开), a section whose column tree names its columns
(栏目), a column list with dated entries and a 下一页 pager.
"""

# ruff: noqa: E501  (HTML fixtures keep one element per line, as a CMS writes them)

from __future__ import annotations

from typing import Any

import pytest
import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from checks.model import Link
from crawler.items import (
    LinkCheckRecord,
    ListItemRecord,
    PageRecord,
    PageTextRecord,
    RecordBatch,
    SearchRecord,
)
from crawler.spiders.portal import PortalSpider
from crawler.spiders.requests import NEXT_LIST_PRIORITY, SETTLE_PRIORITY, role_of
from xuncha.profile import profile_for_url

HOME = "https://www.example.gov.cn/"
SECTION = "https://www.example.gov.cn/zwgk/"
NOTICES = "https://www.example.gov.cn/zwgk/tzgg/"
POLICIES = "https://www.example.gov.cn/zwgk/zcwj/"
OUTSIDE = "https://www.gov.cn/"

HOME_HTML = f"""<html><head><title>示例市人民政府</title>
<meta name="SiteName" content="示例市人民政府"></head><body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
<img src="/images/banner.jpg">
<div class="footer"><a href="{OUTSIDE}">中国政府网</a></div></body></html>"""

SECTION_HTML = """<html><head><title>政务公开_示例市人民政府</title></head><body>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="left"><ul class="tree">
 <li><a href="/zwgk/tzgg/">通知公告</a></li>
 <li><a href="/zwgk/zcwj/">政策文件</a></li>
</ul></div></body></html>"""

NOTICES_HTML = """<html><head><title>通知公告_示例市人民政府</title></head><body>
<div class="position">当前位置：<a href="../../">首页</a> &gt;&gt; <a href="../">政务公开</a> &gt;&gt; <a href="./">通知公告</a></div>
<ul class="list">
<li><a href="./202611/t20261118_301.html">关于做好2026年冬季供暖工作的通知</a><span>2026-11-18</span></li>
<li><a href="./202611/t20261105_299.html">关于开展安全生产大检查的通知</a><span>2026-11-05</span></li>
<li><a href="./202610/t20261020_288.html">示例市2026年重点民生实事进展公告</a><span>2026-10-20</span></li>
</ul>
<div class="page"><a href="index_1.html">下一页</a></div></body></html>"""


@pytest.fixture
def spider() -> PortalSpider:
    crawler = get_crawler(PortalSpider)
    spider: PortalSpider = PortalSpider.from_crawler(crawler, profile=profile_for_url(HOME))
    return spider


def _request(spider: PortalSpider, url: str, role: str, **kwargs: Any) -> scrapy.Request:
    """The request the spider makes for ``url`` in ``role`` (the callback's arguments in it)."""
    method = kwargs.pop("method", "GET")
    if method == "HEAD":
        return spider.requests.head(url)
    return spider.requests.get(url, role, **kwargs)  # type: ignore[arg-type]  # a Role literal


def _answer(
    request: scrapy.Request, html: str = "", status: int = 200, url: str | None = None
) -> Response:
    return HtmlResponse(
        url or request.url,
        status=status,
        body=html.encode("utf-8"),
        encoding="utf-8",
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )


def _call(spider: PortalSpider, response: Response) -> tuple[list[Any], list[scrapy.Request]]:
    """Run the callback the response's request names: (records, requests)."""
    request = response.request
    assert request is not None and request.callback is not None
    records: list[Any] = []
    requests: list[scrapy.Request] = []
    for output in request.callback(response, **request.cb_kwargs):
        if isinstance(output, RecordBatch):
            records.extend(output.records)
        else:
            requests.append(output)
    return records, requests


def _of(kind: type, records: list[Any]) -> list[Any]:
    return [r for r in records if isinstance(r, kind)]


def test_the_start_page_is_recorded_as_the_home_page_and_names_its_section(spider) -> None:
    records, requests = _call(spider, _answer(_request(spider, HOME, "start"), HOME_HTML))
    (check,) = _of(LinkCheckRecord, records)
    assert (check.target, check.method, check.status, check.probe) == (HOME, "GET", 200, False)
    (page,) = _of(PageRecord, records)
    assert (page.url, page.role, page.title, page.meta) == (
        HOME,
        "home",
        "示例市人民政府",
        {
            "SiteName": "示例市人民政府",
            "identity": page.meta["identity"],
            "site_name": "示例市人民政府",
            "channels": [{"url": f"{HOME}hdjl/", "name": "互动交流", "in_site": True}],
            "anchors": page.meta["anchors"],
        },
    )
    assert page.meta["anchors"] == HOME_HTML.count("<a ")
    assert _of(PageTextRecord, records)[0].url == HOME
    assert _of(SearchRecord, records) == [SearchRecord(form_found=False)]
    targets = {link.target for link in _of(Link, records)}
    assert {SECTION, OUTSIDE, f"{HOME}images/banner.jpg"} <= targets
    by_role = {(role_of(r), r.url): r for r in requests}
    section = by_role[("section", SECTION)]
    assert (section.callback, section.priority) == (spider.parse_page, 90)
    board = by_role[("board", f"{HOME}hdjl/")]  # 互动交流 is walked outside the sections
    assert (board.callback, board.priority) == (spider.parse_page, 40)
    assert section.cb_kwargs == {"role": "section", "target": SECTION, "column": None}
    assert ("check", OUTSIDE) in by_role and by_role[("check", OUTSIDE)].method == "HEAD"
    assert by_role[("check", f"{HOME}images/banner.jpg")].method == "HEAD"  # a resource
    (probe,) = [r for r in requests if role_of(r) == "probe"]  # the soft-404 baseline
    assert probe.url.startswith(f"{HOME}xuncha-probe-") and probe.method == "GET"
    assert not any("xr_" in key for r in requests for key in r.meta)


def test_a_section_turns_its_column_tree_into_column_lists(spider) -> None:
    _, requests = _call(spider, _answer(_request(spider, SECTION, "section"), SECTION_HTML))
    lists = {r.url: r for r in requests if role_of(r) == "list"}
    assert set(lists) == {NOTICES, POLICIES}
    assert lists[NOTICES].cb_kwargs == {"role": "list", "target": NOTICES, "column": NOTICES}
    assert lists[NOTICES].priority == 50
    assert spider.state.column_url(NOTICES) == NOTICES
    names = {record.name for record in spider.state.column_records()}
    assert names == set()  # no list page walked yet: no column row (not a 空白栏目)


def test_a_column_list_yields_its_entries_and_asks_for_them_and_the_next_page(spider) -> None:
    _call(spider, _answer(_request(spider, SECTION, "section"), SECTION_HTML))
    records, requests = _call(
        spider, _answer(_request(spider, NOTICES, "list", column=NOTICES), NOTICES_HTML)
    )
    items = _of(ListItemRecord, records)
    assert [(i.title, i.list_date.isoformat()) for i in items] == [
        ("关于做好2026年冬季供暖工作的通知", "2026-11-18"),
        ("关于开展安全生产大检查的通知", "2026-11-05"),
        ("示例市2026年重点民生实事进展公告", "2026-10-20"),
    ]
    assert {i.column_url for i in items} == {NOTICES}
    articles = [r for r in requests if role_of(r) == "article"]
    assert [a.url for a in articles] == [i.url for i in items]
    assert {a.cb_kwargs["column"] for a in articles} == {NOTICES}
    (next_page,) = [r for r in requests if role_of(r) == "list"]
    assert (next_page.url, next_page.priority) == (f"{NOTICES}index_1.html", NEXT_LIST_PRIORITY)
    (page,) = _of(PageRecord, records)
    assert (page.role, page.column_url) == ("list", NOTICES)
    (column,) = spider.state.column_records()
    assert (column.name, column.items, column.list_pages) == ("通知公告", 3, 1)
    assert column.newest is not None and column.newest.isoformat() == "2026-11-18"


def test_the_same_list_under_another_url_counts_once(spider) -> None:
    _call(spider, _answer(_request(spider, SECTION, "section"), SECTION_HTML))
    _call(spider, _answer(_request(spider, NOTICES, "list", column=NOTICES), NOTICES_HTML))
    again = _request(spider, f"{NOTICES}index.html", "list", column=NOTICES)
    records, requests = _call(spider, _answer(again, NOTICES_HTML))
    assert _of(ListItemRecord, records) == [] and requests == []
    (column,) = spider.state.column_records()
    assert (column.items, column.list_pages) == (3, 1)


@pytest.mark.parametrize("status", [405, 403, 404], ids=["refused", "forbidden", "not-found"])
def test_a_head_that_says_error_is_asked_again_with_get(spider, status) -> None:
    head = _request(spider, OUTSIDE, "check", method="HEAD")
    records, requests = _call(spider, _answer(head, status=status))
    assert records == []  # nothing is recorded before the GET has spoken
    (get,) = requests
    assert (get.method, get.url, get.priority) == ("GET", OUTSIDE, SETTLE_PRIORITY)
    assert get.cb_kwargs == {
        "role": "check",
        "target": OUTSIDE,
        "column": None,
        "head_status": status,
        "head_host": "www.gov.cn",
    }


def test_the_get_that_settles_a_head_records_the_check(spider) -> None:
    get = spider.requests.get(OUTSIDE, "check", head_status=404, head_host="www.gov.cn")
    records, requests = _call(spider, _answer(get, "<html><title>404</title></html>", 404))
    (check,) = records
    assert (check.target, check.method, check.status) == (OUTSIDE, "GET", 404)
    assert requests == []
    assert spider.head_trust.confirmed == {"www.gov.cn": 1}


def test_a_start_url_that_cannot_be_reached_ends_the_run_with_its_record(spider) -> None:
    start = _request(spider, HOME, "start")
    failure = Failure(DNSLookupError("www.example.gov.cn"))
    failure.request = start  # type: ignore[attr-defined]  # as Scrapy sets it on an errback
    records: list[Any] = []
    with pytest.raises(CloseSpider) as closed:
        for output in start.errback(failure):  # type: ignore[misc]  # the spider's errback
            records.extend(output.records)
    assert closed.value.reason == "site_unreachable"
    (check,) = records
    assert (check.target, check.error) == (HOME, "dns_error")
    assert spider.unreachable is not None and spider.unreachable.startswith("dns_error")


def test_a_broken_outside_link_is_recorded_and_the_run_goes_on(spider) -> None:
    get = spider.requests.get(OUTSIDE, "check")
    failure = Failure(DNSLookupError("www.gov.cn"))
    failure.request = get  # type: ignore[attr-defined]  # as Scrapy sets it on an errback
    outputs = list(get.errback(failure))
    (batch,) = outputs
    (check,) = batch.records
    assert (check.target, check.error, check.probe) == (OUTSIDE, "dns_error", False)
    assert spider.unreachable is None


def test_a_page_redirected_off_the_portal_is_checked_not_walked(spider) -> None:
    page = _request(spider, f"{SECTION}link.html", "page")
    records, requests = _call(
        spider, _answer(page, HOME_HTML, url="https://elsewhere.example.com/")
    )
    assert [type(r) for r in records] == [LinkCheckRecord]
    assert requests == []


@pytest.mark.parametrize("role", ["start", "list", "check", "attachment", "probe"])
def test_a_request_survives_a_disk_or_redis_queue(spider, role) -> None:
    """JOBDIR and scrapy-redis keep a request as a dict: its callback by name, its arguments
    in cb_kwargs."""
    request = spider.requests.get(NOTICES, role, column=NOTICES)
    kept = request_from_dict(request.to_dict(spider=spider), spider=spider)
    assert (kept.callback, kept.errback) == (request.callback, request.errback)
    assert kept.cb_kwargs == request.cb_kwargs and kept.cb_kwargs["role"] == role
    assert kept.priority == request.priority


def test_a_bare_scrapy_crawl_reads_the_profile_file(tmp_path) -> None:
    """``scrapy crawl portal -a profile=FILE``: the argument is a path."""
    path = tmp_path / "site.yaml"
    path.write_text(
        f"name: 示例市人民政府\nstart_urls: [{HOME}]\npoliteness:\n  concurrent_per_host: 2\n",
        encoding="utf-8",
    )
    spider = PortalSpider(profile=str(path))
    assert (spider.profile.display_name, spider.profile.start_urls) == ("示例市人民政府", [HOME])
