"""A run that ended before its checks ran has no findings, and its report must not read as a
clean bill of health (本次检测未发现问题)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from reports.run_report import RunReport, render_run_report


def _report(status: str, complete: bool, lang: str = "zh") -> lxml_html.HtmlElement:
    report = RunReport(
        lang=lang, site_name="某县人民政府", start_url="https://www.example.gov.cn/", run_id=3,
        as_of="2026-12-07", started_at="2026-12-07 01:30", finished_at="2026-12-07 01:41",
        status=status, complete=complete, message="crawl ended: shutdown", pages=57,
        links_checked=0, findings=[], counts_by_check=[],
    )  # fmt: skip
    return lxml_html.fromstring(render_run_report(report))


@pytest.mark.parametrize("status", ["interrupted", "failed"])
def test_an_unjudged_run_says_nothing_was_checked(status):
    page = _report(status, complete=False)
    text = page.text_content()
    assert "本次检测未发现问题" not in text
    [notice] = page.xpath('//*[@id="not-judged"]')
    assert "未作检查" in notice.text_content() and "不表示网站没有问题" in notice.text_content()
    english = _report(status, complete=False, lang="en").text_content()
    assert "No findings in this run" not in english and "nothing was checked" in english


def test_a_finished_run_without_findings_says_so():
    page = _report("finished", complete=True)
    assert "本次检测未发现问题" in page.text_content()
    assert page.xpath('//*[@id="not-judged"]') == []
