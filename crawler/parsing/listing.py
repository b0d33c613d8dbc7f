"""The items of a column (栏目) list page, and the dated preview blocks of a section home page.

:func:`extract_list_items` picks the page's main list among the repeated-record groups that
:mod:`crawler.parsing.records` finds, the same way on TRS WCM, Hanweb JCMS (大汉), 拓尔思 "trt",
开普云 and hand-made templates:

1. Never a list: scrolling notices (``<marquee>``, ``#mq``, ``.scroll``, ``.gd``), unrendered
   template rows, the site header/footer, hidden tabs (``display:none``), 热点/排行/相关 sidebars,
   and link groups that include a link to the page itself (a side menu or breadcrumb showing
   where the visitor is).
2. Dated lists (half or more of the items show a date) beat undated ones; among them the one with
   the most dated items wins, then the most items. A Hanweb ``<datastore>`` list counts like any
   other group.
3. An undated group can still be the list (公开指南 department links) when no dated one exists:
   the largest one in the content area.
4. Groups shaped like the winner whose parents share an ancestor within two levels (TRS "trt"
   pages split one list into ``<ul>`` blocks of five) are merged into it, unless hidden.

Entries come in document order, deduplicated by URL (first kept). Dates written as ``MM-DD``
take the year from the item's URL (TRS ``t2017…``), else the most common year of the page's item
URLs, else the page URL.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from crawler.parsing.dom import (
    Element,
    base_url,
    document_order,
    in_chrome,
    in_scroller,
    is_hidden,
    is_hidden_element,
    is_more_link,
    link_of,
    same_page,
    tag_of,
    text_of,
    tokens,
)
from crawler.parsing.pagination import has_pager
from crawler.parsing.records import RecordGroup, find_record_groups

MIN_UNDATED_ITEMS = 3
MERGE_LEVELS = 2
HEADING_LEVELS = 4
MAX_HEADING_CHARS = 30
# Sidebars that rank or recommend articles from elsewhere: 热点, 排行, 推荐, 相关/关联 (稿件).
_SIDEBAR_WORDS = ("热点", "排行", "热门", "推荐", "相关", "关联", "点击榜", "热搜")
_SIDEBAR_TOKEN = re.compile(
    r"(?:^|[_-])(?:hot|rank|paihang|phb|tuijian|recommend|related|xgwz|xgxx|xgwj)", re.I
)
_HEADING_TOKEN = re.compile(r"(?:tit|title|bt|hd|head|name|tab|lm)", re.IGNORECASE)
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A column menu's container: side menu, nav tree, 目录 (mulu), 栏目导航 (lmdh).
_MENU_TOKEN = re.compile(r"(?:^|[_-])(?:side|menu|nav|tree|catalog|mulu|lmdh|leftnav)", re.I)
MENU_LEVELS = 3


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One item of a column list."""

    title: str  # the link's title attribute when longer than its text (cut "..."), else its text
    url: str  # absolute
    date: datetime.date | None
    date_source: str | None  # "list" (written beside the item), "url" (from its address), None


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A dated preview block of a section home page: its heading, "更多" link and items."""

    heading: str | None
    more_url: str | None
    entries: list[ListEntry]


def _entries(group: RecordGroup) -> list[ListEntry]:
    return [ListEntry(r.title, r.url, r.date, r.date_source) for r in group.records]


def _dedupe(entries: list[ListEntry]) -> list[ListEntry]:
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            kept.append(entry)
    return kept


def _is_noise(group: RecordGroup) -> bool:
    """Groups that are never a list: scrolling notices and header/footer chrome."""
    if group.from_datastore:
        return False
    return in_scroller(group.container) or in_chrome(group.container)


def _ancestors_within(element: Element, levels: int) -> list[Element]:
    found = [element]
    for ancestor in element.iterancestors():
        if len(found) > levels:
            break
        found.append(ancestor)
    return found


def _is_sidebar(group: RecordGroup) -> bool:
    """A 热点/排行/相关 block: by id/class word, or by the heading above it."""
    if group.from_datastore:
        return False
    for node in _ancestors_within(group.container, 3):
        if any(_SIDEBAR_TOKEN.search(token) for token in tokens(node)):
            return True
    heading, _ = block_heading(group.container)
    return heading is not None and any(word in heading for word in _SIDEBAR_WORDS)


def _links_here(group: RecordGroup, url: str) -> bool:
    return any(same_page(record.url, url) for record in group.records)


def _in_menu_showing_here(group: RecordGroup, doc: Element, url: str) -> bool:
    """Part of a column menu (a side tree, a 目录) that elsewhere links to this very page: its
    top-level entries are the menu's, not the list of a column that lists nothing (a blank
    column's page shows the tree it sits in)."""
    if group.from_datastore:
        return False
    base = base_url(doc, url)
    for node in _ancestors_within(group.container, MENU_LEVELS):
        if not any(_MENU_TOKEN.search(token) for token in tokens(node)):
            continue
        for anchor in node.iter("a"):
            target = link_of(anchor, base)
            if target and same_page(target, url):
                return True
    return False


