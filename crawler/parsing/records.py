"""Repeated records: the sibling structures (li / tr / dd / div / p) that each hold one link.

A column list page is, structurally, one parent whose children repeat the same shape: a link to
an article and, usually, a date beside it. This module finds every such group on a page —
content lists, side menus, tab panels, footers alike — and reads each record's link, title and
date. Choosing among the groups is :mod:`crawler.parsing.listing`'s job.

Hanweb JCMS (大汉) pages carry their list in a ``<script type="text/xml"><datastore>`` block
whose ``<record><![CDATA[…]]></record>`` entries are HTML; those are parsed and returned as one
more group (:attr:`RecordGroup.container` is then the ``<script>`` element).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from crawler.parsing.dates import date_from_url, make_date, parse_date, year_from_url
from crawler.parsing.dom import (
    NON_TEXT_TAGS,
    Element,
    anchor_title,
    in_template,
    is_more_link,
    link_of,
    tag_of,
    text_of,
    unrendered,
)

RECORD_TAGS = frozenset({"li", "tr", "dd", "dt"})
BLOCK_RECORD_TAGS = frozenset({"div", "p", "section", "article", "h3", "h4"})
MAX_LINKS_PER_RECORD = 4  # a title plus attachment/department links; more is a navigation row
MAX_CLIMB = 8
MIN_TITLE_CHARS = 2
_DATE_ONLY = re.compile(
    r"^[\s\[(（【]*(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\s\])）】]*$"
)
_RECORD_CDATA = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)


@dataclass(slots=True)
class Record:
    """One repeated item: its element, main link and the date written beside it."""

    element: Element
    anchor: Element
    url: str
    title: str
    date: datetime.date | None = None
    date_source: str | None = None


@dataclass(slots=True)
class RecordGroup:
    """Sibling records under one parent (or the records of one Hanweb datastore)."""

    container: Element
    tag: str
    records: list[Record] = field(default_factory=list)
    from_datastore: bool = False

    @property
    def dated(self) -> int:
        """How many records carry a date written next to them (not guessed from the URL)."""
        return sum(1 for record in self.records if record.date_source == "list")

    @property
    def is_dated(self) -> bool:
        """At least half of the records show a date: an article list, not a menu."""
        return self.dated >= 1 and self.dated * 2 >= len(self.records)


def _small(element: Element) -> bool:
    """A record holds a few links; an element holding more is a whole list or a layout cell."""
    linked = 0
    for anchor in element.iter("a"):
        if anchor.get("href"):
            linked += 1
            if linked > MAX_LINKS_PER_RECORD:
                return False  # (a layout cell of hundreds of links is not counted out)
    return True


def _record_element(anchor: Element) -> Element | None:
    """The repeated item an anchor belongs to: its nearest li/tr/dd/dt, or the nearest div/p
    whose parent repeats that tag with links in at least two of them — as long as it holds no
    more than a few links (else it is a list or a layout cell, not one item)."""
    node = anchor.getparent()
    for _ in range(MAX_CLIMB):
        if node is None or tag_of(node) in ("body", "html", "ul", "ol", "table", "dl"):
            return None
        tag = tag_of(node)
        if tag in RECORD_TAGS:
            return node if _small(node) else None
        if not _small(node):
            return None
        parent = node.getparent()
        if tag in BLOCK_RECORD_TAGS and parent is not None:
            linked = sum(
                1
                for sibling in parent
                if tag_of(sibling) == tag and next(sibling.iter("a"), None) is not None
            )
            if linked >= 2:
                return node
        node = parent
    return None


def _segments(record: Element, main: Element) -> tuple[str, list[str]]:
    """The record's text outside the main link, and the texts of elements inside it."""
    outside: list[str] = []
    inside: list[str] = []

    def walk(node: Element, in_main: bool) -> None:
        if not isinstance(node.tag, str) or tag_of(node) in NON_TEXT_TAGS:
            return
        here = in_main or node is main
        (inside if here else outside).append(node.text or "")
        for child in node:
            walk(child, here)
            (inside if here else outside).append(child.tail or "")

    walk(record, False)
    return " ".join(" ".join(outside).split()), [" ".join(t.split()) for t in inside if t.strip()]


def _has_link(element: Element) -> bool:
    return next(element.iter("a"), None) is not None


def _year_near(month_day: datetime.date, url_date: datetime.date | None) -> datetime.date:
    """Put a month-day read with the URL's year into the year closest to the URL's full date
    (an item shown 12-31 whose URL says t20180102 is from 2017)."""
    if url_date is None:
        return month_day
    candidates = [
        make_date(month_day.year + shift, month_day.month, month_day.day) for shift in (-1, 0, 1)
    ]
    valid = [day for day in candidates if day is not None]
    return min(valid, key=lambda day: abs((day - url_date).days))


