"""Spider traps (爬虫陷阱) are stopped early, named as crawl notes, and cost no legitimate page.

The fault is real: a loopback portal (``trap_portal``) whose calendar links the next day
without end and whose folder nests itself at every step, beside a TRS column of 300 list
pages. Before the trap guard, such a portal ran a crawl to its 100,000-page limit (no score,
URLs of 66 kB); now the run finishes complete, with a score, the traps in its notes
(findings.json's ``spider_traps``, the report's 抓取说明), and the long pager walked whole. A
distributed run (``xuncha run --redis`` with a ``xuncha worker``) holds the same bounds: the
counters are shared in Redis.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace

import pytest
import redis
import yaml
from loopback import Reply, Request, Server
from sqlalchemy import select
from trap_portal import ARTICLES, AS_OF, PAGER_PAGES, site

from crawler.distributed.keys import FrontierKeys
from crawler.distributed.state import RedisState
from crawler.scope import CrawlScope
from crawler.state.local import LocalState
from crawler.traps import (
    MAX_QUERY_PAGES,
    MAX_URL_LENGTH,
    SAME_PAGE_LIMIT,
    page_shape,
    static_trap,
    url_pattern,
)
from reports.rendering import render
from reports.run_report import spider_trap_notes
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.run.outputs import run_report
from xuncha.store import Column, Run, Store

# Calendar pages fetched before the pattern is stopped: SAME_PAGE_LIMIT of each shape (the
# days before and after the first differ by a minus sign), plus those already in flight.
CALENDAR_BOUND = 2 * SAME_PAGE_LIMIT + 8
# Everything the portal holds that is not a trap: home, section, list pages, their articles.
LEGITIMATE = 2 + PAGER_PAGES + ARTICLES


def _profile(server: Server) -> dict:
    return {
        "name": "示范县人民政府",
        "start_urls": [server.url("/")],
        "politeness": {"autothrottle": False, "delay": 0},
    }


def _fetched(server: Server) -> Counter[str]:
    """GETs the portal answered, by kind of page."""
    kinds: Counter[str] = Counter()
    for request in server.requests.matching(method="GET"):
        path = request.path
        if path == "/zwgk/cal":
            kinds["calendar"] += 1
        elif path.startswith("/zwgk/a/"):
            kinds["nested"] += 1
        elif re.fullmatch(r"/zwgk/tzgg/(index(_\d+)?\.html)?", path):
            kinds["list"] += 1
        elif path.startswith("/zwgk/tzgg/202611/"):
            kinds["article"] += 1
    return kinds


# -- one process --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trapped_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("traps")
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        with Server(site, protocol="HTTP/1.1") as server:
            profile = Profile.model_validate(_profile(server))
            outcome = inspect_site(
                profile, store, as_of=AS_OF, out_dir=work / "out", progress="off"
            )
            requests = server.requests.matching()
            fetched = _fetched(server)
        with store.session() as session:
            run = session.get_one(Run, outcome.run_id)
            stats = dict(run.stats or {})
            english = render("run.html", run_report(session, run, "en"), "en")
            rows = session.scalars(select(Column).where(Column.run_id == run.id))
            columns = {c.url: (c.list_pages, c.items) for c in rows}
        yield {
            "outcome": outcome,
            "stats": stats,
            "requests": requests,
            "fetched": fetched,
            "document": json.loads(outcome.findings_path.read_text("utf-8")),
            "report": outcome.report_path.read_text("utf-8"),
            "english": english,
            "columns": columns,
        }
    finally:
        store.dispose()


def test_the_run_finishes_complete_with_a_score(trapped_run):
    outcome = trapped_run["outcome"]
    assert (outcome.status, outcome.complete) == ("finished", True)
    assert trapped_run["document"]["score"]["verdict"] in ("合格", "不合格")
    # Bounded: the legitimate pages, the stopped traps' few pages, robots and probes.
    assert outcome.pages <= LEGITIMATE + CALENDAR_BOUND + 5
    assert len(trapped_run["requests"]) <= LEGITIMATE + CALENDAR_BOUND + 10


def test_the_traps_are_stopped_early(trapped_run):
    fetched = trapped_run["fetched"]
    assert SAME_PAGE_LIMIT <= fetched["calendar"] <= CALENDAR_BOUND
    assert fetched["nested"] == 2  # /zwgk/a/ and /zwgk/a/a/; /zwgk/a/a/a/ repeats "a" 3 times
    assert max(len(r.target) for r in trapped_run["requests"]) < 100


def test_the_long_pager_is_walked_whole(trapped_run):
    fetched = trapped_run["fetched"]
    assert (fetched["list"], fetched["article"]) == (PAGER_PAGES, ARTICLES)
    pager = {url: n for url, n in trapped_run["columns"].items() if url.endswith("/zwgk/tzgg/")}
    assert list(pager.values()) == [(PAGER_PAGES, ARTICLES)]  # list pages, items


def test_the_traps_are_crawl_notes_not_findings(trapped_run):
    document = trapped_run["document"]
    notes = {note["kind"]: note for note in document["spider_traps"]}
    assert set(notes) == {"same_page", "repeated_segment"}
    calendar, nested = notes["same_page"], notes["repeated_segment"]
    assert calendar["pattern"].endswith("/zwgk/cal?d=*")
    assert SAME_PAGE_LIMIT <= calendar["kept"] <= CALENDAR_BOUND and calendar["dropped"] >= 1
    assert nested["pattern"].endswith("/zwgk/(a)+/") and nested["example"].endswith("/a/a/a/")
    assert (nested["kept"], nested["dropped"]) == (1, 1)
    assert not [f for f in document["findings"] if "/zwgk/cal" in f["url"] or "/a/a/" in f["url"]]
    assert trapped_run["stats"]["xuncha/traps/dropped"] == calendar["dropped"] + nested["dropped"]


def test_the_report_names_the_traps_in_both_languages(trapped_run):
    zh, en = trapped_run["report"], trapped_run["english"]
    section = zh.split('id="spider-traps"', 1)[1].split("</div>", 1)[0]
    assert "爬虫陷阱" in section and "不是网站问题" in section
    assert "仅数字不同的重复页面" in section and "目录重复嵌套" in section
    assert "/zwgk/cal?d=*" in section and "/zwgk/(a)+/" in section
    assert 'data-kind="same_page"' in section and 'data-dropped="1"' in section
    english = en.split('id="spider-traps"', 1)[1].split("</div>", 1)[0]
    assert "spider traps" in english and "folder nested in itself" in english


# -- the rules, one by one ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://a.gov.cn/zwgk/a/a/a/", "repeated_segment"),
        ("http://a.gov.cn/zwgk/x/y/zwgk/x/y/zwgk/x/", "repeated_segment"),
        ("http://a.gov.cn/" + "/".join(f"s{n}" for n in range(17)) + "/", "deep_path"),
        ("http://a.gov.cn/s?q=" + "x" * MAX_URL_LENGTH, "long_url"),
        ("http://a.gov.cn/zwgk/zfxxgk/fdzdgknr/czzj/czyjs/202611/t20261126_123.html", None),
        ("http://a.gov.cn/2026/01/01/t1.html", None),
        ("http://a.gov.cn/zwgk/tzgg/index_299.html", None),
    ],
    ids=["nested", "nested-cycle", "deep", "long", "deep-cms", "dated", "trs-pager"],
)
def test_static_trap(url, kind):
    assert static_trap(url) == kind


def test_patterns_mask_numbers_and_query_values():
    assert url_pattern("http://A.gov.cn/cal?d=20261126&m=1") == "a.gov.cn/cal?d=*&m=*"
    assert url_pattern("http://a.gov.cn/cal?m=2&d=5") == "a.gov.cn/cal?d=*&m=*"
    assert url_pattern("http://a.gov.cn/tzgg/index_12.html") == "a.gov.cn/tzgg/index_N.html"
    assert url_pattern("http://a.gov.cn/zwgk/a/a/a/b.html") == "a.gov.cn/zwgk/(a)+/b.html"
    assert page_shape("<p>2026年11月26日</p>") == page_shape("<p>2026年11月27日</p>")
    assert page_shape("<p>通知一</p>") != page_shape("<p>通知二</p>")


def _pages_until_trapped(state, pattern: str) -> int:
    for n in range(1, MAX_QUERY_PAGES * 2):
        if state.count_pattern(pattern) > MAX_QUERY_PAGES:
            state.note_trap(pattern, "query_values", f"http://a.gov.cn/s?id={n}")
            return n
    return -1


def test_local_state_bounds_a_pattern_whose_query_values_keep_changing():
    state = LocalState(CrawlScope(["a.gov.cn"], "sections"))
    assert _pages_until_trapped(state, "a.gov.cn/s?id=*") == MAX_QUERY_PAGES + 1
    assert state.is_trapped("a.gov.cn/s?id=*") and not state.is_trapped("a.gov.cn/t?id=*")
    state.note_trap("a.gov.cn/s?id=*", "same_page", "ignored", dropped=3)
    [note] = state.trap_notes()
    assert (note.kind, note.kept, note.dropped) == ("query_values", MAX_QUERY_PAGES + 1, 3)


# -- shared by the workers of a distributed run (a real Redis) ----------------------------------


@pytest.fixture
def two_workers():
    from e2e.distributed_lab import REDIS_URL, drop_keys, new_prefix

    prefix = new_prefix()
    server = redis.Redis.from_url(REDIS_URL)
    keys = FrontierKeys.of("traps", prefix)
    scope = CrawlScope(["a.gov.cn"], "sections")
    try:
        yield [RedisState(server, keys, scope, seed=seed) for seed in (True, False)]
    finally:
        drop_keys(prefix, REDIS_URL)
        server.close()


def test_redis_state_shares_the_bounds_between_workers(two_workers):
    seed, joiner = two_workers
    pattern = "a.gov.cn/s?id=*"
    counts = [state.count_pattern(pattern) for _ in range(5) for state in (seed, joiner)]
    assert counts == list(range(1, 11))  # one counter for the run, not one per worker
    shape = page_shape("<p>第1天</p>")
    assert [s.count_shape(pattern, shape) for s in (seed, joiner, seed)] == [1, 2, 3]
    joiner.note_trap(pattern, "same_page", "http://a.gov.cn/s?id=9", dropped=2)
    assert not seed.is_trapped(pattern)
    seed.sync()  # once per response: what the other worker found
    assert seed.is_trapped(pattern)
    seed.note_trap(pattern, "query_values", "http://a.gov.cn/s?id=11", dropped=1)
    [note] = seed.trap_notes()
    assert (note.kind, note.example, note.kept, note.dropped) == (
        "same_page", "http://a.gov.cn/s?id=9", 10, 3,
    )  # fmt: skip


@pytest.mark.faults_heavy  # two commands in child processes, PostgreSQL and Redis: ~45 s
def test_distributed_run_stops_the_traps(postgres_database_url, tmp_path):
    """``xuncha run --redis`` and one ``xuncha worker``: the calendar stopped within the same
    bound for the run (the counters are shared), the notes in the run's findings.json."""
    from e2e.distributed_lab import (
        REDIS_URL,
        command_env,
        drop_keys,
        new_prefix,
        start_worker,
        xuncha,
    )

    def paced(request: Request) -> Reply:
        return replace(site(request), delay=0.005)  # both workers get work

    prefix = new_prefix()
    env = command_env(prefix)
    db = postgres_database_url
    with Server(paced, protocol="HTTP/1.1") as server:
        profile = tmp_path / "traps.yaml"
        profile.write_text(yaml.safe_dump(_profile(server), allow_unicode=True), "utf-8")
        try:
            joiner = start_worker(db, env)
            done = xuncha("run", "--profile", str(profile), "--db", db, "--as-of",
                          AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--redis",
                          REDIS_URL, "--concurrency", "4", env=env)  # fmt: skip
            code, _, err = joiner.finish()
        finally:
            drop_keys(prefix)
        fetched = _fetched(server)
    assert done.returncode == 0, done.stderr[-3000:]
    assert code == 0, err[-3000:]
    document = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert document["run"]["complete"] is True and document["score"] is not None
    assert {note["kind"] for note in document["spider_traps"]} == {"same_page", "repeated_segment"}
    assert SAME_PAGE_LIMIT <= fetched["calendar"] <= CALENDAR_BOUND + 8  # in flight on two
    assert fetched["nested"] == 2
    assert (fetched["list"], fetched["article"]) == (PAGER_PAGES, ARTICLES)


def test_notes_the_report_cannot_read_are_left_out():
    stats = {
        "xuncha/traps": json.dumps(
            [
                {"kind": "later_kind", "pattern": "x"},
                "junk",
                {"kind": "long_url", "pattern": "p", "kept": 2},
            ]
        )
    }
    assert [(n.kind, n.kept) for n in spider_trap_notes(stats)] == [("long_url", 2)]
    assert spider_trap_notes({"xuncha/traps": "{not json"}) == []
