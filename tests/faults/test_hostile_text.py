"""No crawled string may raise in a check, a report or an export (issue 12, failure 1): one
``<a href="http://[::1/">`` on a 留言 board once failed every run of its site.

Property tests over arbitrary text where the crawl puts text — URLs, titles, link texts, meta
values — with the known hostile ones mixed in: each check completes over crafted crawl data,
and each renderer (run report HTML, findings JSON, CSV/XLSX, 整改台账, 回头看, the site index)
completes over findings carrying such text, the HTML inert (no markup of the page's, no link
but http(s) and the report's own anchors). Lone surrogates reach the checks only: a page is
decoded with replacement, so none reaches the store (test_hostile_links.py crawls one).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from lxml.html import HtmlElement
from openpyxl import load_workbook

from checks.config import CheckSettings, ScoringConfig
from checks.links import wrong_links
from checks.model import (
    CheckView,
    ColumnView,
    CrawlData,
    Finding,
    Link,
    ListItemView,
    PageView,
    SearchView,
)
from checks.registry import REGISTRY
from checks.scoring import score
from checks.urls import is_malformed, split_url, url_host, url_origin, url_port, url_scheme
from reports.findings_list import flat_row, render_table, write_csv, write_xlsx
from reports.lookback import render_lookback
from reports.rendering import OWN_SCRIPT_ID, local_href, safe_href
from xuncha.profile import Profile
from xuncha.run.outputs import ledger_rows, lookback, write_run_outputs, write_site_reports
from xuncha.store import Run, Site, Store
from xuncha.tracking import record_findings
from xuncha.tracking.queries import run_findings

FOREIGN = f"//script[not(@id='{OWN_SCRIPT_ID}')]"  # any script but the report's filter

AS_OF = date(2026, 11, 26)
ROOT = "https://www.example.gov.cn/"
HOSTILE = [
    "http://[::1/",
    "http://a:b:c/",
    "http://host:99999/",
    "http://[::1]:99999/",
    "http://%zz/",
    "http://a\uff03b/",  # NFKC turns the netloc's ＃ into #: urlsplit refuses it
    "http://[fe80::1%25eth0]/",
    "javascript:",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\\\\server\\share\\a.doc",
    "file:///C:/a.doc",
    "http://user:pw@www.example.gov.cn/",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</td></tr></table><b>x</b>",
    "\u202e\u200b\u200f附件\u2066",
    '\x00\x08=HYPERLINK("http://x")',
    "http://www.example.gov.cn/a\x00\x08b.html",  # no workbook carries it as a hyperlink
    "=1+1",
    "2026-02-30",
    "9999-99-99",
    "",
    "#",
    ROOT,
]
SAFE_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # no lone surrogate
LONG = st.integers(100_000, 100_010).map(lambda n: "http://x/" + "a" * n)  # a 100 kB href
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    LONG,
    SAFE_TEXT,
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), SAFE_TEXT),
)
ANY_TEXT = st.one_of(TEXT, st.text(max_size=20))  # lone surrogates too (checks only)

# -- the URL helpers are total ----------------------------------------------------------------


@given(ANY_TEXT)
def test_reading_an_address_never_raises(url):
    parts = split_url(url)
    stripped = split_url(url.strip())
    assert url_scheme(url) == ("" if stripped is None else stripped.scheme.lower())
    if parts is not None:
        port = url_port(parts)
        assert port is None or 0 <= port <= 65535
    assert isinstance(url_origin(url), str)
    assert url_host(url) is None or isinstance(url_host(url), str)
    assert is_malformed(url) in (True, False)
    assert safe_href(url) == (url if url_scheme(url) in ("http", "https") else None)
    assert local_href(url) in (None, url)


@pytest.mark.parametrize(
    "url", ["http://[::1/", "http://a:b:c/", "http://host:99999/", "http://a\uff03b/"]
)
def test_an_address_no_parser_accepts_is_malformed_and_not_clickable(url):
    assert is_malformed(url)
    assert safe_href(url) in (None, url)  # never raises; a link shown, or text
    assert not is_malformed("http://127.0.0.1:8080/a.html")


# -- every check completes over hostile crawl data --------------------------------------------


def _page(url, title, role, meta):
    return PageView(url, url, role, 200, title, ROOT, None, None, meta)


@st.composite
def crawl_data(draw, text=ANY_TEXT):
    urls = draw(st.lists(text, min_size=1, max_size=4))
    titles = draw(st.lists(text, min_size=1, max_size=4))

    def pick(values):
        return draw(st.sampled_from(values))

    messages = [
        {"url": pick(urls), "title": pick(titles), "asked": pick(titles), "replied": pick(titles),
         "state": pick(titles)}
        for _ in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    meta = {
        "PubDate": pick(titles), "ArticleTitle": pick(titles), "ColumnName": pick(titles),
        "breadcrumb": [pick(titles)], "newest_item": pick(titles), "messages": messages,
        "channels": [{"url": pick(urls), "name": pick(titles), "in_site": False}],
        "hidden_links": [{"target": pick(urls), "text": pick(titles), "how": pick(titles)}],
        "identity": {"site_code": pick(titles), "site_code_source": pick(titles),
                     "sponsor": pick(titles), "icp": pick(titles)},
    }  # fmt: skip
    pages = [_page(ROOT, pick(titles), "home", meta)]
    pages += [_page(url, pick(titles), pick(["article", "list", "board", "other"]), meta)
              for url in urls]  # fmt: skip
    links = [
        Link(pick([ROOT, *urls]), target, pick(urls), pick(["a", "img", "script", "iframe"]),
             pick(["href", "src"]), pick(["page", "image", "script", "frame"]), pick(titles))
        for target in urls
    ]  # fmt: skip
    checks = {
        url: CheckView(url, "GET", draw(st.sampled_from([None, 200, 404, 500])),
                       draw(st.sampled_from([None, "timeout", "dns_error", "blocked"])),
                       pick(titles), pick(urls), tuple(urls[:2]), "text/html", pick(titles),
                       pick(titles), None, draw(st.booleans()))
        for url in urls
    }  # fmt: skip
    return CrawlData(
        site_name=pick(titles),
        start_urls=(ROOT,),
        scope_domains=("example.gov.cn",),
        checked_at=datetime(2026, 11, 26, 2, tzinfo=UTC),
        pages=tuple(pages),
        columns=(ColumnView(pick(urls), pick(titles), None, pick(titles), "nav", 1, None, 1),),
        list_items=tuple(ListItemView(pick(urls), url, pick(titles), None) for url in urls),
        links=tuple(links),
        link_checks=checks,
        texts={url: pick(titles) for url in [ROOT, *urls]},
        search=SearchView(True, pick(urls), pick(titles), 200, None, 0, pick(titles), pick(urls)),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crawl_data())
def test_every_check_completes_over_hostile_crawl_data(data):
    every = []
    for check_id, info in REGISTRY.items():
        found = info.run(data, CheckSettings(), AS_OF)
        assert all(isinstance(f, Finding) and f.check == check_id for f in found), check_id
        assert all(isinstance(f.url, str) for f in found), check_id
        every += found
    assert score(every, data, ScoringConfig(), AS_OF)["verdict"] in ("合格", "不合格")


@given(st.sampled_from(["http://[::1/", "http://a:b:c/", "http://host:99999/"]), TEXT)
def test_a_malformed_link_is_a_wrong_link_whatever_its_text(target, text):
    link = Link(ROOT, target, target, "a", "href", "page", text)
    data = CrawlData("某县", (ROOT,), ("example.gov.cn",), datetime(2026, 11, 26, tzinfo=UTC),
                     pages=(_page(ROOT, "首页", "home", {}),), links=(link,))  # fmt: skip
    found = wrong_links(data, CheckSettings(), AS_OF)
    assert [(f.subtype, f.url) for f in found] == [("malformed_url", target)]


# -- every renderer completes, the HTML inert -------------------------------------------------

CHECK_SUBTYPES = [
    ("wrong_link", "malformed_url"), ("wrong_link", "javascript_placeholder"),
    ("broken_link", "http_404"), ("misplaced_content", "misplaced"),
    ("wording_error", "miswriting"), ("privacy_leak", "id_number"),
]  # fmt: skip
_SITES = itertools.count(1)


@st.composite
def hostile_findings(draw):
    found = []
    for n in range(draw(st.integers(1, 4))):
        check, subtype = draw(st.sampled_from(CHECK_SUBTYPES))
        url, page, column, unit = (draw(TEXT) for _ in range(4))
        evidence = {key: draw(TEXT) for key in ("text", "title", "target", "raw", "word",
                                                "suggestion", "column", "status")}  # fmt: skip
        found.append(Finding(check, subtype, "high", url, key=f"{n}|{url}", page=page,
                             pages=(page, draw(TEXT)), column=column, evidence=evidence,
                             unit=unit))  # fmt: skip
    return found


def _inert(path: Path) -> None:
    """No element the page's text could have made, no href but http(s), an anchor, a file."""
    tree: HtmlElement = lxml_html.fromstring(path.read_text("utf-8"))
    assert not tree.xpath(
        f"//script[not(@id='{OWN_SCRIPT_ID}')] | //img | //iframe | //b | //object | //embed"
    )
    assert not tree.xpath("//@*[starts-with(name(), 'on')]")
    for href in map(str, tree.xpath("//a/@href")):
        assert href.strip().lower().startswith(("http:", "https:", "#")) or (
            local_href(href) == href
        ), href


