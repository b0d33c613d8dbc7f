"""增量巡查 end to end: a night after a complete run fetches only what changed, and still
reports the whole site.

A small TRS-style portal is served from memory by a loopback server that sends ETag and
Last-Modified and answers conditional requests with 304, as nginx or a CMS's static
publishing does. Four nights, one SQLite store, the real runner and crawl process:

1. the first run fetches everything;
2. nothing changed: list pages are revalidated (304), articles are not fetched with a body,
   link targets that worked are not asked again, every broken one is; the same findings;
3. a CMS edit: one article gains a broken link and its column's first list page is published
   again with a new article on top; both articles are fetched and checked that night, the
   other column's articles are not;
4. ``full``: everything is fetched again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from datetime import date, timedelta
from email.utils import formatdate
from pathlib import Path

import pytest
from loopback import Recorder, Reply, Request, Server
from lxml import html as lxml_html

from xuncha.cli import run_summary
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Page, Run, Store

AS_OF = date(2026, 11, 26)
COLUMNS = {"tzgg": "通知公告", "gzdt": "工作动态"}
PER_COLUMN = 12  # two list pages of eight and four


class Portal:
    """Pages by path; every publish bumps the page's version (its ETag and Last-Modified),
    which the loopback server revalidates: an If-None-Match naming it gets a 304."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, int]] = {}
        self.clock = 1_790_000_000
        self.requests = Recorder()
        self.lock = threading.Lock()

    def publish(self, path: str, html: str) -> None:
        self.clock += 60
        with self.lock:
            self.pages[path] = (html.encode("utf-8"), self.clock)

    def respond(self, request: Request) -> Reply:
        path = _routed(request.path)
        with self.lock:
            found = self.pages.get(path)
        kind = "image/png" if path.endswith(".png") else "text/html; charset=utf-8"
        if found is None:
            return Reply(404, body=b"<html><body>404</body></html>", content_type=kind)
        data, version = found
        etag = f'"{hashlib.sha1(data).hexdigest()[:12]}-{version}"'
        headers = (("ETag", etag), ("Last-Modified", formatdate(version, usegmt=True)))
        return Reply(200, headers, data, content_type=kind)

    @property
    def log(self) -> list[tuple[str, str, int | None]]:
        """(method, path as routed, status) of every request answered."""
        return [(r.method, _routed(r.path), r.status) for r in self.requests]


def _routed(path: str) -> str:
    """The page a path names: a column's ``index.html`` is its folder."""
    if path == "/zwgk/tzgg/index.html" or path == "/zwgk/gzdt/index.html":
        return path[: -len("index.html")]
    return path


def _page(title: str, body: str) -> str:
    nav = '<a href="/">首页</a> <a href="/zwgk/">政务公开</a> ' + " ".join(
        f'<a href="/zwgk/{slug}/">{name}</a>' for slug, name in COLUMNS.items()
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div class="nav">{nav}</div><div class="main">{body}</div>'
        '<div class="foot">示范县人民政府办公室主办</div></body></html>'
    )


def _article_path(slug: str, n: int) -> str:
    return f"/zwgk/{slug}/202611/t202611{n + 1:02d}_{n + 1}.html"


def _article(slug: str, n: int, extra: str = "") -> str:
    day = AS_OF - timedelta(days=n)
    other = _article_path(slug, (n + 1) % PER_COLUMN)
    body = (
        f"<h1>{COLUMNS[slug]}第{n + 1}号</h1><p>发布日期：{day:%Y-%m-%d}</p>"
        f"<p>为进一步加强政务公开工作，现将有关事项通知如下。</p>"
        f'<a href="{other}">相关文件</a> <img src="/images/logo.png" alt="标识">'
    )
    if n % 4 == 0:  # a quarter of the articles link a document that was never uploaded
        body += f'<a href="/zwgk/{slug}/files/missing_{n}.pdf">附件</a>'
    return _page(f"{COLUMNS[slug]}第{n + 1}号", body + extra)


