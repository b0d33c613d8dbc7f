"""`xuncha report`: one database, several sites — each site's latest report rebuilt from the
store and an index.html over them, on SQLite and PostgreSQL."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from lxml.html import HtmlElement
from report_world import TREND, build
from tracking_world import IDENTITY, World

from xuncha.cli import cli, main
from xuncha.store import Run, Store

OTHER = "<script>alert(1)</script>另一局"


def _database(db_url):
    """辽源 (four runs, unscored), 另一局 (one scored run), 新站 (no run yet)."""
    store = Store(db_url)
    build(store)
    other = World(store, OTHER, "https://other.example.gov.cn/")
    run_id = other.run([IDENTITY])
    with store.session() as session, session.begin():
        session.get_one(Run, run_id).score = {"verdict": "合格", "points": 92.5, "vetoes": [],
                                              "veto_reasons": [], "deductions": [], "warnings": [],
                                              "model": {"zh": "模型", "en": "model"}}  # fmt: skip
    World(store, "新站", "https://new.example.gov.cn/")
    store.dispose()
    return store.url


def test_index_and_reports_of_every_site(db_url, tmp_path):
    url = _database(db_url)
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["report", "--db", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    index: HtmlElement = lxml_html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    rows = {tr.get("data-site"): tr for tr in index.xpath("//table[@id='sites']/tbody/tr")}
    assert list(rows) == ["辽源市交通运输局", OTHER, "新站"]
    liaoyuan, other, new = rows.values()

    def cell(row, name):
        return row.xpath(f".//td[contains(@class, '{name}')]")[0].text_content().strip()

    assert cell(liaoyuan, "as-of").startswith("2026-11-20")
    assert (cell(liaoyuan, "verdict"), cell(liaoyuan, "points"), cell(liaoyuan, "open")) == (
        "未评分", "—", "4")  # fmt: skip
    spark = liaoyuan.xpath(".//*[local-name()='svg']//*[local-name()='circle']")
    assert [int(c.get("data-value")) for c in spark] == TREND
    assert (cell(other, "verdict"), cell(other, "points"), cell(other, "open")) == (
        "合格", "92.5", "1")  # fmt: skip
    assert cell(new, "as-of") == "尚无检测" and not new.xpath(".//a[not(contains(@href, ':'))]")
    links = [a.get("href") for a in index.xpath("//a") if ":" not in a.get("href")]
    assert links == ["site-1/report.html", "site-2/report.html"]
    for href in links:
        report: HtmlElement = lxml_html.fromstring((out / href).read_text(encoding="utf-8"))
        assert report.get_element_by_id("run-status").text_content() == "已完成"
    first: HtmlElement = lxml_html.fromstring((out / links[0]).read_text(encoding="utf-8"))
    assert (
        len(first.xpath("//table[@class='findings']/tbody/tr[@data-check]")) == 6
    )  # its latest run's
    assert not index.xpath("//script") and OTHER in index.text_content()


def test_one_site_in_english(db_url, tmp_path):
    url = _database(db_url)
    out = tmp_path / "en"
    result = CliRunner().invoke(cli, ["report", "--db", url, "--out", str(out),
                                      "--site", "https://other.example.gov.cn/", "--lang", "en",
                                      "--runs", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    index: HtmlElement = lxml_html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert [tr.get("data-site") for tr in index.xpath("//table[@id='sites']/tbody/tr")] == [OTHER]
    assert "pass" in index.xpath("//td[contains(@class, 'verdict')]")[0].text_content()
    assert index.xpath("//h1")[0].text_content() == "Sites inspected"
    assert (out / "site-2" / "report.html").exists() and not (out / "site-1").exists()


def test_an_unknown_site_is_one_line(db_url, tmp_path, capsys, monkeypatch):
    url = _database(db_url)
    monkeypatch.setattr(sys, "argv", ["xuncha", "report", "--db", url, "--site", "无此站",
                                      "--out", str(tmp_path)])  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("xuncha: no site '无此站'") and err.count("\n") == 1
