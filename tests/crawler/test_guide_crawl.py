"""办事指南 end to end: a real crawl of a loopback portal whose 办事指南 column lists a complete
guide, a guide lacking 设定依据 and 办理时间 (its 办理时间 cell left empty), and a news item about
guides; beside it a 政府信息公开指南 laid out with 办公地址/办公时间/联系电话/申请材料/办理流程 and a
动态 column whose article names 申请条件 and 申请材料 in its sentences. The run reports exactly
one service_guide finding, naming the two classes, and deducts 2 points for each.
"""

# ruff: noqa: E501  (HTML fixtures keep one element per line, as a CMS writes them)

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from netlab import Reply, serve
from sqlalchemy import select

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Page, Store

AS_OF = date(2026, 11, 26)
COMPLETE = "/zwgk/bszn/202611/t20261118_301.html"
LACKING = "/zwgk/bszn/202611/t20261110_298.html"
NEWS_IN_GUIDES = "/zwgk/bszn/202611/t20261102_290.html"
NEWS = "/zwgk/gzdt/202611/t20261120_305.html"


def _page(title: str, column: str, body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_示范县交通运输局</title>
<meta name="ColumnName" content="{column}"></head><body>
<div class="header">示范县交通运输局</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {column}</div>
<div class="content"><h1>{title}</h1>{body}</div>
<div class="btm"><p>主办单位：示范县交通运输局 地址：示范县人民大街1号 联系电话：0437-5551234</p></div>
</body></html>"""


def _guide_table(missing: set[str]) -> str:
    rows = [
        ("事项名称", "道路旅客运输经营许可"),
        ("设定依据", "《中华人民共和国道路运输条例》第八条"),
        ("申请条件", "有与其经营业务相适应并经检测合格的车辆"),
        ("申请材料", "道路旅客运输经营申请表；投资人身份证明"),
        ("受理地点", "示范县政务服务中心二楼交通窗口"),
        ("办理时间", "工作日 8:30-17:00"),
        ("咨询电话", "0437-5553322"),
        ("办理流程", "申请—受理—审查—决定"),
    ]
    cells = "".join(
        f"<tr><td>{label}</td><td>{'' if label == '办理时间' and missing else value}</td></tr>"
        for label, value in rows
        if not (label == "设定依据" and missing)
    )
    return f'<table class="bszn">{cells}</table>'


def _list(column: str, items: list[tuple[str, str, int]]) -> str:
    rows = "".join(
        f'<li><a href="{url}">{title}</a><span>{AS_OF - timedelta(days=age):%Y-%m-%d}</span></li>'
        for url, title, age in items
    )
    return _page(column, column, f'<ul class="list">{rows}</ul>')


DISCLOSURE_GUIDE = """<p>一、主动公开</p><p>本机关主动公开的政府信息，通过门户网站发布。</p>
<p>二、依申请公开</p><p>（一）受理机构</p><p>办公地址：示范县人民大街1号</p><p>办公时间：工作日8:30-17:00</p><p>联系电话：0437-5550000</p>
<p>（二）申请的提出</p><p>申请材料：政府信息公开申请表、身份证明</p>
<p>（三）办理流程：登记、审核、答复</p>"""


def _routes() -> dict[str, list[Reply]]:
    nav = '<ul class="nav-columns"><li><a href="/zwgk/bszn/">办事指南</a></li><li><a href="/zwgk/gkzn/">政府信息公开指南</a></li><li><a href="/zwgk/gzdt/">工作动态</a></li></ul>'
    pages = {
        "/": _page("示范县交通运输局", "首页", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", "政务公开", nav),
        "/zwgk/bszn/": _list("办事指南", [
            (COMPLETE, "道路旅客运输经营许可办事指南", 8),
            (LACKING, "道路货物运输经营许可办事指南", 16),
            (NEWS_IN_GUIDES, "我县完成全部事项办事指南梳理", 24),
        ]),
        COMPLETE: _page("道路旅客运输经营许可办事指南", "办事指南", _guide_table(set())),
        LACKING: _page("道路货物运输经营许可办事指南", "办事指南", _guide_table({"设定依据", "办理时间"})),
        NEWS_IN_GUIDES: _page("我县完成全部事项办事指南梳理", "办事指南",
                              "<p>县政务服务中心对全部事项的办事指南进行了梳理，统一申请条件、申请材料、办理流程的写法。</p>"),
        "/zwgk/gkzn/": _page("政府信息公开指南", "政府信息公开指南", DISCLOSURE_GUIDE),
        "/zwgk/gzdt/": _list("工作动态", [(NEWS, "县交通运输局精简道路运输许可申请材料", 6)]),
        NEWS: _page("县交通运输局精简道路运输许可申请材料", "工作动态",
                    "<p>符合申请条件的经营者，申请材料由8份减至5份，设定依据不变，办理流程更简。</p>"),
    }  # fmt: skip
    return {path: [Reply(body=html.encode("utf-8"))] for path, html in pages.items()}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("guides")
    with serve(_routes()) as site:
        profile = Profile.model_validate(
            {"name": "示范县交通运输局", "start_urls": [site.url("/")],
             "politeness": {"delay": 0.0, "autothrottle": False}}
        )  # fmt: skip
        store = Store(f"sqlite:///{work / 'xuncha.db'}")
        try:
            outcome = inspect_site(
                profile, store, as_of=AS_OF, out_dir=work / "out", progress="off"
            )
            assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
            document = json.loads((work / "out" / "findings.json").read_text(encoding="utf-8"))
            fetched = {hit.path for hit in site.requests if hit.method == "GET"}
            with store.session() as session:
                recorded = session.execute(select(Page.url, Page.meta)).all()
            guides = {url.removeprefix(site.url("")): meta["guide"] for url, meta in recorded
                      if meta and "guide" in meta}  # fmt: skip
            yield site, document, fetched, guides
        finally:
            store.dispose()


def test_every_page_of_the_portal_was_crawled_and_three_are_structured_like_guides(crawled):
    _, _, fetched, guides = crawled
    assert {COMPLETE, LACKING, NEWS_IN_GUIDES, NEWS, "/zwgk/gkzn/"} <= fetched
    # The disclosure guide is laid out like a guide: its title and column keep it out.
    assert set(guides) == {COMPLETE, LACKING, "/zwgk/gkzn/"}
    assert guides[LACKING]["empty"] == ["办理时间"]


def test_exactly_the_guide_lacking_two_classes_is_reported(crawled):
    site, document, _, _ = crawled
    findings = [f for f in document["findings"] if f["check"] == "service_guide"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding["url"] == site.url(LACKING)
    assert finding["subtype"] == "missing_elements"
    assert finding["evidence"]["missing"] == ["设定依据", "办理时间"]
    assert finding["evidence"]["empty"] == ["办理时间"]
    assert finding["title"] == "办事指南要素缺失 — 缺少：设定依据、办理时间"
    assert finding["column"] == "办事指南"


def test_the_score_deducts_two_points_per_missing_class(crawled):
    _, document, _, _ = crawled
    rows = {row["check"]: row for row in document["score"]["deductions"]}
    assert rows["service_guide"] == {"check": "service_guide", "count": 1, "points": 4.0}