def _entries(slug: str, numbers: list[int], extra: str = "") -> str:
    rows = "".join(
        f'<li><a href="{_article_path(slug, n)}">{COLUMNS[slug]}第{n + 1}号</a>'
        f"<span>{AS_OF - timedelta(days=n):%Y-%m-%d}</span></li>"
        for n in numbers
    )
    return f"<ul>{extra}{rows}</ul>"


def _list(slug: str, page: int, extra: str = "") -> str:
    numbers = list(range(PER_COLUMN))[page * 8:(page + 1) * 8]  # fmt: skip
    pager = '<a href="index_1.html">下一页</a>' if page == 0 else '<a href="index.html">上一页</a>'
    return _page(COLUMNS[slug], f"<h2>{COLUMNS[slug]}</h2>{_entries(slug, numbers, extra)}{pager}")


def _build(portal: Portal) -> None:
    portal.publish("/", _page("示范县人民政府", '<a href="/zwgk/">政务公开</a>'))
    links = "".join(f'<li><a href="/zwgk/{s}/">{n}</a></li>' for s, n in COLUMNS.items())
    portal.publish("/zwgk/", _page("政务公开", f'<ul class="nav-columns">{links}</ul>'))
    portal.publish("/images/logo.png", "PNG")
    for slug in COLUMNS:
        portal.publish(f"/zwgk/{slug}/", _list(slug, 0))
        portal.publish(f"/zwgk/{slug}/index_1.html", _list(slug, 1))
        for n in range(PER_COLUMN):
            portal.publish(_article_path(slug, n), _article(slug, n))


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    work: Path = tmp_path_factory.mktemp("incremental")
    portal = Portal()
    _build(portal)
    server = Server(portal.respond, recorder=portal.requests).start()
    origin = server.url("/")
    profile = Profile.model_validate(
        {"name": "示范县人民政府", "start_urls": [origin],
         "politeness": {"autothrottle": False, "delay": 0}}
    )  # fmt: skip
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    results = {}

    def night(number: int, full: bool = False) -> None:
        portal.requests.clear()
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / f"n{number}",
                               progress="off", full=full)  # fmt: skip
        assert outcome.status == "finished" and outcome.complete, outcome.message
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        results[number] = (outcome, document, list(portal.log))

    try:
        night(1)
        night(2)
        portal.publish(_article_path("tzgg", 1), _article(
            "tzgg", 1, '<a href="/zwgk/tzgg/files/withdrawn.doc">补充说明</a>'))  # fmt: skip
        new_entry = (f'<li><a href="/zwgk/tzgg/202611/t20261126_99.html">通知公告第99号</a>'
                     f"<span>{AS_OF:%Y-%m-%d}</span></li>")  # fmt: skip
        portal.publish(
            "/zwgk/tzgg/202611/t20261126_99.html",
            _page(
                "通知公告第99号",
                '<h1>通知公告第99号</h1><a href="/zwgk/tzgg/files/draft.docx">附件</a>',
            ),
        )
        portal.publish("/zwgk/tzgg/", _list("tzgg", 0, new_entry))
        night(3)
        night(4, full=True)
        yield portal, store, results
    finally:
        server.stop()
        store.dispose()


def _gets(log, status=None):
    return Counter(p for m, p, s in log if m == "GET" and status in (None, s))


def _broken(document) -> set[str]:
    return {f["url"] for f in document["findings"] if f["check"] == "broken_link"}


def _articles(slug: str | None = None) -> set[str]:
    slugs = [slug] if slug else list(COLUMNS)
    return {_article_path(s, n) for s in slugs for n in range(PER_COLUMN)}


