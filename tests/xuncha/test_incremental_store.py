"""增量巡查 in the store: what the previous run lends tonight's, on SQLite and PostgreSQL.

`load_prior` reads the last complete run; `carry_pages` and `carry_forward` copy what was not
fetched again; `Prior` decides what is fresh (pure rules, table-driven below).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from xuncha.run.incremental import previous_run
from xuncha.store import (
    Finding,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Run,
    Site,
    SiteSearch,
)
from xuncha.store.carry import carry_forward, carry_pages
from xuncha.store.prior import Prior, PriorCheck, PriorPage, load_prior

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
HOME, LIST, A1, A2, A3 = (
    "http://127.0.0.1/",
    "http://127.0.0.1/zwgk/tzgg/",
    "http://127.0.0.1/zwgk/tzgg/a1.html",
    "http://127.0.0.1/zwgk/tzgg/a2.html",
    "http://127.0.0.1/zwgk/tzgg/a3.html",
)
IMAGE, GONE = "http://127.0.0.1/logo.png", "http://127.0.0.1/gone.pdf"
PROFILE = {"start_urls": [HOME], "scope": {}, "columns": [], "network": {}, "limits": {}}


def _page(run_id: int, url: str, role: str, at: datetime = NOW) -> Page:
    return Page(run_id=run_id, url=url, final_url=url, role=role, status=200, fetched_at=at,
                etag=f'"{url[-7:]}"', content_hash=url[-7:], meta={})  # fmt: skip


def _link(run_id: int, page: str, target: str) -> LinkOccurrence:
    return LinkOccurrence(run_id=run_id, page=page, target=target, raw=target, tag="a",
                          attr="href", kind="page", text="链接")  # fmt: skip


def _check(run_id: int, target: str, status: int, at: datetime = NOW) -> LinkCheck:
    return LinkCheck(run_id=run_id, target=target, method="GET", status=status, checked_at=at,
                     redirects=[])  # fmt: skip


@pytest.fixture
def two_runs(store):
    """Run 1 saw the home page, one list, three articles (a3 reached only from a2), an image
    and a dead attachment; run 2 (tonight) has fetched the home page and the list again."""
    with store.session() as session, session.begin():
        site = Site(key="127.0.0.1", name="示范县", start_url=HOME)
        session.add(site)
        session.flush()
        runs = [Run(site_id=site.id, started_at=NOW, as_of=date(2026, 11, 25 + n),
                    status="finished" if n == 0 else "running", complete=n == 0,
                    profile=PROFILE, stats={}) for n in range(2)]  # fmt: skip
        session.add_all(runs)
        session.flush()
        first, tonight = runs[0].id, runs[1].id
        session.add_all([_page(first, url, role) for url, role in
                         ((HOME, "home"), (LIST, "list"), (A1, "article"), (A2, "article"),
                          (A3, "page"))])  # fmt: skip
        session.add_all([_link(first, HOME, LIST), _link(first, A1, IMAGE), _link(first, A1, GONE),
                         _link(first, A2, A3), _link(first, A3, IMAGE)])  # fmt: skip
        session.add_all([
            ListItem(run_id=first, column_url=LIST, list_page=LIST, url=u, title=t,
                     list_date=date(2026, 11, d))
            for u, t, d in ((A1, "通知一", 20), (A2, "通知二", 21))
        ])  # fmt: skip
        session.add_all([PageText(run_id=first, url=u, format="html", text=f"正文{u[-7:]}")
                         for u in (HOME, LIST, A1, A2, A3)])  # fmt: skip
        session.add_all([_check(first, u, 200) for u in (HOME, LIST, A1, A2, A3, IMAGE)])
        session.add(_check(first, GONE, 404))
        session.add(SiteSearch(run_id=first, form_found=True, action=HOME + "search",
                               query="政务公开", status=200, result_links=8))  # fmt: skip
        session.add_all([_page(tonight, HOME, "home"), _link(tonight, HOME, LIST)])
    return first, tonight


def _count(session, model, run_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.run_id == run_id))


def test_the_previous_run_is_the_last_complete_one_with_the_same_crawl_settings(store, two_runs):
    first, tonight = two_runs
    with store.session() as session, session.begin():
        last = previous_run(session, session.get_one(Run, tonight))
        assert last is not None and last.id == first
        session.get_one(Run, tonight).profile = dict(PROFILE, columns=[{"url": LIST}])
        assert previous_run(session, session.get_one(Run, tonight)) is None  # the columns changed
        session.get_one(Run, tonight).profile = PROFILE
        session.get_one(Run, first).complete = False
        assert previous_run(session, session.get_one(Run, tonight)) is None  # a partial crawl


def test_load_prior_keeps_pages_entries_and_results(store, two_runs):
    first, _ = two_runs
    with store.session() as session:
        prior = load_prior(session, first, now=NOW, revisit_days=7, ttl_days=7)
    assert set(prior.pages) == {HOME, LIST, A1, A2, A3}
    assert not prior.entry_changed(A1, "通知一", date(2026, 11, 20))
    assert prior.entry_changed(A1, "通知一（更正）", date(2026, 11, 20))
    assert prior.entry_changed(A1, "通知一", date(2026, 11, 21))
    assert prior.entry_changed(A1, "通知一", None) and prior.entry_changed(HOME, "首页", None)
    assert prior.same_body(A1, "a1.html") and not prior.same_body(A1, "a1.htm")
    # One object per URL however many tables name it.
    assert next(u for u in prior.pages if u == A1) is next(u for u in prior.entries if u == A1)
    assert {t: c.ok for t, c in prior.checks.items()}[GONE] is False
    assert prior.validators(A1) == {"If-None-Match": '"a1.html"'}
    assert prior.recheck() == [(GONE, "GET")]  # pages are not re-checked as targets


def test_carrying_copies_an_unchanged_page_and_closes_over_what_it_links(store, two_runs):
    first, tonight = two_runs
    with store.session() as session, session.begin():
        # The list page answered 304: its rows come along, entries included.
        assert carry_pages(session, tonight, first, [LIST]) == 1
        carried = carry_forward(session, tonight, first)
    with store.session() as session:
        # a1 and a2 are listed, a3 is linked from a2: three articles, in one or two rounds.
        assert carried["pages"] == 3
        urls = set(session.scalars(select(Page.url).where(Page.run_id == tonight)))
        assert urls == {HOME, LIST, A1, A2, A3}
        assert _count(session, ListItem, tonight) == 2
        assert _count(session, PageText, tonight) == 4  # the home page was fetched, not carried
        assert _count(session, LinkOccurrence, tonight) == 5
        # Results of every target linked tonight, failures included, with their old dates.
        targets = dict(session.execute(select(LinkCheck.target, LinkCheck.status).where(
            LinkCheck.run_id == tonight)).all())  # fmt: skip
        assert targets == {LIST: 200, A3: 200, IMAGE: 200, GONE: 404}
        assert session.scalar(select(SiteSearch.result_links).where(
            SiteSearch.run_id == tonight)) == 8  # fmt: skip
        # Carrying twice adds nothing.
    with store.session() as session, session.begin():
        assert carry_forward(session, tonight, first) == {"pages": 0, "link_checks": 0}


def test_a_page_no_longer_listed_or_linked_is_not_carried(store, two_runs):
    first, tonight = two_runs
    with store.session() as session, session.begin():
        carry_forward(session, tonight, first)  # the list was not carried: nothing lists a1, a2
        urls = set(session.scalars(select(Page.url).where(Page.run_id == tonight)))
    assert urls == {HOME}


def test_pages_of_open_and_lately_fixed_findings_are_watched(store, two_runs):
    first, _ = two_runs
    with store.session() as session, session.begin():
        site_id = session.get(Run, first).site_id
        rows = [
            ("broken_link", GONE, None, [A1], "open", date(2026, 11, 25)),
            ("privacy_leak", A2, A2, [A2], "fixed", date(2026, 11, 1)),
            ("wording_error", A3, A3, [A3], "fixed", date(2026, 9, 1)),
            ("site_identity", HOME, None, [HOME, A3], "open", date(2026, 11, 25)),
        ]
        for n, (check, url, page, pages, status, seen) in enumerate(rows):
            session.add(Finding(site_id=site_id, fingerprint=f"f{n}", check=check,
                                subtype="x", severity="high", url=url, page=page, pages=pages,
                                title="t", detail="d", evidence={}, status=status,
                                first_seen=seen, last_seen=seen, first_run_id=first,
                                last_run_id=first))  # fmt: skip
    with store.session() as session:
        prior = load_prior(session, first, now=NOW, revisit_days=7, ttl_days=7)
    # a3 was fixed long ago, and site_identity's pages are a sample: neither is watched.
    assert prior.watched == {GONE, A1, A2, HOME}
    assert (prior.page_fresh(A1), prior.page_fresh(A2), prior.page_fresh(A3)) == (
        False, False, True)  # fmt: skip


def _prior(**pages_and_checks) -> Prior:
    prior = Prior(1, now=NOW, revisit=timedelta(days=7), ttl=timedelta(days=7))
    for url, (role, days_ago) in pages_and_checks.get("pages", {}).items():
        prior.pages[url] = PriorPage(role, None, None, None, NOW - timedelta(days=days_ago), None)
    for url, (ok, days_ago) in pages_and_checks.get("checks", {}).items():
        prior.checks[url] = PriorCheck(ok, "HEAD", NOW - timedelta(days=days_ago))
    return prior


@pytest.mark.parametrize(
    ("role", "days_ago", "fresh"),
    [
        ("article", 0, True),  # fetched last night
        ("article", 3.4, True),  # no slot falls before half the period
        ("article", 7, False),  # every page is fetched again within the period
        ("list", 0, False),  # structural pages are revalidated every night
        ("home", 0, False),
    ],
)
def test_page_freshness(role, days_ago, fresh):
    assert _prior(pages={A1: (role, days_ago)}).page_fresh(A1) is fresh


@pytest.mark.parametrize(
    ("ok", "days_ago", "fresh"),
    [
        (True, 0, True),
        (True, 7.01, False),  # past the TTL: checked again
        (False, 0, False),  # a failure is checked again every night
    ],
)
def test_link_result_freshness(ok, days_ago, fresh):
    assert _prior(checks={IMAGE: (ok, days_ago)}).check_fresh(IMAGE) is fresh


def test_the_rotation_spreads_over_the_second_half_of_the_period():
    """Of 1,000 targets checked 5 days ago with a 7-day TTL, about 2/7 ÷ 1/2 ≈ 43 % are due:
    slots are spread between 3.5 and 7 days, not all on day 7."""
    prior = _prior(checks={f"{IMAGE}?{n}": (True, 5) for n in range(1000)})
    due = sum(not prior.check_fresh(target) for target in prior.checks)
    assert 330 <= due <= 530
    assert _prior(checks={IMAGE: (True, 3.4)}).check_fresh(IMAGE)


def test_hosts_whose_head_answered_a_working_link_last_run():
    prior = _prior(checks={"http://a.gov.cn/x.html": (True, 1), "http://B.gov.cn:8080/y": (True, 1),
                           "http://c.gov.cn/z.pdf": (False, 1)})  # fmt: skip
    prior.checks["http://d.gov.cn/w"] = PriorCheck(True, "GET", NOW)  # GET says nothing of HEAD
    assert prior.head_found() == {"a.gov.cn", "b.gov.cn:8080"}
