"""A page anyone can write on (a 留言 board) carries links no URL parser accepts and text that
is an attack; the site's run still finishes (issue 12, failure 1). Once, one
``<a href="http://[::1/">`` made every run of the site exit 2 with a traceback: the run report
raised, the tracking was rolled back, and only ``report.html.tmp`` was left.

A real ``xuncha run`` crawls a real loopback portal, on SQLite and PostgreSQL. Each address no
browser opens is a 错链 (``wrong_link``, subtype ``malformed_url``, docs/checks.md), never
requested and its host never looked up (the suite's network guard would fail the test); the
findings are stored and reported; the report is inert and whole, no ``.tmp`` left behind.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from loopback import Reply, Routes, Server
from lxml import html as lxml_html
from lxml.html import HtmlElement
from openpyxl import load_workbook
from sqlalchemy import select

from reports.rendering import OWN_SCRIPT_ID
from xuncha.cli import cli
from xuncha.store import Finding, Run, Store

FOREIGN = f"//script[not(@id='{OWN_SCRIPT_ID}')]"  # any script but the report's filter

MALFORMED = ["http://[::1/", "http://a:b:c/", "http://host:99999/", "http://%zz/"]
SCRIPT_TEXT = "<script>window.__xss=1</script>附件下载"
TITLE = '"><img src=x onerror="window.__xss=2">示范县\u202e人民政府\u200b'
LONG_PATH = "/" + "a" * 100_000  # a 100 kB href


def _page(port: int) -> bytes:
    """The home page, as raw bytes: NUL bytes and a lone surrogate's character reference are
    in it as a hostile page would send them."""
    hrefs = [
        *(f'<li><a href="{url}">通知{n}</a></li>' for n, url in enumerate(MALFORMED)),
        f'<li><a href="javascript:">{SCRIPT_TEXT.replace("<", "&lt;")}</a></li>',
        '<li><a href="\\\\server\\share\\a.doc">附件</a></li>',
        '<li><a href="/p\x00q.html">附件\x00</a></li>',
        '<li><a href="/a&#xD800;b.html">详见&#xDFFF;\u202eabc</a></li>',
        f'<li><a href="{LONG_PATH}">附件</a></li>',
        f'<li><a href="http://127.0.0.1:{port}/gone.html">附件</a></li>',
    ]
    title = TITLE.replace("<", "&lt;").replace('"', "&quot;")
    return (
        f"<html><head><title>{title}\x00</title></head>"
        f"<body><ul>{''.join(hrefs)}</ul></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def portal():
    routes = Routes(default=Reply(404, body="<html><body>404</body></html>"))
    with Server(routes, methods=("GET", "HEAD")) as server:
        routes.table["/"] = Reply(body=_page(server.port))
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'xuncha.db'}"
    return request.getfixturevalue("pg_url")


def test_a_page_of_hostile_links_is_inspected_and_reported(portal, database, tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "xuncha", "run", "--url", portal.url("/"), "--db", database,
         "--out", str(out), "--as-of", "2026-11-26"],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "ledger.xlsx", "report.html"]

    store = Store(database)
    try:
        with store.session() as session:
            stored = session.scalars(select(Run)).one()
            rows = {(f.check, f.subtype, f.url) for f in session.scalars(select(Finding))}
    finally:
        store.dispose()
    assert (stored.status, stored.complete) == ("finished", True)
    wrong = {(subtype, url) for check, subtype, url in rows if check == "wrong_link"}
    assert wrong == {
        *(("malformed_url", url) for url in MALFORMED),
        ("javascript_placeholder", "javascript:"),
        ("windows_path", "\\\\server\\share\\a.doc"),
    }
    broken = {url.rsplit("/", 1)[-1][:20] for check, _, url in rows if check == "broken_link"}
    # NUL and the surrogate's reference arrive as U+FFFD, percent-encoded; the long path too.
    assert broken == {"gone.html", "p%EF%BF%BDq.html", "a%EF%BF%BDb.html", "a" * 20}
    # Nothing malformed was requested: the server saw the page and the loopback targets only.
    asked = {r.path[:20] for r in portal.requests if "xuncha-probe" not in r.path}
    loopback_targets = ["/", "/gone.html", "/p%EF%BF%BDq.html", "/a%EF%BF%BDb.html", LONG_PATH,
                        "/server/share/a.doc", "/robots.txt", "/favicon.ico"]  # fmt: skip
    assert "/" in asked <= {path[:20] for path in loopback_targets}

    document = json.loads((out / "findings.json").read_text("utf-8"))
    exported = {(f["check"], f["subtype"], f["url"]) for f in document["findings"]}
    assert exported == rows
    report = (out / "report.html").read_text("utf-8")
    tree: HtmlElement = lxml_html.fromstring(report)
    assert not tree.xpath(FOREIGN + " | //img | //@onerror")
    hrefs = [str(h) for h in tree.xpath("//a/@href")]
    assert hrefs and not [h for h in hrefs if not h.startswith(("http://", "https://", "#"))]
    for url in MALFORMED:
        assert url in tree.text_content()
    assert SCRIPT_TEXT in tree.text_content()
    portal.requests.clear()


def test_the_report_commands_read_the_hostile_run_back(portal, tmp_path):
    """``xuncha report``, ``findings --format csv|xlsx``, ``ledger`` and ``lookback`` over the
    stored run: each exits 0 and writes its file, the HTML inert."""
    database = f"sqlite:///{tmp_path / 'xuncha.db'}"
    first = subprocess.run([sys.executable, "-m", "xuncha", "run", "--url", portal.url("/"),
                            "--db", database, "--out", str(tmp_path / "out"),
                            "--as-of", "2026-11-26"],
                           capture_output=True, text=True, timeout=240)  # fmt: skip
    assert first.returncode == 0, first.stderr
    commands = {
        "report": ["report", "--out", str(tmp_path / "all")],
        "csv": ["findings", "--format", "csv", "--out", str(tmp_path / "f.csv")],
        "xlsx": ["findings", "--format", "xlsx", "--out", str(tmp_path / "f.xlsx")],
        "ledger": ["ledger", "--out", str(tmp_path / "ledger.xlsx")],
        "lookback": ["lookback", "--since", "2026-01-01", "--out", str(tmp_path / "lb.html")],
    }
    for name, args in commands.items():
        done = CliRunner().invoke(cli, [*args, "--db", database])
        assert done.exit_code == 0, (name, done.output, done.exception)
    assert not [p for p in tmp_path.rglob("*.tmp")]
    csv_text = (tmp_path / "f.csv").read_text("utf-8-sig")
    assert all(url in csv_text for url in MALFORMED)
    with (tmp_path / "f.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f))
    sheet = load_workbook(tmp_path / "f.xlsx").active
    assert sheet is not None and sheet.max_row == len(csv_rows) > len(MALFORMED)
    pages = [*(tmp_path / "all").rglob("*.html"), tmp_path / "lb.html"]
    assert len(pages) == 3
    for path in pages:
        tree = lxml_html.fromstring(path.read_text("utf-8"))
        assert not tree.xpath(FOREIGN + " | //img | //@onerror"), path.name
    portal.requests.clear()