def _signature(element: Element) -> tuple[str, ...]:
    """Tag and class of the element and its parent: what makes two list blocks "the same"."""
    parent = element.getparent()
    shape = [tag_of(element), element.get("class") or ""]
    if parent is not None:
        shape += [tag_of(parent), parent.get("class") or ""]
    return tuple(shape)


def _merge_cousins(
    chosen: RecordGroup, groups: list[RecordGroup], *, keep_hidden: bool
) -> list[RecordGroup]:
    """The chosen group and same-shaped groups whose parents sit within two levels of it."""
    if chosen.from_datastore:
        return [chosen]
    near = set(_ancestors_within(chosen.container, MERGE_LEVELS)[1:])
    merged = [chosen]
    for group in groups:
        if group is chosen or group.from_datastore or group.tag != chosen.tag:
            continue
        if _signature(group.container) != _signature(chosen.container):
            continue
        if not keep_hidden and is_hidden(group.container):
            continue
        if near & set(_ancestors_within(group.container, MERGE_LEVELS)[1:]):
            merged.append(group)
    return merged


def _main_groups(doc: Element, url: str) -> list[RecordGroup]:
    base = base_url(doc, url)
    groups = [
        group
        for group in find_record_groups(doc, base, url)
        if not _is_noise(group)
        and (group.from_datastore or not is_hidden(group.container))
        and not _links_here(group, url)
    ]
    content = [group for group in groups if not _is_sidebar(group)]
    dated = [group for group in content if group.is_dated]
    if dated:
        best = max(dated, key=lambda g: (g.dated, len(g.records)))
    else:
        undated = [
            g
            for g in content
            if len(g.records) >= MIN_UNDATED_ITEMS and not _in_menu_showing_here(g, doc, url)
        ]
        if not undated:
            return []
        best = max(undated, key=lambda g: (len(g.records), sum(len(r.title) for r in g.records)))
    return _merge_cousins(best, groups, keep_hidden=False)


def extract_list_items(doc: Element, url: str) -> list[ListEntry]:
    """The entries of the page's main column list (see the module docstring for the choice)."""
    order = document_order(doc)
    placed = []
    for group in _main_groups(doc, url):
        for index, record in enumerate(group.records):
            # Datastore records are not in the tree: they sit where their <script> is.
            where = order[group.container] if group.from_datastore else order[record.element]
            placed.append(((where, index), record))
    placed.sort(key=lambda pair: pair[0])
    return _dedupe([ListEntry(r.title, r.url, r.date, r.date_source) for _, r in placed])


def _heading_of(element: Element) -> str | None:
    """Heading text held by an element beside a list: an h1–h6 inside it, else its own short
    text without the "更多" link, when it looks like a title (tag or id/class word)."""
    if tag_of(element) in _HEADING_TAGS:
        return text_of(element) or None
    for heading in element.iter(*_HEADING_TAGS):
        text = text_of(heading)
        if text:
            return text
    titled = any(_HEADING_TOKEN.search(token) for token in tokens(element))
    if not titled and tag_of(element) not in ("strong", "b", "span", "p", "a"):
        return None
    links = [a for a in element.iter("a") if not is_more_link(a)]
    if len(links) > 1:
        return None
    text = text_of(links[0]) if links else text_of(element)
    return text if 0 < len(text) <= MAX_HEADING_CHARS else None


