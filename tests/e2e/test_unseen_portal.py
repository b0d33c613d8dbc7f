"""End to end on a portal the crawler and the checks were not written against (see
``unseen_portal/``).

Two runs of the same GBK, Hanweb-style site: one through a profile that names the host
(``network.hosts``), one with no profile at all on ``http://127.0.0.1:PORT/`` (what
``xuncha run --url`` does). The other sites its pages link to (友情链接, the hidden 政府网站
dropdown, an injected 暗链) are named hosts in both runs: each profile's ``network.hosts`` maps
their names to 127.0.0.1, as DNS answers for real ones (the bare run's maps nothing else). Each
run must walk every list page of every 栏目 and fetch every article (counted by the server),
stay out of the other sections, record the columns with their real names, item counts and
newest dates, and report exactly the answer key of every check — links and content alike.
The two runs report the same set, each under its own base URL: no check reads the host name or
the profile's display name, and both profiles keep the default ``checks:`` settings.
"""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from sqlalchemy import select
from unseen_portal import (
    ARTICLES,
    AS_OF,
    COLUMNS,
    CONTENT_EXPECTED,
    CONTENT_NEGATIVES,
    HOST,
    IN_SECTION,
    LINKED_FROM_SECTION,
    NEGATIVES,
    NEVER_FETCHED,
    OUTSIDE_HOSTS,
    PLANTED,
    SEARCH_PATH,
    SITE_GROUP,
    SITE_NAME,
    Expected,
    Lookalike,
    UnseenPortal,
)

from xuncha.profile import Profile, profile_for_url
from xuncha.run.inspection import inspect_site
from xuncha.store import Column, ListItem, Page, Store

EXPECTED = CONTENT_EXPECTED
OUTSIDE = dict.fromkeys(OUTSIDE_HOSTS, "127.0.0.1")
"""The outside hosts' names, resolved to the loopback server that answers for them too."""


def _named_host(port: int) -> tuple[str, Profile]:
    base = f"http://{HOST}:{port}"
    profile = Profile.model_validate(
        {
            "name": SITE_NAME,
            "start_urls": [base + "/"],
            "politeness": {"concurrent_per_host": 8, "delay": 0.0, "autothrottle": False},
            "timeouts": {"request": 5, "retries": 2},
            "network": {"hosts": {HOST: "127.0.0.1", **OUTSIDE}},
        }
    )
    return base, profile


def _bare_address(port: int) -> tuple[str, Profile]:
    base = f"http://127.0.0.1:{port}"
    return base, profile_for_url(base + "/", network={"hosts": OUTSIDE})


