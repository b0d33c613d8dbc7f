"""End to end: the demo portal served on loopback, inspected by the real CLI path.

Every planted defect is found, nothing else is, every article is fetched (counted by the
server), nothing outside the disclosure sections is crawled, and the outputs are what the
findings export promises.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from xuncha.demo import DEMO_AS_OF, DemoPortal, article_paths, demo_profile
from xuncha.demo.expected import NEGATIVES, NEVER_FETCHED, PLANTED
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def inspected(request, tmp_path_factory):
    """The demo inspected once per database: the whole path runs on SQLite and PostgreSQL."""
    work = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        db_url = f"sqlite:///{work / 'xuncha.db'}"
    else:
        db_url = request.getfixturevalue("postgres_database_url")
    with DemoPortal(work / "portal") as portal:
        profile = Profile.model_validate(demo_profile(portal))
        store = Store(db_url)
        outcome = inspect_site(
            profile, store, as_of=DEMO_AS_OF, out_dir=work / "out", progress="off"
        )
        store.dispose()
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        yield portal, outcome, document


def _key(check, subtype, url):
    return (check, subtype, url)


def test_run_finished_complete(inspected):
    _, outcome, document = inspected
    assert (outcome.status, outcome.complete) == ("finished", True)
    assert document["schema"] == "xuncha.findings/1"
    assert (
        document["run"]["status"] == "finished"
        and document["run"]["as_of"] == DEMO_AS_OF.isoformat()
    )
    assert document["run"]["pages"] == outcome.pages > 100


def test_every_planted_defect_is_found_and_nothing_else(inspected):
    portal, _, document = inspected
    expected = Counter(_key(p.check, p.subtype, p.resolve(portal)) for p in PLANTED)
    found = Counter(_key(f["check"], f["subtype"], f["url"]) for f in document["findings"])
    assert found - expected == Counter(), "unexpected findings"
    assert expected - found == Counter(), "planted defects not found"


def test_negatives_raise_nothing(inspected):
    """A negative may share its URL with a planted defect (javascript:void(0) on 下载附件 is
    wrong, on 打印本页 it is not): it is violated only where a finding names it on its page."""
    portal, _, document = inspected
    planted_on = {(p.resolve(portal), p.page) for p in PLANTED}
    violated = []
    for negative in NEGATIVES:
        url = negative.resolve(portal)
        for finding in document["findings"]:
            if finding["url"] != url:
                continue
            pages = {page.split("//", 1)[-1].split("/", 1)[-1] for page in finding["pages"]}
            page = negative.page.lstrip("/")
            if not negative.page or (page in pages and (url, negative.page) not in planted_on):
                violated.append(negative.note)
    assert violated == []


def test_every_article_fetched_once_and_news_section_not_crawled(inspected):
    portal, _, _ = inspected
    gets = Counter(
        (r.host, r.path_with_query.split("?", 1)[0]) for r in portal.requests if r.method == "GET"
    )
    missing = [path for path in article_paths() if gets[path] == 0]
    assert missing == []
    twice = [path for path in article_paths() if gets[path] > 1]
    assert twice == []
    for host, path in NEVER_FETCHED:
        assert gets[(host, path)] == 0, f"{path} is outside the disclosure sections"


def test_wrong_links_never_reached_the_server(inspected):
    portal, _, _ = inspected
    assert not [r for r in portal.requests if "169.254" in r.path_with_query or "192.168" in r.host]


def test_findings_list_every_page_and_fields(inspected):
    _, _, document = inspected
    for finding in document["findings"]:
        assert re.fullmatch(r"[a-z]{2}-[0-9a-f]{16}", finding["id"])
        assert finding["page"] in finding["pages"]
        assert finding["title"] and finding["status"] == "open"
        assert finding["first_seen"] == DEMO_AS_OF.isoformat()
        assert finding["severity"] in ("high", "medium", "low")


def test_report_html_shows_the_run(inspected):
    _, outcome, document = inspected
    tree: HtmlElement = lxml_html.fromstring(outcome.report_path.read_text(encoding="utf-8"))
    assert tree.get_element_by_id("run-status").text_content() == "已完成"
    rows = tree.xpath("//table[@class='findings']/tbody/tr[@data-check]")
    assert len(rows) == len(document["findings"])
    assert not tree.xpath("//script[@src]") and not tree.xpath("//link[@href]")


def test_verdict_is_scored_the_inspectors_way(inspected):
    """The demo carries three kinds of single-veto defect — a letter left unanswered for four
    months in the 局长信箱 (互动回应差), a serious misstatement, and an injected hidden casino
    link beside a partner link whose domain now serves a casino (暗链 and 外链变质, 严重问题) —
    so 不合格 with no points; the vetoes come in the order of the official table."""
    _, _, document = inspected
    score = document["score"]
    assert score["verdict"] == "不合格"
    assert score["vetoes"] == ["互动回应差", "严重表述错误", "暗链及违法有害链接"]
    assert score["veto_reasons"][2] == "存在暗链/黑链 1 个、外链变质 1 个（严重问题）"
    assert score["points"] is None
    assert any("即将超期" in warning for warning in score["warnings"])
    deducted = {row["check"]: row for row in score["deductions"]}
    assert {"broken_link", "stale_column", "blank_column", "privacy_leak"} <= deducted.keys()
    # 办事指南要素缺失: 2 points for each of the two classes one guide lacks
    assert deducted["service_guide"] == {"check": "service_guide", "count": 1, "points": 4.0}


def test_harmful_links_and_the_guide_are_reported_with_their_evidence(inspected):
    """暗链: on the one article it was injected into, hidden off-screen, for its gambling words;
    外链变质: on the disclosure home page, for its target's title; the guide: the two classes."""
    portal, _, document = inspected
    by_subtype = {
        f["subtype"]: f
        for f in document["findings"]
        if f["check"] in ("harmful_link", "service_guide")
    }
    assert sorted(by_subtype) == ["hidden", "hijacked", "missing_elements"]
    hidden, hijacked, guide = (by_subtype[k] for k in ("hidden", "hijacked", "missing_elements"))
    injected = next(p for p in PLANTED if p.subtype == "hidden")
    assert hidden["pages"] == [portal.url("xxgk.example.gov.cn", injected.page)]
    assert (hidden["severity"], hidden["evidence"]["how"]) == ("high", "offscreen")
    assert hidden["evidence"]["category"] == "gambling"  # 新葡京 in its own words
    assert hijacked["pages"] == [portal.url("xxgk.example.gov.cn", "/")]
    assert hijacked["evidence"]["target_title"] == "皇冠体育-真人娱乐-首存送彩金"
    assert hijacked["title"] == "外链变质：“辽源旅游网”指向的网站已变为博彩页面"
    assert guide["evidence"]["missing"] == ["设定依据", "办理时间"]
    assert guide["evidence"]["empty"] == ["办理时间"]
    assert guide["column"] == "办事指南"


