"""The demo portal's 暗链, 外链变质 and 办事指南 plants (issue 11) on loopback: each is on the page
the answer key names, hidden or shown as declared, and its target serves what the key says.

Read with lxml and plain string tests, independently of the crawler's parsers and the checks:
hiding is read here from the page's own ``style`` attributes and ``<style>`` rules, a guide's
elements from its table, by an inspector's labels.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from demo_client import XXGK, page_text

from xuncha.demo.expected import NEGATIVES, PLANTED

HARMFUL = [p for p in PLANTED if p.check == "harmful_link"]
GUIDE = [p for p in PLANTED if p.check == "service_guide"]
CASINO_WORDS = ("百家乐", "真人", "彩金", "葡京", "娱乐城")
# The 8 element classes as an inspector reads them in these guides' labels.
CLASSES = {
    "事项名称": "事项名称", "设定依据": "设定依据", "申请条件": "申请条件", "办理材料": "申请材料",
    "办理地点": "办理地点", "办理时间": "办理时间", "联系电话": "咨询电话", "办理流程": "办理流程",
}  # fmt: skip


def _tree_of(html: str) -> lxml.html.HtmlElement:
    tree: lxml.html.HtmlElement = lxml.html.fromstring(html)
    return tree


def _tree(client, url: str) -> lxml.html.HtmlElement:
    return _tree_of(page_text(client, url))


def _anchor(tree: lxml.html.HtmlElement, href: str) -> lxml.html.HtmlElement:
    (anchor,) = [a for a in tree.iter("a") if a.get("href") == href]
    return anchor


def _hidden_by(tree: lxml.html.HtmlElement, element: lxml.html.HtmlElement) -> str | None:
    """How the element or an ancestor is hidden: an inline display:none, or a class that a
    ``<style>`` rule of the page moves off-screen; None when a reader sees it."""
    rules = " ".join(style.text or "" for style in tree.iter("style"))
    for node in (element, *element.iterancestors()):
        if "display:none" in (node.get("style") or "").replace(" ", ""):
            return "display_none"
        for name in (node.get("class") or "").split():
            if re.search(rf"\.{re.escape(name)}\{{[^}}]*left:-\d{{4,}}px", rules):
                return "offscreen"
    return None


def test_issue_11_plants_one_of_each_kind():
    assert sorted((p.subtype, p.issue) for p in HARMFUL) == [("hidden", 11), ("hijacked", 11)]
    assert [(p.subtype, p.issue) for p in GUIDE] == [("missing_elements", 11)]


def test_injected_link_is_off_screen_and_leads_to_a_casino(portal, client):
    (planted,) = [p for p in HARMFUL if p.subtype == "hidden"]
    target = planted.resolve(portal)
    tree = _tree(client, portal.url(XXGK, planted.page))
    anchor = _anchor(tree, target)
    assert anchor.text_content() == planted.link_text == "澳门新葡京娱乐城"
    assert _hidden_by(tree, anchor) == "offscreen"
    casino = client.request("GET", target)
    assert casino.status_code == 200
    title = lxml.html.fromstring(casino.text).findtext(".//title") or ""
    assert sum(word in title for word in CASINO_WORDS) >= 2


def test_partner_links_are_visible_and_one_now_serves_a_casino(portal, client):
    home = _tree(client, portal.url(XXGK, "/"))
    hijacked = next(p for p in HARMFUL if p.subtype == "hijacked")
    friend = next(n for n in NEGATIVES if n.link_text == "辽源市道路运输协会")
    for entry, casino in ((hijacked, True), (friend, False)):
        url = entry.resolve(portal)
        anchor = _anchor(home, url)
        assert anchor.text_content() == entry.link_text
        assert _hidden_by(home, anchor) is None
        assert not any(word in entry.link_text for word in CASINO_WORDS)
        answer = client.request("GET", url)
        assert answer.status_code == 200
        shown = _tree_of(answer.text).text_content()
        assert any(word in shown for word in CASINO_WORDS) == casino, url


def test_hidden_dropdown_lists_government_sites_that_work(portal, client):
    home = _tree(client, portal.url(XXGK, "/"))
    dropdown = [n for n in NEGATIVES if "dropdown" in n.note]
    assert len(dropdown) == 2
    for negative in dropdown:
        url = negative.resolve(portal)
        anchor = _anchor(home, url)
        assert _hidden_by(home, anchor) == "display_none"
        assert re.fullmatch(r"http://[a-z.-]+\.gov\.cn:\d+/", url)
        assert client.request("HEAD", url).status_code == 200


def _guide_rows(client, url: str) -> dict[str, str]:
    tree = _tree(client, url)
    (table,) = tree.find_class("bszn")
    return {row.findtext("th"): (row.findtext("td") or "").strip() for row in table.iter("tr")}


def test_guide_lacking_two_classes_and_the_complete_one(portal, client):
    (lacking,) = GUIDE
    rows = _guide_rows(client, lacking.resolve(portal))
    absent = [name for name, label in CLASSES.items() if label not in rows]
    empty = [name for name, label in CLASSES.items() if rows.get(label) == ""]
    assert (absent, empty) == (["设定依据"], ["办理时间"])
    assert "设定依据" in lacking.note and "办理时间" in lacking.note
    complete = next(n for n in NEGATIVES if "all 8 classes" in n.note)
    rows = _guide_rows(client, complete.resolve(portal))
    assert all(rows.get(label) for label in CLASSES.values())


@pytest.mark.parametrize("path", ["/", "/bszn/"])
def test_guides_are_listed_in_their_column(portal, client, path):
    text = page_text(client, portal.url(XXGK, path))
    assert '<a href="/bszn/">办事指南</a>' in text
    if path == "/bszn/":
        assert text.count("办事指南</a>") == 3  # the side menu and the two guides
