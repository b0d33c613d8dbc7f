"""The run report shows a 错敏词 finding's category and the list its rule came from."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lxml import html as lxml_html
from lxml.html import HtmlElement

from checks.config import ChecksConfig, CheckSettings, WordingRule
from checks.model import CrawlData, PageView
from checks.wording import wording_errors
from reports.run_report import ReportFinding, RunReport, evidence_lines, render_run_report

PAGE = "https://jtj.example.gov.cn/xwdt/t20241015_1.html"


def _evidence_shown(text: str, settings: CheckSettings) -> dict[str, str]:
    page = PageView(PAGE, PAGE, "article", 200, "工作动态", None, date(2024, 10, 15), None, {})
    data = CrawlData(
        "站", (PAGE,), ("example.gov.cn",), datetime(2024, 10, 20, tzinfo=UTC),
        pages=(page,), texts={PAGE: text},
    )  # fmt: skip
    [found] = wording_errors(data, settings, date(2024, 10, 20))
    finding = ReportFinding(
        id="we-1", check=found.check, subtype=found.subtype, severity=found.severity,
        title="错别字", detail="", url=PAGE, page=PAGE, pages=[PAGE], column=None,
        status="open", first_seen="2024-10-20", deadline=None,
        evidence=evidence_lines(found.evidence),
    )  # fmt: skip
    report = RunReport(
        lang="zh", site_name="站", start_url="https://jtj.example.gov.cn/", run_id=1,
        as_of="2024-10-20", started_at="2024-10-20T02:00:00", finished_at=None,
        status="finished", complete=True, message=None, pages=1, links_checked=0,
        findings=[finding], counts_by_check=[("wording_error", "错敏词", 1)],
    )  # fmt: skip
    tree: HtmlElement = lxml_html.fromstring(render_run_report(report))
    [shown] = tree.find_class("evidence")
    keys = ["".join(dt.itertext()) for dt in shown.iter("dt")]
    values = ["".join(dd.itertext()) for dd in shown.iter("dd")]
    return dict(zip(keys, values, strict=True))


def test_a_shipped_rule_shows_its_category():
    shown = _evidence_shown("国土资源部印发通知。", CheckSettings())
    assert shown["类别"] == "机构改革后名称" and shown["规则来源"] == "内置词库"
    assert shown["应为"] == "自然资源部" and "2018年国务院机构改革" in shown["说明"]


def test_an_office_rule_shows_it_came_from_the_office_list():
    rule = WordingRule(wrong="张三同志任县长", right="李四同志任县长", severity="high")
    checks = ChecksConfig.model_validate({"wording": {"office": [rule.model_dump()]}})
    shown = _evidence_shown("会议宣布张三同志任县长。", CheckSettings(checks=checks))
    assert shown["规则来源"] == "本单位词表" and "类别" not in shown