def _rows(path: Path) -> int:
    """The rows of a workbook's sheet, each cell within what a spreadsheet cell holds (the store
    keeps 2,000 characters of an address, so a 100 kB href makes no file Excel refuses)."""
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert max(map(len, cells)) <= 32_767
    return sheet.max_row


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'xuncha.db'}")
    yield store
    store.dispose()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(found=hostile_findings(), lang=st.sampled_from(["zh", "en"]))  # fmt: skip
def test_every_report_and_export_completes_over_hostile_findings(store, tmp_path, found, lang):
    n = next(_SITES)
    name = f"{found[0].url[:50]}某县{n}"
    start = f"https://www{n}.example.gov.cn/"
    profile = Profile.model_validate({"name": "某县", "start_urls": [start]})
    out = tmp_path / f"out{n}"
    with store.session() as session, session.begin():
        site = Site(key=start.rstrip("/"), name=name, start_url=start)
        session.add(site)
        session.flush()
        run = Run(site_id=site.id, started_at=datetime.now(UTC), as_of=AS_OF, status="finished",
                  complete=True, profile={}, stats={}, finished_at=datetime.now(UTC))  # fmt: skip
        session.add(run)
        session.flush()
        data = CrawlData(name, (start,), ("example.gov.cn",), datetime.now(UTC))
        record_findings(session, run, [replace(f, unit=f.unit) for f in found], data)
        write_run_outputs(session, run, profile, [], out, lang)
        rows = [flat_row(site, row, lang) for row in run_findings(session, run)]
        ledger = ledger_rows(session, site.key, lang=lang)
        looked = lookback(session, AS_OF, AS_OF, AS_OF, lang=lang) if n % 3 == 0 else None
        written = write_site_reports(session, out / "all", lang) if n % 3 == 0 else None

    assert (out / "report.html").is_file() and not list(out.glob("*.tmp"))
    _inert(out / "report.html")
    document = json.loads((out / "findings.json").read_text("utf-8"))
    assert sorted(f["url"] for f in document["findings"]) == sorted(f.url for f in found)
    assert _rows(out / "ledger.xlsx") == 1 + len(ledger)
    assert {row["url"] for row in rows} == {f.url for f in found}
    text = write_csv(rows, lang, None)
    assert text is not None
    read = list(csv.reader(io.StringIO(text)))
    assert len(read) == 1 + len(rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in read[1:] for cell in row)
    write_xlsx(rows, lang, out / "findings.xlsx")
    assert _rows(out / "findings.xlsx") == 1 + len(rows)
    if written is not None:
        for path in (out / "all").rglob("*.html"):
            _inert(path)
    if looked is not None:
        (out / "lookback.html").write_text(render_lookback(looked), "utf-8")
        _inert(out / "lookback.html")
    terminal = io.StringIO()
    render_table(rows, lang, terminal)
    assert terminal.getvalue().count("\n") >= len(rows)