def test_the_first_night_fetches_every_page_once(nights):
    _, _, results = nights
    outcome, document, log = results[1]
    gets = _gets(log, 200)
    assert {path: gets[path] for path in _articles()} == dict.fromkeys(_articles(), 1)
    assert len(_broken(document)) == 2 * 3  # articles 0, 4 and 8 of each column
    assert outcome.pages >= 2 + 4 + 2 * PER_COLUMN


def test_an_unchanged_night_asks_only_what_it_must(nights):
    _, store, results = nights
    first, second = results[1], results[2]
    log = second[2]
    # No article and no list page comes with a body: lists answer 304, articles are not asked
    # (those with an open finding are revalidated: 304 too).
    assert [p for p in _gets(log, 200) if p.startswith("/zwgk/")] == []
    revalidated = _gets(log, 304)
    assert revalidated["/zwgk/tzgg/"] >= 1 and revalidated["/zwgk/gzdt/index_1.html"] == 1
    # Every broken target is checked again; the image that loaded is not.
    assert {p for p in _gets(log, 404) if "missing_" in p} == {
        f"/zwgk/{s}/files/missing_{n}.pdf" for s in COLUMNS for n in (0, 4, 8)
    }
    assert not any(p == "/images/logo.png" for _, p, _ in log)
    assert len(log) <= len(first[2]) // 2
    # The whole site is still judged: same pages, same findings, same ids.
    assert second[0].pages == first[0].pages
    assert {f["id"] for f in second[1]["findings"]} == {f["id"] for f in first[1]["findings"]}
    with store.session() as session:
        runs = session.query(Run).order_by(Run.id).all()
        assert runs[1].stats["incremental"]["prior_run"] == runs[0].id
        carried = session.query(Page).filter(Page.run_id == runs[1].id).count()
        assert carried == first[0].pages
    # The report and the summary say what was kept, and from which run.
    assert (first[0].prior_run, second[0].prior_run) == (None, runs[0].id)
    assert f"增量巡查：未变化的页面沿用检测 #{runs[0].id}" in run_summary(second[0], "zh")
    stats = runs[1].stats
    kept = stats["incremental"]["pages"] + stats["xuncha/incremental/unchanged"]
    assert kept == first[0].pages  # the start page too: it answered 304
    assert stats["incremental"]["link_checks"] >= 1
    report = lxml_html.parse(str(second[0].report_path)).getroot()
    assert (
        report.get_element_by_id("run-incremental")
        .text_content()
        .startswith(f"增量巡查：{kept} 个页面自第 #{runs[0].id} 次检测以来未变化")
    )
    first_report = lxml_html.parse(str(first[0].report_path)).getroot()
    assert first_report.xpath('//*[@id="run-incremental"]') == []


def test_a_cms_edit_is_fetched_and_checked_the_same_night(nights):
    _, _, results = nights
    outcome, document, log = results[3]
    gets = _gets(log, 200)
    # The edited article and the new one come with their bodies; the republished list page's
    # other entries are asked conditionally (304); the other column is not touched.
    assert gets[_article_path("tzgg", 1)] == 1
    assert gets["/zwgk/tzgg/202611/t20261126_99.html"] == 1
    assert [p for p in gets if p in _articles("gzdt")] == []
    assert [p for p in _articles("tzgg") if gets[p] > 1] == []
    # What changed is checked tonight: both new broken links are findings.
    new = {url.split("/", 3)[3] for url in _broken(document) - _broken(results[2][1])}
    assert new == {"zwgk/tzgg/files/withdrawn.doc", "zwgk/tzgg/files/draft.docx"}
    assert outcome.pages == results[2][0].pages + 1


def test_a_full_night_fetches_everything_again(nights):
    _, _, results = nights
    log = results[4][2]
    gets = _gets(log, 200)
    everything = _articles() | {"/zwgk/tzgg/202611/t20261126_99.html"}
    assert {path: gets[path] for path in everything} == dict.fromkeys(everything, 1)
    assert _broken(results[4][1]) == _broken(results[3][1])
