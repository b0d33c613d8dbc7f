"""The HTML run report: hostile crawled text renders inert; only http(s) links are clickable."""
# ruff: noqa: E501  (literal report fixtures read better unwrapped)

from __future__ import annotations

from lxml import html as lxml_html
from lxml.html import HtmlElement

from reports.rendering import OWN_SCRIPT_ID, safe_href
from reports.run_report import ReportFinding, RunReport, render_run_report

FOREIGN_SCRIPT = f"//script[not(@id='{OWN_SCRIPT_ID}')]"
HOSTILE_TITLE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def _report(url: str, title: str = HOSTILE_TITLE, lang: str = "zh") -> RunReport:
    finding = ReportFinding(
        id="bl-1", check="broken_link", subtype="http_404", severity="high", title=title,
        detail="<b>细节</b>", url=url, page="https://xxgk.example.gov.cn/a.html",
        pages=["https://xxgk.example.gov.cn/a.html", "https://xxgk.example.gov.cn/b.html"],
        column=None, status="open", first_seen="2026-11-20", deadline="2026-12-04",
    )  # fmt: skip
    return RunReport(
        lang=lang, site_name="<script>站</script>", start_url="https://jtj.example.gov.cn/", run_id=7,
        as_of="2026-11-20", started_at="2026-11-20T02:00:00", finished_at=None, status="finished",
        complete=True, message=None, pages=3, links_checked=9, findings=[finding],
        counts_by_check=[("broken_link", "断链", 1)],
    )  # fmt: skip


def test_hostile_text_is_escaped():
    page = render_run_report(_report("https://x.example.gov.cn/a"))
    tree: HtmlElement = lxml_html.fromstring(page)
    assert not tree.xpath("//img") and not tree.xpath(FOREIGN_SCRIPT) and not tree.xpath("//b")
    assert HOSTILE_TITLE in tree.text_content()
    assert tree.get_element_by_id("bl-1").get("data-check") == "broken_link"


def test_javascript_url_is_not_clickable():
    tree: HtmlElement = lxml_html.fromstring(
        render_run_report(_report("javascript:alert(document.cookie)"))
    )
    hrefs = tree.xpath("//a/@href")
    assert not [h for h in hrefs if not h.startswith(("http://", "https://"))]
    assert "javascript:alert(document.cookie)" in tree.text_content()


def test_summary_and_language():
    zh: HtmlElement = lxml_html.fromstring(render_run_report(_report("https://x/a")))
    assert zh.get_element_by_id("run-status").text_content() == "已完成"
    assert "另有 1 个页面" in zh.text_content()
    en: HtmlElement = lxml_html.fromstring(render_run_report(_report("https://x/a", lang="en")))
    assert en.get_element_by_id("run-status").text_content() == "finished"
    assert en.get("lang") == "en"


def test_safe_href():
    assert safe_href("https://a/") == "https://a/"
    assert safe_href(" JavaScript:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href(None) is None


def test_a_finding_url_reads_short_and_links_whole():
    url = "https://jtj.example.gov.cn/zwgk/tzgg/t20261120_5.html?from=home"
    tree: HtmlElement = lxml_html.fromstring(render_run_report(_report(url)))
    row = tree.get_element_by_id("bl-1")
    [target, source, *_] = row.xpath(".//a")
    assert target.text_content() == "/zwgk/tzgg/t20261120_5.html?from=home"
    assert target.get("href") == url and target.get("title") == url
    # a page of another host of the portal keeps its host
    assert source.text_content() == "xxgk.example.gov.cn/a.html"
    assert source.get("href") == "https://xxgk.example.gov.cn/a.html"
