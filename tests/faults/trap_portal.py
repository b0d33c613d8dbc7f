"""A loopback portal with two spider traps (爬虫陷阱) and a legitimate long pager.

- a calendar (日程) at ``/zwgk/cal?d=N``: every day links the day before and the day after,
  pages that differ only by the date, without end;
- a folder that nests itself: ``/zwgk/a/`` links ``a/`` (relative), so ``/zwgk/a/a/`` links
  ``/zwgk/a/a/a/``… every step one folder deeper, the URL ever longer;
- a TRS column (通知公告) of ``PAGER_PAGES`` list pages (``index.html``, ``index_1.html``…,
  pager by ``createPageHTML``), each page one dated entry (``ARTICLES`` articles in turn): every
  list page must be walked.

Used by tests/faults/test_spider_traps.py; ``python trap_portal.py`` serves it until killed.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:  # run as a script: pytest did not add it
    sys.path.append(str(TESTS))

from loopback import NOT_FOUND, Reply, Request, Server  # noqa: E402

AS_OF = date(2026, 11, 26)
PAGER_PAGES = 300
ARTICLES = 10  # the entries' articles, in turn: the list pages are what is counted
_NESTED = re.compile(r"/zwgk/(?:a/)+")
_CALENDAR_DAY = re.compile(r"d=(-?\d+)")
_ARTICLE = re.compile(r"/zwgk/tzgg/202611/t(\d+)\.html")


def _page(title: str, body: str) -> Reply:
    return Reply(
        body=f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div class="main">{body}</div></body></html>'
    )


def _list_name(n: int) -> str:
    return "index.html" if n == 0 else f"index_{n}.html"


def _list_page(n: int) -> Reply:
    day = AS_OF - timedelta(days=n)
    article = f"/zwgk/tzgg/202611/t{n % ARTICLES}.html"
    row = f'<li><a href="{article}">通知{n}</a><span>{day:%Y-%m-%d}</span></li>'
    pager = f'<script>createPageHTML({PAGER_PAGES}, {n}, "index", "html");</script>'
    return _page("通知公告", f"<h2>通知公告</h2><ul>{row}</ul>{pager}")


def _calendar(day: int) -> Reply:
    shown = AS_OF + timedelta(days=day)
    return _page(
        "领导日程",
        f"<h2>领导日程 {shown:%Y年%m月%d日}</h2><p>当日无公开活动安排。</p>"
        f'<a href="cal?d={day - 1}">前一天</a> <a href="cal?d={day + 1}">后一天</a>',
    )


def site(request: Request) -> Reply:
    path = request.path
    if path == "/":
        return _page("示范县人民政府", '<a href="/zwgk/">政务公开</a>')
    if path == "/zwgk/":
        return _page(
            "政务公开",
            '<ul class="nav-columns"><li><a href="/zwgk/tzgg/">通知公告</a></li></ul>'
            '<a href="cal?d=0">领导日程</a> <a href="a/">专题</a>',
        )
    if path == "/zwgk/cal" and (day := _CALENDAR_DAY.fullmatch(request.query)):
        return _calendar(int(day.group(1)))
    if _NESTED.fullmatch(path):
        return _page("专题", '<p>专题栏目建设中。</p><a href="a/">进入</a>')
    if path.startswith("/zwgk/tzgg/") and (last := path.rsplit("/", 1)[-1]) in (
        "",
        *(_list_name(n) for n in range(PAGER_PAGES)),
    ):
        return _list_page(0 if last in ("", "index.html") else int(last[6:-5]))
    if article := _ARTICLE.fullmatch(path):
        n = int(article.group(1))
        return _page(f"通知{n}", f"<h1>通知{n}</h1><p>第 {n} 号通知正文。</p>")
    return NOT_FOUND


if __name__ == "__main__":
    with Server(site) as server:
        print(server.url("/"), flush=True)
        server.stopping.wait()