def _more_in(element: Element, base: str) -> str | None:
    for anchor in element.iter("a"):
        if is_more_link(anchor):
            link = link_of(anchor, base)
            if link:
                return link
    return None


def _holds_list(element: Element) -> bool:
    return sum(1 for a in element.iter("a") if not is_more_link(a)) >= 2


def block_heading(container: Element, base: str = "") -> tuple[str | None, str | None]:
    """The heading above a list block and the "更多" link near it, looking at the preceding
    siblings of the list and of up to three of its ancestors, and stopping at another list."""
    node: Element | None = container
    for _ in range(HEADING_LEVELS):
        if node is None:
            break
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            heading = _heading_of(sibling)
            if heading:
                more = _more_in(sibling, base) if base else None
                if more is None and base:
                    more = next((m for s in node.itersiblings() if (m := _more_in(s, base))), None)
                return heading, more
            if _holds_list(sibling):
                return None, None
        node = node.getparent()
    return None, None


def _tab_heads(
    group: RecordGroup, groups: list[RecordGroup], base: str
) -> tuple[str | None, str | None] | None:
    """For a list that is one of several sibling tab panels, its tab's (name, link): the tab
    bar before the first panel has one link (or one item) per panel."""
    container = group.container
    parent = container.getparent()
    if parent is None:
        return None
    panels = [
        g.container
        for g in groups
        if g.container.getparent() is parent and _signature(g.container) == _signature(container)
    ]
    if len(panels) < 2:
        return None
    panels.sort(key=lambda element: list(parent).index(element))
    for sibling in panels[0].itersiblings(preceding=True):
        tabs = [a for a in sibling.iter("a") if not is_more_link(a)]
        if len(tabs) == len(panels):
            tab = tabs[panels.index(container)]
            return text_of(tab) or None, link_of(tab, base)
        items = [child for child in sibling if isinstance(child.tag, str)]
        if len(items) == len(panels):
            return text_of(items[panels.index(container)]) or None, _more_in(sibling, base)
    return None


def list_blocks(doc: Element, url: str) -> list[ListBlock]:
    """Every dated preview block of the page (hidden tab panels included), in document order.

    A block's heading is the title above it (近期信息公开); a tab panel's heading is its tab's
    name and its ``more_url`` the tab's own link (tabs link to their columns; the single
    "更多>>" beside a tab bar only follows the active tab). Scrolling notices and header/footer
    blocks are not blocks.
    """
    base = base_url(doc, url)
    groups = [
        g for g in find_record_groups(doc, base, url) if not _is_noise(g) and len(g.records) >= 2
    ]
    dated = [g for g in groups if g.is_dated]
    order = document_order(doc)
    used: set[int] = set()
    blocks: list[tuple[int, ListBlock]] = []
    for group in sorted(dated, key=lambda g: order.get(g.container, 0)):
        if id(group) in used:
            continue
        members = [group]
        if not is_hidden_element(group.container):
            # Same-shaped neighbours continue this block only when they have no heading of
            # their own (two boxes side by side are two columns' previews).
            members += [
                g
                for g in _merge_cousins(group, dated, keep_hidden=False)[1:]
                if id(g) not in used and block_heading(g.container) == (None, None)
            ]
        used.update(id(g) for g in members)
        tab = _tab_heads(group, dated, base)
        heading, more = tab if tab else block_heading(group.container, base)
        entries = _dedupe([e for g in members for e in _entries(g)])
        blocks.append((order.get(group.container, 0), ListBlock(heading, more, entries)))
    return [block for _, block in sorted(blocks, key=lambda pair: pair[0])]


def is_list_page(doc: Element, url: str) -> bool:
    """Whether the page is a column list rather than an article: no ArticleTitle meta, and a
    main list with at least three dated items, or any items and a pager."""
    if any((m.get("name") or "").lower() == "articletitle" for m in doc.iter("meta")):
        return False
    entries = extract_list_items(doc, url)
    dated = sum(1 for entry in entries if entry.date_source == "list")
    return dated >= 3 or (bool(entries) and has_pager(doc))
