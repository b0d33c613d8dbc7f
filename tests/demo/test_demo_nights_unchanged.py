"""The demo portal's nights change only what the scenario says: every page of the disclosure
platform is walked each night and its HTML compared with the night before.

Only the pages written here by hand may differ — the lists that gained an item, the articles
the webmaster edited (整改), the portal home page's news — and only the new articles may
appear; every link on a changed or added page is planted that night or works. What each night
plants is tested in ``test_demo_nights.py``.
"""

from __future__ import annotations

from collections import deque
from posixpath import splitext
from urllib.parse import urldefrag, urlsplit

import pytest
from demo_client import JTJ, XXGK, classify, page_encoding, page_links

from xuncha.demo import article_paths, list_pages
from xuncha.demo.answer_key import page_path
from xuncha.demo.nights import NIGHTS, planted_for
from xuncha.demo.site import STATIC_EXTENSIONS

LATER = (2, 3)
PAGE_TOOLS = ("打印本页", "关闭窗口", "返回顶部")  # javascript:/# links that promise no content


def walk_platform(client, portal) -> dict[str, bytes]:
    """Every page of the disclosure platform reachable from its home page, its list pages and
    its articles (static files left out; script pagers have no anchors to follow), plus the
    portal's home page: path (with query) -> body."""
    night = portal.night
    starts = [portal.url(XXGK, "/")]
    starts += [portal.url(host, path) for host, path in [*list_pages(night), *article_paths(night)]]
    bodies: dict[str, bytes] = {"jtj:/": client.request("GET", portal.url(JTJ, "/")).content}
    queue, seen = deque(starts), set(starts)
    while queue:
        url = queue.popleft()
        response = client.request("GET", url)
        assert response.status_code == 200, url
        parts = urlsplit(url)
        bodies[parts.path + (f"?{parts.query}" if parts.query else "")] = response.content
        encoding = page_encoding(response.content)
        for _, link, _ in page_links(response.content, url, encoding):
            link = urldefrag(link).url
            target = urlsplit(link)
            if target.netloc != parts.netloc or target.scheme != "https":
                continue
            if splitext(target.path)[1].lower() in STATIC_EXTENSIONS or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return bodies


@pytest.fixture(scope="module")
def walked(portal, client):
    """night -> the walk of that night, and a second walk of night 1 after nights 2 and 3."""
    walks = {}
    for night in (*NIGHTS, 1):
        portal.set_night(night)
        walks[night if night not in walks else "again"] = walk_platform(client, portal)
    portal.set_night(1)
    return walks


GZDT_LISTS = ("/gzdt/", "/gzdt/list-1.shtml", "/gzdt/list-2.shtml", "/gzdt/list-3.shtml")
# What the nights change, written from the scenario: (pages whose HTML differs, pages added,
# pages gone) between a night and the one before.
CHANGES = {
    2: (
        {
            "jtj:/", *GZDT_LISTS, "/gsgg/", "/zfcg/", "/col/col2341/index.html",
            page_path("tzgg", 1), page_path("tzgg", 2), page_path("tzgg", 4),
            page_path("tzgg", 8), page_path("rsxx", 1), page_path("czyjs", 3),
            page_path("gzdt", 4),
        },
        {
            "/gzdt/2026-11/25/content_2306016.shtml", "/gsgg/202611/t20261124_2312003.html",
            "/zfcg/202611/t20261123_2316001.html", "/art/2026/11/26/art_2341_2341009.html",
        },
        {"/tzgg/202003/t20200315_2210045.html"},  # the soft 404 only 原通知 linked
    ),
    3: ({"jtj:/", *GZDT_LISTS}, {"/gzdt/2026-12/02/content_2306017.shtml"}, set()),
}  # fmt: skip


@pytest.mark.parametrize("night", LATER, ids=[f"night-{n - 1}-to-{n}" for n in LATER])
def test_only_the_scenarios_pages_change_between_nights(walked, night):
    before, after = walked[night - 1], walked[night]
    changed, added, gone = CHANGES[night]
    assert len(before) > 100
    assert (set(after) - set(before), set(before) - set(after)) == (added, gone)
    differ = {path for path in before.keys() & after.keys() if before[path] != after[path]}
    assert differ == changed


def test_switching_back_to_night_1_serves_night_1_again(walked):
    assert walked["again"] == walked[1]


@pytest.mark.parametrize("night", LATER, ids=[f"night-{n}" for n in LATER])
def test_changed_pages_carry_no_unplanted_defect(on_night, client, soft_404_body, walked, night):
    """Every link on a page a night changed or added is planted that night, or works."""
    portal = on_night(night)
    plants = planted_for(night)
    declared = {p.resolve(portal) for p in plants}
    placeholders = {(p.url, p.link_text) for p in plants if not p.url.startswith("http")}
    changed, added, _ = CHANGES[night]
    verdicts = {}
    for path in sorted(changed | added):
        url = portal.url(JTJ, "/") if path == "jtj:/" else portal.url(XXGK, path)
        html = walked[night][path]
        for raw, link, text in page_links(html, url, page_encoding(html)):
            if not link.startswith("http") or raw.strip() in ("", "#"):
                tool = text in PAGE_TOOLS or raw.startswith("mailto:")
                assert (raw, text) in placeholders or tool or raw.startswith("tel:"), (path, raw)
            elif link not in declared:
                verdicts[link] = classify(client, urldefrag(link).url, soft_404_body)
    assert {link: v for link, v in verdicts.items() if v != "ok"} == {}
    texts = [walked[night][p].decode(page_encoding(walked[night][p])) for p in changed | added]
    for marker in ("220402199003151231", "13943719876", "中华人民共合国"):
        assert not any(marker in text for text in texts)