def test_not_yet_due_items_are_listed_apart(inspected):
    _, outcome, document = inspected
    upcoming = {(item["rule"], item["year"]) for item in document["not_yet_due"]}
    assert upcoming and all(year >= 2026 for _, year in upcoming)
    overdue = [f for f in document["findings"] if f["check"] == "missing_mandatory"]
    assert {f["subtype"] for f in overdue} == {"overdue"}
    html = outcome.report_path.read_text(encoding="utf-8")
    assert "即将到期的法定公开事项" in html and "单项否决" in html


def test_report_names_a_findings_page_by_its_title(inspected):
    """The page a broken link is on reads as that page's title, linked to the page, with its
    path under it; the finding's own URL reads as the path after the site's host."""
    _, outcome, document = inspected
    tree: HtmlElement = lxml_html.fromstring(outcome.report_path.read_text(encoding="utf-8"))
    broken = [f for f in document["findings"] if f["check"] == "broken_link" and f["page"]]
    assert broken
    named = 0
    for finding in broken:
        row = tree.get_element_by_id(finding["id"])
        target, source = row.xpath(".//td[contains(@class, 'url')]")[:2]
        link = source.xpath(".//a")[0]
        assert link.get("href") == finding["page"] == link.get("title")
        if not link.text_content().startswith(("/", "xxgk.", "jtj.")):
            named += 1  # a title, not a URL
            assert "/" in source.xpath(".//div[@class='detail']")[0].text_content()
        assert target.xpath(".//a")[0].get("href") == finding["url"]
    assert named == len(broken)  # every page a broken link is on has a title in the demo
