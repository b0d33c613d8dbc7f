"""`run_checks` reads a run's links once for the checks that say which links they read: each
gets only those, and must find exactly what it finds over every link — also when a selection
outgrows its bound and the check reads every link itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks import registry
from checks.config import CheckSettings
from checks.model import CheckView, CrawlData, Link, PageView

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
SECURE = "https://www.example.gov.cn/zwgk/t20261015_{}.html"


class OnePass:
    """Links that can be read once only, as a stream that is counted."""

    def __init__(self, links: list[Link]) -> None:
        self.links, self.passes = links, 0

    def __iter__(self):
        self.passes += 1
        return iter(self.links)


def _links(pages: int) -> list[Link]:
    links = []
    for n in range(pages):
        page = SECURE.format(n)
        links += [
            Link(
                page,
                "http://cdn.example.cn/a.js",
                "http://cdn.example.cn/a.js",
                "script",
                "src",
                "resource",
                "",
            ),  # fmt: skip
            Link(page, "https://www.example.gov.cn/", "/", "a", "href", "page", "首页"),
            Link(
                page,
                f"http://casino{n % 3}.example.com/",
                f"http://casino{n % 3}.example.com/",
                "a",
                "href",
                "page",
                "澳门赌场 真人娱乐",
            ),  # fmt: skip
            Link(page, page, "javascript:void(0)", "a", "href", "page", "附件下载"),
            Link(page, "http://10.1.2.3/oa/", "http://10.1.2.3/oa/", "a", "href", "page", "办公"),
        ]
    return links


def _data(links: object) -> CrawlData:
    pages = tuple(
        PageView(SECURE.format(n), SECURE.format(n), "article", 200, "标题", None, None, None, {})
        for n in range(40)
    )
    blocked = CheckView("http://10.1.2.3/oa/", "GET", None, "blocked", "private 10.1.2.3",
                        None, (), None, None, None, None, False)  # fmt: skip
    return CrawlData(
        "站",
        ("https://www.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        pages=pages,
        links=links,  # type: ignore[arg-type]
        link_checks={blocked.target: blocked},
    )


def _each_over_every_link(data: CrawlData) -> list:
    findings = []
    for info in registry.REGISTRY.values():
        findings.extend(info.run(data, CheckSettings(), AS_OF))
    return findings


@pytest.mark.parametrize("overflow", [False, True], ids=["within-bound", "past-bound"])
def test_selected_links_give_the_findings_of_every_link(monkeypatch, overflow) -> None:
    if overflow:  # 40 links of each kind: every selection passes 30
        monkeypatch.setattr(registry, "SELECTED_LINKS_MAX", 30)
    links = _links(40)
    expected = _each_over_every_link(_data(tuple(links)))
    by_check = {f.check for f in expected}
    assert {"mixed_content", "harmful_link", "wrong_link"} <= by_check  # the data reaches them
    stream = OnePass(links)
    got = registry.run_checks(_data(stream), CheckSettings(), AS_OF)
    assert got == expected
    selecting = sum(1 for info in registry.REGISTRY.values() if info.reads_links is not None)
    assert selecting == 3
    # One shared pass for the selecting checks (and, past the bound, one of each of them of
    # its own), plus the passes of the checks that read links without saying which.
    assert stream.passes == 1 + (selecting if overflow else 0) + _passes_of_others(links)


def _passes_of_others(links: list[Link]) -> int:
    """How many passes the checks without a selection make over these links on their own."""
    stream = OnePass(links)
    data = _data(stream)
    for info in registry.REGISTRY.values():
        if info.reads_links is None:
            info.run(data, CheckSettings(), AS_OF)
    return stream.passes
