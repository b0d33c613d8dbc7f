"""The run report's notes on the profile's link rules (链接规则): every rule, its count, in the
report's language; no notes for a run without rules."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from reports.run_report import LinkRuleNote, RunReport, link_rule_notes, render_run_report

STATS = {
    "xuncha/pages/home": 1,
    "link_rules": [
        {"rule": "exclude", "pattern": r"^https://tongji\.", "links": 12},
        {"rule": "accept", "host": "www.partner.gov.cn", "status": [403, "500-599"], "links": 3},
        {"rule": "slow_host", "host": "data.example.gov.cn", "timeout": 2.5, "links": 0},
    ],
}
REPORT = RunReport(
    lang="zh", site_name="示范县人民政府", start_url="https://www.example.gov.cn/", run_id=3,
    as_of="2026-11-20", started_at="2026-11-20T02:00:00", finished_at=None, status="finished",
    complete=True, message=None, pages=3, links_checked=9, findings=[],
)  # fmt: skip


def test_notes_are_read_from_the_runs_stats():
    assert link_rule_notes(SimpleNamespace(stats=STATS)) == [
        LinkRuleNote("exclude", r"^https://tongji\.", 12),
        LinkRuleNote("accept", "www.partner.gov.cn", 3, status="403, 500-599"),
        LinkRuleNote("slow_host", "data.example.gov.cn", 0, timeout="2.5"),
    ]
    assert link_rule_notes(SimpleNamespace(stats={"xuncha/pages/home": 1})) == []


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("zh", [
            r"排除规则 ^https://tongji\.：跳过 12 个链接（不访问、不判断断链；错链照常报告）",
            "接受规则 www.partner.gov.cn 403, 500-599：3 个链接未报告为断链",
            "慢速主机 data.example.gov.cn：超时放宽为 2.5 秒，涉及 0 个链接",
        ]),
        ("en", [
            r"Exclusion ^https://tongji\.: 12 links skipped (not fetched, not judged broken; "
            "wrong links still reported)",
            "Accepted www.partner.gov.cn 403, 500-599: 3 links not reported as broken",
            "Slow host data.example.gov.cn: timeout raised to 2.5 s, 0 links",
        ]),
    ],
    ids=["zh", "en"],
)  # fmt: skip
def test_every_rule_is_shown_with_its_count(lang, lines):
    report = replace(REPORT, lang=lang, link_rules=link_rule_notes(SimpleNamespace(stats=STATS)))
    tree: HtmlElement = lxml_html.fromstring(render_run_report(report))
    items = tree.get_element_by_id("link-rules").xpath(".//li")
    assert [li.text_content() for li in items] == lines
    assert [li.get("data-links") for li in items] == ["12", "3", "0"]


def test_a_run_without_rules_has_no_notes():
    tree = lxml_html.fromstring(render_run_report(REPORT))
    assert not tree.xpath('//*[@id="link-rules"]')
