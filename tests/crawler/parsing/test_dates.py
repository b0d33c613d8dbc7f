"""Dates in text and URLs, and an article page's publication date (synthetic and real pages)."""

from __future__ import annotations

import datetime

import pytest

from crawler.parsing.dates import (
    DatedValue,
    article_date,
    date_from_url,
    meta_date,
    parse_date,
    year_from_url,
)
from crawler.parsing.document import parse_html

D = datetime.date

PARSE_CASES = [
    ("2026-03-15", None, D(2026, 3, 15)),
    ("2026/3/15", None, D(2026, 3, 15)),
    ("2026.03.15", None, D(2026, 3, 15)),
    ("2026年3月15日", None, D(2026, 3, 15)),
    ("2026年03月15日 10:20", None, D(2026, 3, 15)),
    ("2026 年 3 月 15 日", None, D(2026, 3, 15)),
    ("20260315", None, D(2026, 3, 15)),
    ("[20260315]", None, D(2026, 3, 15)),
    ("20260315 10:20", None, D(2026, 3, 15)),
    ("编号20260315", None, None),
    ("1234567820260315", None, None),
    ("[2026-03-15]", None, D(2026, 3, 15)),
    ("(2026-03-15)", None, D(2026, 3, 15)),
    ("（2026-03-15）", None, D(2026, 3, 15)),
    ("2026-03-15 15:14:00", None, D(2026, 3, 15)),
    ("2007-08-20-23:59:59", None, D(2007, 8, 20)),
    ("发布时间：2026-03-15", None, D(2026, 3, 15)),
    ("页面生成时间 2023-10-23 11:23:36", None, D(2023, 10, 23)),
    ("2020年08月02日", None, D(2020, 8, 2)),
    ("03-15", None, None),
    ("03-15", 2026, D(2026, 3, 15)),
    ("3月15日", 2026, D(2026, 3, 15)),
    ("[10-19]", 2017, D(2017, 10, 19)),
    ("2026-02-30", None, None),
    ("2026-13-01", None, None),
    ("02-30", 2026, None),
    ("2026-02-30 改 2026-03-01", None, D(2026, 3, 1)),
    ("000014348/2020-35428", None, None),
    ("0001-01-01", None, None),
    ("3000-01-01", None, None),
    ("v10.2.3", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(
    ("text", "default_year", "expected"),
    PARSE_CASES,
    ids=[f"{text or 'empty'}|{year}" for text, year, _ in PARSE_CASES],
)
def test_parse_date(text: str, default_year: int | None, expected: datetime.date | None) -> None:
    assert parse_date(text, default_year=default_year) == expected


URL_CASES = [
    ("http://x.gov.cn/zwgk/202603/t20260315_4412345.html", D(2026, 3, 15)),
    ("https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/202403/t20240329_88515.htm", D(2024, 3, 29)),
    ("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html", D(2016, 11, 22)),
    ("http://x.gov.cn/news/2026/03/15/abc.html", D(2026, 3, 15)),
    ("http://x.gov.cn/news/20260315/123.html", D(2026, 3, 15)),
    ("http://www.gov.cn/zhengce/content/2018-06/22/content_5300522.htm", D(2018, 6, 22)),
    ("http://x.gov.cn/a/2026-03-15/x.html", D(2026, 3, 15)),
    ("http://x.gov.cn/a/art_1621004_30332664.html", None),
    ("http://x.gov.cn/a/30332664.html", None),
    ("http://x.gov.cn/list.jsp?id=20260315", None),
    ("http://x.gov.cn/a/20261345/", None),
    ("http://x.gov.cn/a/t20260230_1.html", None),
    ("http://x.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml", None),
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES, ids=[u for u, _ in URL_CASES])
def test_date_from_url(url: str, expected: datetime.date | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "year"),
    [
        ("http://x.gov.cn/tjsja/202305/7215380191c5.shtml", 2023),
        ("http://x.gov.cn/zhxx/201710/t20171019_398276.html", 2017),
        ("http://x.gov.cn/art/2016/11/22/art_1_2.html", 2016),
        ("http://x.gov.cn/zhxx/index.html", None),
    ],
    ids=["month-folder", "trs", "hanweb", "none"],
)
def test_year_from_url(url: str, year: int | None) -> None:
    assert year_from_url(url) == year


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


ARTICLE_CASES = [
    (
        "meta-only",
        _page('<meta name="PubDate" content="2026-03-15 10:20">', "<p>正文</p>"),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2026, 3, 15), "meta"),
    ),
    (
        "meta-chinese-format",
        _page('<meta name="PubDate" content="2020年08月02日">'),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2020, 8, 2), "meta"),
    ),
    (
        "lowercase-publishdate",
        _page('<meta name="publishdate" content="2025/1/9">'),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2025, 1, 9), "meta"),
    ),
    (
        "firstpublishedtime-beats-others",
        _page(
            '<meta name="others" content="页面生成时间 2023-10-23 11:23:36">'
            '<meta name="firstpublishedtime" content="2007-08-20-23:59:59">'
        ),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2007, 8, 20), "meta"),
    ),
    (
        "visible-beats-meta-when-they-disagree",
        _page(
            '<meta name="PubDate" content="2022-04-24 10:00:43">',
            '<span class="date">发布日期：<b><publishtime>2017-05-15 10:49:00</publishtime></b>'
            "</span>",
        ),
        "http://x.gov.cn/a/201705/t20170515_1.html",
        DatedValue(D(2017, 5, 15), "page"),
    ),
    (
        "table-metadata-box",
        _page(
            body="<table><tr><td>索引号</td><td>000014348/2020-35147</td></tr>"
            "<tr><td>发布日期</td><td>2020年08月02日</td></tr></table>"
        ),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2020, 8, 2), "page"),
    ),
    (
        "dl-metadata-box",
        _page(
            body='<dl><dd><label><font>生成日期：</font></label><div class="v">2023-05-11</div>'
            "</dd></dl>"
        ),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2023, 5, 11), "page"),
    ),
    (
        "label-in-italic-value-in-tail",
        _page(body='<span alt="时间：2017-11-08 20:26"><i>时间：</i>2019-09-18 06:23</span>'),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2019, 9, 18), "page"),
    ),
    (
        "publish-label-beats-bare-time-label",
        _page(body="<p>时间：2026-01-02</p><p>发布时间：2026-01-05</p>"),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2026, 1, 5), "page"),
    ),
    (
        "work-hours-is-not-a-label",
        _page(
            '<meta name="PubDate" content="2026-03-15">',
            "<p>工作时间：2026-01-01 起</p><p>有效日期：2030-01-01</p>",
        ),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2026, 3, 15), "meta"),
    ),
    (
        "signing-date-below-meta",
        _page('<meta name="PubDate" content="2026-03-20">', "<p>成文日期：2026-03-01</p>"),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2026, 3, 20), "meta"),
    ),
    (
        "signing-date-alone",
        _page(body="<p>成文日期：2026-03-01</p>"),
        "http://x.gov.cn/a/b.html",
        DatedValue(D(2026, 3, 1), "page"),
    ),
    (
        "script-text-is-not-shown",
        _page(body="<script>var s = '发布时间：2001-01-01';</script><p>正文</p>"),
        "http://x.gov.cn/art/2016/11/22/art_1_2.html",
        DatedValue(D(2016, 11, 22), "url"),
    ),
    ("nothing", _page(body="<p>正文</p>"), "http://x.gov.cn/a/b.html", None),
]


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [case[1:] for case in ARTICLE_CASES],
    ids=[case[0] for case in ARTICLE_CASES],
)
def test_article_date(html: str, url: str, expected: DatedValue | None) -> None:
    assert article_date(parse_html(html, url), url) == expected


