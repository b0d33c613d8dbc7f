"""The run report opened in a real browser (Debian's headless Chromium, driven over CDP).

The report comes from two real inspections of a loopback portal whose titles, link texts and
hrefs are XSS payloads: it must render, show the verdict and the trend chart with its points,
log no console error, and run none of the payloads (``window.__xss`` stays undefined). The
driver itself is shown to catch console errors, uncaught exceptions and failed loads, so a
clean result means something.
"""

from __future__ import annotations

from datetime import date

import pytest
from headless import open_page
from hostile_portal import PAYLOADS, SITE_NAME, hostile_portal, pages, profile_data
from openpyxl import load_workbook

from reports.rendering import OWN_SCRIPT_ID
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Store

NIGHTS = (date(2026, 11, 20), date(2026, 11, 23))

PROBES = {
    "title": "document.title",
    "verdict": "document.getElementById('verdict').textContent",
    "chart": "!!document.querySelector('svg#trend-chart')",
    "chart_width": "document.querySelector('svg#trend-chart').getBoundingClientRect().width",
    "points": "[...document.querySelectorAll('svg#trend-chart circle.point')]"
    ".map(c => Number(c.dataset.value))",
    "chart_title": "document.querySelector('svg#trend-chart > title').textContent",
    "findings": "document.querySelectorAll('table.findings tbody tr[data-check]').length",
    "fixed": "[...document.querySelectorAll('#changes-fixed li')].map(li => li.dataset.id)",
    "xss": "typeof window.__xss",
    "scripts": f"[...document.scripts].filter(s => s.id !== '{OWN_SCRIPT_ID}').length",
    "images": "document.images.length",
    "handlers": "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
    ".some(a => a.name.startsWith('on'))).length",
    # every link but the report's own anchors (#id: the first screen to the finding's row)
    "hrefs": "[...document.querySelectorAll('a[href]:not([href^=\"#\"])')].map(a => a.protocol)",
    "anchors": "[...document.querySelectorAll('a[href^=\"#\"]')]"
    ".every(a => document.getElementById(a.getAttribute('href').slice(1)))",
    "text": "document.body.innerText",
    # last, as they change the page: the filter shows with JavaScript on, and choosing "high"
    # leaves only high-severity rows, their groups and the count it says
    "filter_shown": "!document.getElementById('finding-filter').hidden",
    "filtered": "(() => { const s = document.getElementById('filter-severity'); s.value = 'high';"
    " s.dispatchEvent(new Event('change'));"
    " const rows = [...document.querySelectorAll('table.findings tbody tr[data-check]')];"
    " const shown = rows.filter(r => !r.hidden);"
    " return [shown.length, shown.every(r => r.dataset.severity === 'high'),"
    " rows.filter(r => r.dataset.severity === 'high').length,"
    " document.getElementById('filter-count').textContent]; })()",
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Two nights on one database: the second without the broken link (so one is fixed)."""
    work = tmp_path_factory.mktemp("hostile")
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    outcomes = []
    with hostile_portal() as (base, site):
        profile = Profile.model_validate(profile_data(base))
        for night, as_of in enumerate(NIGHTS, start=1):
            if night == 2:
                site.clear()
                site.update(pages(with_broken_link=False))
            out_dir = work / f"night{night}"
            outcomes.append(inspect_site(profile, store, as_of=as_of, out_dir=out_dir,
                                         progress="off"))  # fmt: skip
    store.dispose()
    return outcomes


def test_the_inspections_found_the_payloads(reports):
    """The payloads really reached the report (else the browser test proves nothing)."""
    first, second = reports
    assert (first.status, first.complete, second.status, second.complete) == (
        "finished", True, "finished", True)  # fmt: skip
    html = second.report_path.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert escaped.replace('"', "&#34;") in html, payload
    assert "javascript:window.__xss=4" in html
    assert html.count("<script") == 1 and f'<script id="{OWN_SCRIPT_ID}">' in html


def test_the_run_report_renders_inert_in_chromium(reports):
    first, second = reports
    page = open_page(second.report_path.as_uri(), PROBES)
    values = page.values
    assert page.errors == [], page.errors
    assert values["xss"] == "undefined"
    assert (values["scripts"], values["images"], values["handlers"]) == (0, 0, 0)
    assert set(values["hrefs"]) <= {"http:", "https:"} and values["hrefs"]
    assert values["anchors"] is True  # each leads to a row of the report
    assert values["title"].startswith(SITE_NAME)
    assert values["verdict"] == "不合格"
    assert values["chart"] is True and values["chart_width"] > 100
    assert values["points"] == [first.findings, second.findings]  # every finding raised is open
    assert values["chart_title"].startswith(SITE_NAME)
    assert values["findings"] == second.findings
    assert values["filter_shown"] is True
    shown, all_high, high, said = values["filtered"]
    assert all_high and shown == high and 0 < high < second.findings
    assert said == f"显示 {high} 个问题"
    assert len(values["fixed"]) == 1 and values["fixed"][0].startswith("bl-")
    for payload in PAYLOADS:
        assert payload in values["text"]


def test_the_run_wrote_the_ledger(reports):
    """`xuncha run` writes ledger.xlsx: every finding of the site, the fixed one re-checked."""
    _, second = reports
    sheet = load_workbook(second.report_path.parent / "ledger.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == second.findings + 1
    fixed = [row for row in rows if row[10] == "已整改"]
    assert [(row[2], row[11]) for row in fixed] == [("断链", "2026-11-23 复核已整改")]
    assert all(row[1] == SITE_NAME for row in rows)


CONSOLE_PAGES = {
    "console_error": ("<script>console.error('deliberate')</script>", "console.error: deliberate"),
    "uncaught": ("<script>throw new Error('boom')</script>", "uncaught: Error: boom"),
    "missing_image": ('<img src="missing.png">', "log: Failed to load resource"),
    "clean": ("<p>fine</p><script>console.log('just a log')</script>", None),
}


@pytest.mark.parametrize("name", list(CONSOLE_PAGES), ids=list(CONSOLE_PAGES))
def test_the_driver_catches_what_a_page_logs(tmp_path, name):
    """A console error, an uncaught exception or a failed load reaches `errors`: the report
    test above would fail on any of them."""
    body, expected = CONSOLE_PAGES[name]
    page_file = tmp_path / "page.html"
    page_file.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    page = open_page(page_file.as_uri(), {"xss": "typeof window.__xss"})
    if expected is None:
        assert page.errors == [] and page.messages == ["log: just a log"]
    else:
        assert len(page.errors) == 1 and page.errors[0].startswith(expected), page.errors
    assert page.values == {"xss": "undefined"}
