"""URLs in a report read short (the path after the site's host) and stay whole in the link."""

from __future__ import annotations

import pytest

from reports.rendering import short_url, with_short_urls

HOME = "https://jtj.example.gov.cn/"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://jtj.example.gov.cn/zwgk/tzgg/202605/t20260504_1.html",
         "/zwgk/tzgg/202605/t20260504_1.html"),
        ("https://jtj.example.gov.cn/search?q=%E5%85%AC%E5%BC%80", "/search?q=%E5%85%AC%E5%BC%80"),
        ("https://JTJ.example.gov.cn", "/"),  # the host compared without case, a bare host is /
        ("http://jtj.example.gov.cn/a.html", "/a.html"),  # the other scheme, same host
        ("https://xxgk.example.gov.cn/gsgg/", "xxgk.example.gov.cn/gsgg/"),  # another host
        ("https://jtj.example.gov.cn:8443/a.html", "jtj.example.gov.cn:8443/a.html"),
        ("javascript:void(0)", "javascript:void(0)"),  # no host: as written
        ("http://[::1/", "http://[::1/"),  # no URL parser accepts it: as written
    ],
    ids=["path", "query", "bare-host", "http", "other-host", "other-port", "no-host", "broken"],
)  # fmt: skip
def test_short_url(url, shown):
    assert short_url(url, HOME) == shown


def test_urls_inside_evidence_are_shown_short_and_linked_whole():
    text = "https://xxgk.example.gov.cn/a/b.html → http://other.example.cn/c?d=1、最新信息"
    shown = str(with_short_urls(text, "https://xxgk.example.gov.cn/"))
    assert shown == (
        '<a href="https://xxgk.example.gov.cn/a/b.html" title="https://xxgk.example.gov.cn/a/b.html"'
        ' rel="noopener noreferrer">/a/b.html</a> → <a href="http://other.example.cn/c?d=1" '
        'title="http://other.example.cn/c?d=1" rel="noopener noreferrer">other.example.cn/c?d=1'
        "</a>、最新信息"
    )


def test_hostile_text_around_and_inside_urls_stays_text():
    shown = str(
        with_short_urls('javascript:alert(1) <img src=x> https://a.cn/"onmouseover=x', None)
    )
    assert "<img" not in shown and 'href="javascript' not in shown
    assert '"onmouseover' not in shown and "&#34;onmouseover=x" in shown
    assert shown.count("<a ") == 1