@pytest.fixture(scope="module", params=[_named_host, _bare_address], ids=["profile", "bare-url"])
def inspected(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("unseen")
    with UnseenPortal() as portal:
        base, profile = request.param(portal.port)
        store = Store(f"sqlite:///{work / 'xuncha.db'}")
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out", progress="off")
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        yield base, portal, outcome, document, store
        store.dispose()


def _target(path_with_query: str) -> tuple[str, frozenset[tuple[str, str]]]:
    parts = urlsplit(path_with_query)
    return parts.path, frozenset(parse_qsl(parts.query))


def _gets(portal: UnseenPortal) -> Counter[tuple[str, frozenset[tuple[str, str]]]]:
    return Counter(_target(target) for method, target, _ in portal.requests if method == "GET")


def test_run_finished_complete(inspected):
    _, _, outcome, document, _ = inspected
    assert (outcome.status, outcome.complete) == ("finished", True)
    assert document["run"]["status"] == "finished"


def test_site_called_by_its_own_name(inspected):
    """A bare ``--url`` run names the site as its home page does, not "127.0.0.1"."""
    _, _, outcome, document, _ = inspected
    assert document["site"]["name"] == SITE_NAME
    report = outcome.report_path.read_text(encoding="utf-8")
    assert SITE_NAME in report
    assert "127.0.0.1</h1>" not in report and "<title>127.0.0.1" not in report


def test_every_list_page_fetched(inspected):
    _, portal, _, _, _ = inspected
    gets = _gets(portal)
    missing = [
        column.page_target(n)
        for column in COLUMNS.values()
        for n in range(1, column.page_count + 1)
        if gets[_target(column.page_target(n))] == 0
    ]
    assert missing == []


def test_every_article_fetched(inspected):
    _, portal, _, _, _ = inspected
    gets = _gets(portal)
    assert [path for path in ARTICLES if gets[(path, frozenset())] == 0] == []


def test_other_sections_not_crawled(inspected):
    """Outside /xxgk/, /col/, /art/ (and 互动交流, walked for 互动回应差) only what the section
    links to may be fetched (checked once); pages linked only from 新闻动态, 办事服务 or 网站地图
    never are."""
    _, portal, _, _, _ = inspected
    fetched = {unquote(urlsplit(target).path) for _, target, status in portal.requests}
    assert sorted(set(NEVER_FETCHED) & fetched) == []
    answered = {urlsplit(target).path for _, target, status in portal.requests if status != 404} | {
        urlsplit(p.href).path for p in PLANTED if p.check == "broken_link"
    }
    # 互动交流 is walked wherever it is, and every link of its pages checked.
    outside = {path for path in answered if not path.startswith((*IN_SECTION, "/hdjl/"))}
    assert sorted(outside - LINKED_FROM_SECTION - {SEARCH_PATH}) == []


def _matches(finding: dict, expected: Expected, base: str) -> bool:
    """The finding is this expectation: same check, subtype and url, and the evidence values."""
    return (finding["check"], finding["subtype"], finding["url"]) == (
        expected.check,
        expected.subtype,
        expected.url(base),
    ) and all(finding["evidence"].get(k) == v for k, v in expected.evidence.items())


def test_exactly_the_answer_key(inspected):
    """Every check's findings, as (check, subtype, url): exactly PLANTED and CONTENT_EXPECTED."""
    base, _, _, document, _ = inspected
    expected = Counter((p.check, p.subtype, p.url(base)) for p in PLANTED)
    expected += Counter((e.check, e.subtype, e.url(base)) for e in EXPECTED)
    found = Counter((f["check"], f["subtype"], f["url"]) for f in document["findings"])
    assert found - expected == Counter(), "unexpected findings"
    assert expected - found == Counter(), "expected findings not reported"


@pytest.mark.parametrize("expected", EXPECTED, ids=[e.note for e in EXPECTED])
def test_content_finding_carries_its_evidence(inspected, expected):
    base, _, _, document, _ = inspected
    matching = [f for f in document["findings"] if _matches(f, expected, base)]
    assert len(matching) == 1, [
        f["evidence"] for f in document["findings"] if f["check"] == expected.check
    ]


@pytest.mark.parametrize("lookalike", CONTENT_NEGATIVES, ids=[n.note for n in CONTENT_NEGATIVES])
def test_content_lookalike_raises_nothing(inspected, lookalike: Lookalike):
    """No finding of the look-alike's check (and subtype) names its page; site-wide ones
    (``where`` None) must raise that finding nowhere."""
    base, _, _, document, _ = inspected
    named = [
        (f["check"], f["subtype"], f["url"])
        for f in document["findings"]
        if f["check"] == lookalike.check
        and lookalike.subtype in (None, f["subtype"])
        and (lookalike.where is None or f["url"] == lookalike.url(base))
    ]
    assert named == []


def test_verdict(inspected):
    """One stale 政策解读 column and one blank column are under every other single-veto line,
    and a miswriting is no 严重表述错误; the one letter left unanswered for four months is a
    veto of its own (互动回应差), and so are the injected 暗链 and the hijacked 友情链接 (both
    high: 暗链及违法有害链接, a 严重问题) — 不合格 on those two lines, in the table's order."""
    _, _, _, document, _ = inspected
    score = document["score"]
    assert (score["verdict"], score["vetoes"]) == ("不合格", ["互动回应差", "暗链及违法有害链接"])


def test_planted_defects_name_their_page(inspected):
    """Each planted defect names the page it is on (an article; the home page for 友情链接)."""
    base, _, _, document, _ = inspected
    pages = {(f["check"], f["subtype"], f["url"]): f["pages"] for f in document["findings"]}
    wrong = [
        p.href
        for p in PLANTED
        if p.page(base) not in pages.get((p.check, p.subtype, p.url(base)), [])
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "planted", [p for p in PLANTED if p.evidence], ids=[p.subtype for p in PLANTED if p.evidence]
)
def test_planted_finding_carries_its_evidence(inspected, planted):
    """暗链 and 外链变质: how the link is hidden, what its words or its target page show."""
    base, _, _, document, _ = inspected
    (finding,) = [
        f
        for f in document["findings"]
        if (f["check"], f["subtype"], f["url"])
        == (planted.check, planted.subtype, planted.url(base))
    ]
    assert finding["severity"] == "high"
    assert {k: finding["evidence"].get(k) for k in planted.evidence} == planted.evidence


def test_outside_home_pages_read_and_government_ones_only_asked(inspected):
    """A partner's or an injected link's home page is fetched once with GET (its title is
    what shows 外链变质); a gov.cn portal, whose name nobody else can register, is only asked
    with HEAD — once, though every page's dropdown links it. Nothing else is asked of them."""
    _, portal, _, _, _ = inspected
    asked = Counter((method, host, target) for method, host, target, _ in portal.outside_requests)
    expected = Counter(
        ("HEAD" if host.endswith(".gov.cn") else "GET", host, "/") for host in OUTSIDE_HOSTS
    )
    assert asked == expected


def _spellings(url: str) -> set[str]:
    """A URL as written and percent-decoded, the query read as UTF-8 or as the page's GBK."""
    return {url, unquote(url), unquote(url, encoding="gbk", errors="replace")}


@pytest.mark.parametrize("negative", NEGATIVES, ids=[n.note for n in NEGATIVES])
def test_negative_raises_nothing(inspected, negative):
    base, _, _, document, _ = inspected
    named = [f for f in document["findings"] if negative.url(base) in _spellings(f["url"])]
    assert named == []


def test_lookalikes_were_read_as_what_they_resemble(inspected):
    """The look-alikes were judged, not missed: the complete 办事指南 was read as a guide with all
    eight classes, and every HTML page recorded the 政府网站 dropdown among its hidden outside
    links (``display_none``) — seen, and not taken for a 暗链."""
    base, _, outcome, _, store = inspected
    with store.session() as session:
        rows = session.execute(
            select(Page.url, Page.role, Page.meta).where(Page.run_id == outcome.run_id)
        ).all()
    metas = {url: meta or {} for url, role, meta in rows if role != "attachment"}
    (guide,) = [n for n in CONTENT_NEGATIVES if n.check == "service_guide"]
    assert metas[guide.url(base)]["guide"]["present"] == [
        "事项名称", "设定依据", "申请条件", "办理材料",
        "办理地点", "办理时间", "联系电话", "办理流程",
    ]  # fmt: skip
    dropdown = {(n.url(base), "display_none") for n in SITE_GROUP}
    assert len(metas) > len(ARTICLES)
    assert [
        url
        for url, meta in metas.items()
        if not dropdown <= {(e["target"], e["how"]) for e in meta.get("hidden_links", [])}
    ] == []


def test_columns_recorded_with_names_counts_and_newest(inspected):
    """The leaf 栏目 only (not the parent 财政信息, not 联系我们/网站地图), the empty one with 0."""
    base, _, outcome, _, store = inspected
    with store.session() as session:
        rows = session.scalars(select(Column).where(Column.run_id == outcome.run_id)).all()
    found = {row.url: (row.name, row.items, row.newest, row.list_pages) for row in rows}
    expected = {
        base + c.path: (c.name, len(c.articles), c.newest, c.page_count) for c in COLUMNS.values()
    }
    assert found == expected


def test_list_items_carry_urls_and_dates(inspected):
    """Dates as 2026年10月03日, [2026-10-03] and 10-03 (year from the article URL) all read."""
    base, _, outcome, _, store = inspected
    with store.session() as session:
        rows = session.scalars(select(ListItem).where(ListItem.run_id == outcome.run_id)).all()
    found: dict[str, set[tuple[str, object]]] = {}
    for row in rows:
        found.setdefault(row.column_url, set()).add((row.url, row.list_date))
    expected = {
        base + c.path: {(base + a.path, a.day) for a in c.articles}
        for c in COLUMNS.values()
        if c.articles
    }
    assert found == expected


def test_article_dates_from_the_info_line(inspected):
    """发布日期：2026年10月3日 in div.info (no PubDate meta), not the 施行 date in the text."""
    base, _, outcome, _, store = inspected
    with store.session() as session:
        rows = session.execute(
            select(Page.url, Page.pub_date).where(Page.run_id == outcome.run_id)
        ).all()
    dates = dict(rows)
    wrong = {
        path: dates.get(base + path)
        for path, article in ARTICLES.items()
        if dates.get(base + path) != article.day
    }
    assert wrong == {}
