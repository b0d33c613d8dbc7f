"""A TRS ``createPageHTML`` pager is expanded once per column and declared count, and the
spider still walks every list page once.

Parsing: :func:`pagination_urls` asks before expanding a declared pager and returns nothing
when told the column did it already. Crawling: a real crawl of a loopback portal with two TRS
columns — one of six pages that also renders 首页/下一页/尾页 links, one whose pager is only the
script and that grew from three pages to five while it was crawled (its first page declares 3,
the others 5: its last two pages are reached only by expanding again) — counted from the
server's side and from the run's stats.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from netlab import Reply, serve

from crawler.parsing.document import parse_html
from crawler.parsing.pagination import pagination_urls
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Run, Store

AS_OF = date(2026, 11, 26)
COLUMNS = {"tzgg": "通知公告", "gzdt": "工作动态"}
# Pages each list page of a column declares: the same on every page, or (first page, others).
DECLARED = {"tzgg": (6, 6), "gzdt": (3, 5)}
RENDERED_LINKS = {"tzgg"}


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div class="main">{body}</div></body></html>'
    )


def _list_name(n: int) -> str:
    return "index.html" if n == 0 else f"index_{n}.html"


def _list_page(slug: str, n: int, declared: int) -> str:
    rows = "".join(
        f'<li><a href="/zwgk/{slug}/202611/t2026110{i}_{n}{i}.html">{COLUMNS[slug]}{n}-{i}</a>'
        f"<span>{AS_OF - timedelta(days=n * 2 + i):%Y-%m-%d}</span></li>"
        for i in range(2)
    )
    pager = f'<script>createPageHTML({declared}, {n}, "index", "html");</script>'
    if slug in RENDERED_LINKS:
        links = ['<a href="./">首页</a>', f'<a href="{_list_name(declared - 1)}">尾页</a>']
        if n + 1 < declared:
            links.insert(1, f'<a href="{_list_name(n + 1)}">下一页</a>')
        pager += f'<div class="page">{" ".join(links)}</div>'
    return _page(COLUMNS[slug], f"<h2>{COLUMNS[slug]}</h2><ul>{rows}</ul>{pager}")


def _routes() -> dict[str, list[Reply]]:
    nav = "".join(f'<li><a href="/zwgk/{s}/">{name}</a></li>' for s, name in COLUMNS.items())
    routes = {
        "/": _page("示范县人民政府", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", f'<ul class="nav-columns">{nav}</ul>'),
    }
    for slug, (first, later) in DECLARED.items():
        routes[f"/zwgk/{slug}/"] = _list_page(slug, 0, first)
        for n in range(1, later):
            routes[f"/zwgk/{slug}/{_list_name(n)}"] = _list_page(slug, n, later)
    return {path: [Reply(body=html.encode("utf-8"))] for path, html in routes.items()}


def _list_paths() -> list[str]:
    return [
        f"/zwgk/{slug}/" if n == 0 else f"/zwgk/{slug}/{_list_name(n)}"
        for slug, (_, later) in DECLARED.items()
        for n in range(later)
    ]


# -- parsing --------------------------------------------------------------------------------

URL = "http://www.example.gov.cn/zwgk/list/index_2.html"
FIRST_PAGE = "http://www.example.gov.cn/zwgk/list/index.html"
# (id, list page, what the caller answers, the declarations it is asked about, how many pages
# come back: those pagination_urls finds when not asked at all, or none)
PARSING = [
    ("script-first-time", _list_page("gzdt", 2, 6), True, [(FIRST_PAGE, 6)], 5),
    ("script-expanded-before", _list_page("gzdt", 2, 6), False, [(FIRST_PAGE, 6)], 0),
    ("links-first-time", _list_page("tzgg", 2, 6), True, [(FIRST_PAGE, 6)], 4),
    ("links-expanded-before", _list_page("tzgg", 2, 6), False, [(FIRST_PAGE, 6)], 0),
    ("one-page-declared", _list_page("tzgg", 0, 1), False, [], 1),
    ("no-declaration", _page("列表", '<a href="index_3.html">下一页</a>'), False, [], 2),
]  # fmt: skip


@pytest.mark.parametrize(
    ("html", "answer", "asked", "expected"),
    [case[1:] for case in PARSING],
    ids=[case[0] for case in PARSING],
)
def test_a_declared_pager_is_expanded_only_when_the_caller_says(html, answer, asked, expected):
    declarations: list[tuple[str, int]] = []

    def expand(declared: tuple[str, int]) -> bool:
        declarations.append(declared)
        return answer

    doc = parse_html(html, URL)
    pages = pagination_urls(doc, html, URL, expand_declared=expand)
    assert declarations == asked
    assert len(pages) == expected
    assert pages == (pagination_urls(doc, html, URL) if expected else [])


# -- crawling -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("trs-pager")
    with serve(_routes()) as site:
        profile = Profile.model_validate(
            {"name": "示范县人民政府", "start_urls": [site.url("/")],
             "politeness": {"delay": 0.0, "autothrottle": False}}
        )  # fmt: skip
        store = Store(f"sqlite:///{work / 'xuncha.db'}")
        try:
            outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out",
                                   progress="off")  # fmt: skip
            assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
            with store.session() as session:
                stats = session.get_one(Run, outcome.run_id).stats
            gets = Counter(hit.target for hit in site.requests)
            yield gets, stats
        finally:
            store.dispose()


def test_every_list_page_is_fetched_once_and_read_as_a_list(crawled):
    gets, stats = crawled
    columns = tuple(f"/zwgk/{slug}/" for slug in COLUMNS)
    fetched = {p: n for p, n in gets.items() if p.startswith(columns) and p.count("/") == 3}
    assert fetched == dict.fromkeys(_list_paths(), 1)
    assert stats["xuncha/pages/list"] == len(_list_paths())


def test_each_declared_count_is_expanded_once_per_column(crawled):
    _, stats = crawled
    # tzgg: six pages declare 6 (one expansion); gzdt: its first page declares 3, four declare 5.
    assert stats["xuncha/lists/pager_expanded"] == 1 + 2
    assert stats["xuncha/lists/pager_reused"] == (6 - 1) + (4 - 1)