def _record_date(
    record: Element, main: Element, url: str, context_year: int | None
) -> datetime.date | None:
    """The date written beside the link (outside it first, then a date-only part inside it)."""
    outside, inside = _segments(record, main)
    texts = [outside] + [text for text in inside if _DATE_ONLY.match(text)]
    if tag_of(record) == "dt":
        follower = record.getnext()
        if follower is not None and tag_of(follower) == "dd" and not _has_link(follower):
            texts.append(text_of(follower))
    url_date = date_from_url(url)
    year = year_from_url(url) or context_year
    for text in texts:
        full = parse_date(text)
        if full:
            return full
    if year is None:
        return None
    for text in texts:
        partial = parse_date(text, default_year=year)
        if partial:
            return _year_near(partial, url_date)
    return None


def _main_anchor(anchors: list[tuple[Element, str]]) -> tuple[Element, str] | None:
    """The record's title link: the one with the longest title, ignoring "更多" links."""
    candidates = [(a, u) for a, u in anchors if not is_more_link(a)]
    if not candidates:
        return None
    return max(candidates, key=lambda pair: len(anchor_title(pair[0])))


def _clean_title(anchor: Element) -> str:
    """The link's title without a date printed inside the link."""
    title = anchor_title(anchor)
    if title == " ".join((anchor.get("title") or "").split()):
        return title
    kept = [
        text_of(child)
        for child in anchor
        if isinstance(child.tag, str) and _DATE_ONLY.match(text_of(child))
    ]
    for date_text in kept:
        title = title.replace(date_text, "")
    return " ".join(title.split())


def _build_records(
    elements: dict[Element, list[tuple[Element, str]]], context_year: int | None
) -> list[Record]:
    records: list[Record] = []
    for element, anchors in elements.items():
        main = _main_anchor(anchors)
        if main is None:
            continue
        anchor, url = main
        title = _clean_title(anchor)
        if len(title) < MIN_TITLE_CHARS:
            continue
        records.append(Record(element, anchor, url, title))
    for record in records:
        record.date = _record_date(record.element, record.anchor, record.url, context_year)
        if record.date is not None:
            record.date_source = "list"
        else:
            record.date = date_from_url(record.url)
            record.date_source = "url" if record.date else None
    return records


def _context_year(page_url: str, urls: list[str]) -> int | None:
    """The year to give a month-day when the item's URL has none: the most common year of the
    page's item URLs, else the page's own URL."""
    years = Counter(year for year in (year_from_url(url) for url in urls) if year)
    if years:
        return years.most_common(1)[0][0]
    return year_from_url(page_url)


def find_record_groups(doc: Element, base: str, page_url: str) -> list[RecordGroup]:
    """Every group of sibling records on the page (DOM groups, then datastore groups), each in
    document order. Template rows and links inside scripts/styles are never records."""
    by_record: dict[Element, list[tuple[Element, str]]] = {}
    hidden_away = unrendered(doc)
    for anchor in doc.iter("a"):
        url = link_of(anchor, base)
        if url is None or anchor in hidden_away:
            continue
        element = _record_element(anchor)
        if element is not None:
            by_record.setdefault(element, []).append((anchor, url))
    context_year = _context_year(page_url, [u for pairs in by_record.values() for _, u in pairs])
    groups: dict[tuple[Element, str], RecordGroup] = {}
    for record in _build_records(by_record, context_year):
        parent = record.element.getparent()
        # _record_element climbs no higher than <body>: a record is never the document's root.
        assert parent is not None, "a record element has a parent"
        key = (parent, tag_of(record.element))
        groups.setdefault(key, RecordGroup(parent, key[1])).records.append(record)
    return list(groups.values()) + datastore_groups(doc, base, page_url)


def datastore_groups(doc: Element, base: str, page_url: str) -> list[RecordGroup]:
    """Hanweb JCMS ``<datastore>`` lists: each ``<record>``'s CDATA HTML is one record."""
    groups: list[RecordGroup] = []
    for script in doc.iter("script"):
        text = script.text or ""
        if "<record" not in text:
            continue
        fragments = []
        for cdata in _RECORD_CDATA.findall(text):
            try:
                fragments.append(lxml.html.fragment_fromstring(cdata, create_parent="div"))
            except (etree.ParserError, ValueError):
                continue
        by_record: dict[Element, list[tuple[Element, str]]] = {}
        for fragment in fragments:
            anchors = [
                (a, url)
                for a in fragment.iter("a")
                if (url := link_of(a, base)) is not None and not in_template(a)
            ]
            if anchors:
                by_record[fragment] = anchors
        context_year = _context_year(page_url, [u for v in by_record.values() for _, u in v])
        records = _build_records(by_record, context_year)
        if records:
            groups.append(RecordGroup(script, "record", records, from_datastore=True))
    return groups
