"""A small portal on 127.0.0.1 whose crawled text is an attack: article titles, link texts and
hrefs carrying ``<script>``, ``"><img onerror=…>`` and ``javascript:`` payloads that set
``window.__xss`` if a report ever lets them run.

The payloads reach the report through real findings: a 人事信息 column listing procurement
notices (misplaced_content, the item title in the evidence), a ``javascript:`` placeholder link
whose text is a script tag (wrong_link, the link text in the title), and a broken link.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from loopback import Reply, Request, Server

SCRIPT_TITLE = "<script>window.__xss=1</script>关于某项目中标结果的公告"
IMG_TITLE = '"><img src=x onerror="window.__xss=2">采购成交公告'
LINK_TEXT = "<script>window.__xss=3</script>附件下载"
JS_HREF = "javascript:window.__xss=4"
SITE_NAME = "<script>window.__xss=5</script>某县人民政府"
UNIT = '"><img src=x onerror="window.__xss=6">办公室'
PAYLOADS = (SCRIPT_TITLE, IMG_TITLE, LINK_TEXT)


def _page(title: str, body: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f'<body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a>'
        f'<a href="/zwgk/rsxx/">人事信息</a></div>{body}</body></html>'
    )


def pages(with_broken_link: bool = True) -> dict[str, str]:
    """The portal's pages; without the broken link on the second night (so one is fixed)."""
    items = [
        ("t20261001_1.html", SCRIPT_TITLE, "2026-10-01"),
        ("t20261002_2.html", IMG_TITLE, "2026-10-02"),
        ("t20261003_3.html", "关于公开招聘工作人员的公告", "2026-10-03"),
    ]
    listing = "".join(
        f'<li><a href="{href}">{html.escape(title)}</a><span>{day}</span></li>'
        for href, title, day in items
    )
    site = {
        "/": _page("某县人民政府", '<p><a href="/zwgk/rsxx/">人事信息</a></p>'),
        "/zwgk/": _page("政务公开", '<ul class="menu"><li><a href="rsxx/">人事信息</a></li></ul>'),
        "/zwgk/rsxx/": _page("人事信息", f'<ul class="list">{listing}</ul>'),
        "/robots.txt": "User-agent: *\nAllow: /\n",
    }
    for href, title, day in items:
        extra = ""
        if href.endswith("_1.html"):
            extra = f'<p><a href="{html.escape(JS_HREF)}">{html.escape(LINK_TEXT)}</a></p>'
            if with_broken_link:
                extra += '<p><a href="/files/gone.pdf">附件</a></p>'
        site[f"/zwgk/rsxx/{href}"] = _page(title, f"<h1>{html.escape(title)}</h1>"
                                            f"<p>发布时间：{day}</p>{extra}")  # fmt: skip
    return site


NOT_FOUND = Reply(404, body="<html><title>404 Not Found</title></html>")


@contextmanager
def hostile_portal() -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, the live page table): change the table between runs to change the site."""
    site = pages()

    def answer(request: Request) -> Reply:
        kind = "text/plain" if request.target == "/robots.txt" else "text/html"
        body = site.get(request.path)
        reply = Reply(body=body) if body else NOT_FOUND
        return replace(reply, content_type=f"{kind}; charset=utf-8")

    with Server(answer) as server:
        yield server.url("/"), site


def profile_data(base: str) -> dict[str, object]:
    """A profile naming the site and its 人事信息 column's unit with payloads too."""
    return {
        "name": SITE_NAME,
        "start_urls": [base],
        "columns": [{"name": "人事信息", "url": f"{base}zwgk/rsxx/", "unit": UNIT}],
    }