# Real pages: the date an inspector reads on the page, and where it came from (MANIFEST.md).
REAL_ARTICLES = [
    ("04-handan-article-detail.html", DatedValue(D(2020, 8, 2), "page")),  # 发布日期 2020年08月02日
    ("07-pingtan-article-detail-xls.html", DatedValue(D(2024, 3, 29), "page")),  # 时间：
    ("08-wanzai-tjgb-2022-detail.html", DatedValue(D(2023, 5, 11), "page")),  # 生成日期
    ("09-yichun-tjgb-2022-detail.html", DatedValue(D(2023, 4, 18), "page")),  # 发文日期
    ("10-wanzai-tjgb-2015-detail.html", DatedValue(D(2017, 5, 15), "page")),  # re-published
    ("11-zjdpc-hanweb-article-detail.html", DatedValue(D(2016, 11, 22), "page")),
    ("12-shanxi-gov-article-detail.html", DatedValue(D(2019, 9, 18), "page")),
    ("13-govcn-gazette-article-detail.html", DatedValue(D(2007, 8, 20), "meta")),
]


@pytest.mark.parametrize(
    ("name", "expected"), REAL_ARTICLES, ids=[name[:2] for name, _ in REAL_ARTICLES]
)
def test_article_date_real_pages(real_pages, name: str, expected: DatedValue) -> None:
    url = "http://example.gov.cn/col/article.html"
    doc = parse_html((real_pages / name).read_text("utf-8"), url)
    assert article_date(doc, url) == expected


@pytest.mark.parametrize(
    ("name", "meta"),
    [
        ("04-handan-article-detail.html", D(2020, 8, 2)),
        ("08-wanzai-tjgb-2022-detail.html", D(2023, 8, 16)),
        ("10-wanzai-tjgb-2015-detail.html", D(2022, 4, 24)),
        ("11-zjdpc-hanweb-article-detail.html", D(2016, 11, 22)),
        ("13-govcn-gazette-article-detail.html", D(2007, 8, 20)),
    ],
    ids=["04", "08", "10", "11", "13"],
)
def test_meta_date_real_pages(real_pages, name: str, meta: datetime.date) -> None:
    """The meta dates are read too (10's 2022 re-publish date loses to the visible 2017)."""
    doc = parse_html((real_pages / name).read_text("utf-8"), "http://example.gov.cn/")
    assert meta_date(doc) == meta
