"""A stored run read in batches gives the checks exactly what the same rows give as tuples.

`load_crawl` leaves links, link checks and texts in the store and reads them in batches each
time a check goes through them (xuncha/store/snapshot.py). The world here is one run of a few
thousand links whose rows are interleaved with another run's (so every read must keep to its
run), read with batches far smaller than the run, on SQLite and PostgreSQL; the findings must
be those of a `CrawlData` built from the very same rows as plain tuples and dicts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import insert, select

from checks.model import CheckView, CrawlData, Link, PageView, links_to
from checks.registry import run_checks
from xuncha.profile import ColumnSpec, Profile
from xuncha.store import (
    Column,
    LinkCheck,
    LinkOccurrence,
    Page,
    PageText,
    Run,
    Site,
    Store,
    snapshot,
)
from xuncha.store.snapshot import load_crawl
from xuncha.tracking.recheck import Coverage

ROOT = "https://www.example.gov.cn/"
OTHER_HOST = "https://www.other.gov.cn/"
AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
ARTICLES = 100
TEMPLATE_IMAGE = ROOT + "images/banner-old.png"  # broken, on every article
HTTP_IMAGE = "http://img.example.gov.cn/logo.png"  # mixed content, on every article
INTRANET = "http://10.20.30.40/oa/notice.html"
SOFT_404 = ROOT + "zwgk/moved.html"  # answers 200 with the probe's page
REDIRECTED = ROOT + "zwgk/old-redirect.html"  # a chain ending in 404
TIMEOUT = OTHER_HOST + "slow.html"
EXTRA_START = ROOT + "xxgk/"  # a further start URL that fails and is linked from nowhere
PROFILE_COLUMN = ROOT + "zwgk/gone-column/"  # a profile column that fails, linked from nowhere
PROBE = ROOT + "xuncha-probe-0.html"
LEAK_ATTACHMENT = ROOT + "files/名单.xlsx"


def article(n: int) -> str:
    return f"{ROOT}zwgk/tzgg/202610/t20261001_{n}.html"


def link(page: str, target: str, text: str = "", **kw: str) -> dict[str, Any]:
    row = {"page": page, "target": target, "raw": target, "tag": "a", "attr": "href",
           "kind": "page", "text": text}  # fmt: skip
    row.update(kw)
    return row


def page(url: str, role: str, title: str | None = None, column: str | None = None) -> dict:
    return {"url": url, "final_url": url, "role": role, "status": 200, "fetched_at": NOW,
            "title": title, "column_url": column, "meta": {}}  # fmt: skip


def check(target: str, status: int | None = 200, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"target": target, "method": "GET", "status": status, "error": None,
           "error_detail": None, "final_url": target, "redirects": [], "content_type": "text/html",
           "title": None, "text_sample": None, "content_hash": None, "probe": False,
           "checked_at": NOW}  # fmt: skip
    row.update(kw)
    return row


@dataclass
class World:
    """The rows of one run, as inserted, and what the checks must find in them."""

    pages: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)


def build_world(prefix: str = "") -> World:
    """`prefix` makes a second run's rows differ from the first's (the noise run)."""
    world = World()
    home = ROOT + prefix
    world.pages.append(page(home, "home"))
    world.checks.append(check(home))
    world.checks.append(check(PROBE, 200, probe=True, content_hash="probe-page"))
    for n in range(ARTICLES):
        url = article(n) if not prefix else f"{ROOT}{prefix}{n}.html"
        world.pages.append(page(url, "article", f"关于第{n}号事项的通知", ROOT + "zwgk/tzgg/"))
        world.checks.append(check(url, content_hash=f"page-{n}"))
        text = f"第{n}号事项。联系人王先生，手机{13900000000 + n}。" if n % 9 == 0 else "特此通知。"
        if n == 5:
            text += "坚持和发展中国特色社会主意。"
        world.texts.append({"url": url, "format": "html", "text": text})
        world.links += [link(url, home, "首页")]
        world.links += [link(url, f"{ROOT}zwgk/col{c}/", f"栏目{c}") for c in range(10)]
        world.links += [link(url, article((n * 7 + k) % ARTICLES), "相关") for k in range(12)]
        world.links += [link(url, f"{ROOT}images/i{(n + k) % 30}.jpg", "", tag="img", attr="src",
                             kind="resource") for k in range(5)]  # fmt: skip
        world.links += [link(url, TEMPLATE_IMAGE, "", tag="img", attr="src", kind="resource"),
                        link(url, HTTP_IMAGE, "", tag="img", attr="src", kind="resource"),
                        link(url, LEAK_ATTACHMENT, "附件：名单", kind="attachment")]  # fmt: skip
        gone = f"{ROOT}zwgk/gone/{prefix}{n}.html"
        world.links.append(link(url, gone, "原文件"))
        world.checks.append(check(gone, 404))
        world.broken.add(gone)
        if n % 10 == 0:
            world.links.append(link(url, "javascript:void(0)", "点击下载"))
            world.links.append(link(url, INTRANET, "内部通知"))
            world.links += [link(url, target, "相关链接")
                            for target in (SOFT_404, REDIRECTED, TIMEOUT)]  # fmt: skip
    world.checks += [check(f"{ROOT}zwgk/col{c}/") for c in range(10)]
    world.checks += [check(f"{ROOT}images/i{k}.jpg", method="HEAD") for k in range(30)]
    world.checks += [
        check(TEMPLATE_IMAGE, 404),
        check(HTTP_IMAGE, method="HEAD"),
        check(LEAK_ATTACHMENT),
        check(INTRANET, None, method=None, error="blocked", error_detail="private 10.0.0.0/8"),
        check(SOFT_404, content_hash="probe-page", title="欢迎", text_sample="欢迎访问"),
        check(
            REDIRECTED,
            404,
            redirects=[REDIRECTED, ROOT + "zwgk/nowhere.html"],
            final_url=ROOT + "zwgk/nowhere.html",
        ),  # fmt: skip
        check(TIMEOUT, None, error="timeout", error_detail="no answer in 20 s"),
        check(EXTRA_START, 404),
        check(PROFILE_COLUMN, 404),
    ]
    world.broken |= {TEMPLATE_IMAGE, SOFT_404, REDIRECTED, TIMEOUT, EXTRA_START, PROFILE_COLUMN}
    world.pages.append(page(LEAK_ATTACHMENT, "attachment"))
    world.columns.append({"url": PROFILE_COLUMN, "name": "已撤销栏目", "source": "profile",
                          "list_pages": 0, "items": 0})  # fmt: skip
    world.texts.append({"url": LEAK_ATTACHMENT, "format": "xlsx",
                        "text": "姓名 身份证号 张三 22030219900101123X"})  # fmt: skip
    return world


PROFILE = Profile(
    name="示例市人民政府",
    start_urls=[ROOT, EXTRA_START],
    columns=[ColumnSpec(name="已撤销栏目", url=PROFILE_COLUMN)],
)


def _run(session: Any, site_id: int) -> int:
    run = Run(site_id=site_id, started_at=NOW, finished_at=NOW, as_of=AS_OF, status="finished",
              complete=True, profile=PROFILE.model_dump(mode="json"), stats={})  # fmt: skip
    session.add(run)
    session.flush()
    return run.id


def _insert_interleaved(store: Store, runs: dict[int, World]) -> None:
    """Rows of the runs in alternating slices, so the ids of one run are not contiguous."""
    with store.engine.begin() as conn:
        for model, rows_of in ((Page, "pages"), (LinkOccurrence, "links"), (Column, "columns"),
                               (LinkCheck, "checks"), (PageText, "texts")):  # fmt: skip
            slices = {run_id: getattr(world, rows_of) for run_id, world in runs.items()}
            for start in range(0, max(len(rows) for rows in slices.values()), 97):
                for run_id, rows in slices.items():
                    chunk = [dict(row, run_id=run_id) for row in rows[start : start + 97]]
                    if chunk:
                        conn.execute(insert(model), chunk)


def _as_tuples(data: CrawlData, world: World) -> CrawlData:
    """The same run as the tests of the checks build it: tuples and dicts of the rows."""
    links = tuple(Link(r["page"], r["target"], r["raw"], r["tag"], r["attr"], r["kind"],
                           r["text"]) for r in world.links)  # fmt: skip
    checks = {
        r["target"]: CheckView(
            r["target"],
            r["method"],
            r["status"],
            r["error"],
            r["error_detail"],
            r["final_url"],
            tuple(r["redirects"]),
            r["content_type"],
            r["title"],
            r["text_sample"],
            r["content_hash"],
            r["probe"],
        )  # fmt: skip
        for r in world.checks
    }
    texts = {r["url"]: r["text"] for r in world.texts}
    return replace(data, links=links, link_checks=checks, texts=texts)


@pytest.fixture
def stored(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """(session, stored CrawlData, the world) of a run stored beside another one; batches of
    a few rows, so every read takes many."""
    monkeypatch.setattr(snapshot, "BATCH", 50)
    monkeypatch.setattr(snapshot, "IN_CHUNK", 7)
    store = Store(db_url)
    world, noise = build_world(), build_world(prefix="noise/")
    with store.session() as session, session.begin():
        site = Site(key=ROOT, name="示例市人民政府", start_url=ROOT)
        session.add(site)
        session.flush()
        run_id, noise_id = _run(session, site.id), _run(session, site.id)
    _insert_interleaved(store, {run_id: world, noise_id: noise})
    with store.session() as session, session.begin():
        yield session, load_crawl(session, session.get_one(Run, run_id), PROFILE), world
    store.dispose()


def test_the_world_has_thousands_of_links_and_every_kind_of_finding(stored) -> None:
    _, data, world = stored
    found = Counter(f.check for f in run_checks(data, PROFILE.check_settings, AS_OF))
    assert len(world.links) > 3000
    assert found["broken_link"] == len(world.broken) == ARTICLES + 6
    assert found["wrong_link"] == 2  # the javascript: placeholder, the intranet address
    assert found["mixed_content"] == 1
    assert found["privacy_leak"] == ARTICLES // 9 + 1 + 1  # pages, and the attachment's ID
    assert found["wording_error"] == 1


def test_streamed_findings_are_those_of_the_same_rows_as_tuples(stored) -> None:
    _, data, world = stored
    assert not isinstance(data.links, tuple)
    assert run_checks(data, PROFILE.check_settings, AS_OF) == run_checks(
        _as_tuples(data, world), PROFILE.check_settings, AS_OF
    )


def test_a_broken_link_lists_every_page_once_in_crawl_order(stored) -> None:
    _, data, _ = stored
    found = {
        f.url: f
        for f in run_checks(data, PROFILE.check_settings, AS_OF)
        if f.check == "broken_link"
    }
    banner = found[TEMPLATE_IMAGE]
    assert banner.pages == tuple(article(n) for n in range(ARTICLES))
    assert (banner.page, banner.severity) == (article(0), "medium")
    assert banner.evidence == {"status": 404, "method": "GET", "tag": "img", "kind": "resource"}
    assert found[EXTRA_START].pages == (EXTRA_START,)  # linked from the profile only
    assert found[PROFILE_COLUMN].evidence["link_text"] == "已撤销栏目"
    assert found[SOFT_404].subtype == "soft_404"
    assert found[REDIRECTED].evidence["redirects"][-1] == ROOT + "zwgk/nowhere.html"


def test_a_leak_in_an_attachment_names_the_pages_that_link_it(stored) -> None:
    _, data, _ = stored
    (leak,) = [
        f for f in run_checks(data, PROFILE.check_settings, AS_OF) if f.url == LEAK_ATTACHMENT
    ]
    assert (leak.subtype, leak.page, leak.evidence["source"]) == (
        "id_number",
        article(0),
        "attachment",
    )
    assert leak.pages == tuple(article(n) for n in range(ARTICLES))


def test_links_are_re_iterable_and_keep_to_their_run(stored) -> None:
    _, data, world = stored
    expected = [(r["page"], r["target"], r["text"]) for r in world.links]
    for _ in range(2):
        assert [(lk.page, lk.target, lk.text) for lk in data.links] == expected


@pytest.mark.parametrize(
    "targets",
    [{TEMPLATE_IMAGE}, {TEMPLATE_IMAGE, HTTP_IMAGE, article(3), "https://nowhere.invalid/"}, set()],
    ids=["one", "several", "none"],
)
def test_links_to_targets_read_by_index_in_crawl_order(stored, targets: set[str]) -> None:
    _, data, world = stored
    everything = tuple(data.links)
    assert list(links_to(data.links, targets)) == [lk for lk in everything if lk.target in targets]
    assert list(links_to(everything, targets)) == list(links_to(data.links, targets))


def test_a_run_without_rows_reads_as_empty(stored) -> None:
    session, data, _ = stored
    site_id = session.scalar(select(Site.id))
    empty = load_crawl(session, session.get(Run, _run(session, site_id)), PROFILE)
    assert (list(empty.links), dict(empty.link_checks), dict(empty.texts)) == ([], {}, {})
    assert list(links_to(empty.links, {TEMPLATE_IMAGE})) == []
    assert len(list(data.links)) > 3000  # the run beside it is untouched


def test_checks_and_texts_read_like_dicts(stored) -> None:
    _, data, world = stored
    plain = _as_tuples(data, world)
    assert dict(data.link_checks.items()) == plain.link_checks
    assert list(data.link_checks) == [r["target"] for r in world.checks]
    assert len(data.link_checks) == len(world.checks)
    assert data.link_checks[TIMEOUT].error == "timeout"
    assert data.link_checks.get("https://nowhere.invalid/") is None
    assert INTRANET in data.link_checks and "https://nowhere.invalid/" not in data.link_checks
    assert dict(data.texts.items()) == plain.texts
    assert list(data.texts.values()) == [r["text"] for r in world.texts]
    assert data.texts.get(article(5), "").endswith("社会主意。")
    with pytest.raises(KeyError):
        data.texts[ROOT + "no-such-page.html"]


def test_pages_share_their_url_with_the_links_that_name_them(stored) -> None:
    _, data, _ = stored
    views: dict[str, PageView] = {p.url: p for p in data.pages}
    first = next(iter(data.links))
    assert first.page is views[first.page].url


@pytest.mark.parametrize(
    ("check_id", "subtype", "url", "pages", "expected"),
    [
        ("broken_link", "http_404", TEMPLATE_IMAGE, [article(1)], True),  # checked again
        ("broken_link", "http_404", ROOT + "never-checked.png", [article(1)], True),  # pages
        ("broken_link", "http_404", ROOT + "never-checked.png", [ROOT + "unseen.html"], False),
        ("broken_link", "http_404", PROBE, [ROOT + "unseen.html"], False),  # a probe is not
        ("privacy_leak", "mobile", article(9), [article(9)], True),
        ("privacy_leak", "id_number", LEAK_ATTACHMENT, [article(0)], True),  # a text of it
        ("mixed_content", "image", HTTP_IMAGE, [article(2) + "/"], True),  # slashes ignored
        ("wrong_link", "javascript_placeholder", "javascript:void(0)", [ROOT + "x.html"], False),
    ],
    ids=[
        "checked",
        "pages-fetched",
        "page-unseen",
        "probe",
        "page",
        "attachment",
        "slash",
        "placeholder-unseen",
    ],  # fmt: skip
)
def test_recheck_coverage_is_the_same_read_from_the_store(
    stored, check_id: str, subtype: str, url: str, pages: list[str], expected: bool
) -> None:
    _, data, world = stored
    finding = SimpleNamespace(check=check_id, subtype=subtype, url=url, page=pages[0],
                              pages=pages, evidence={})  # fmt: skip
    assert Coverage(data).rechecked(finding) is expected
    assert Coverage(_as_tuples(data, world)).rechecked(finding) is expected
