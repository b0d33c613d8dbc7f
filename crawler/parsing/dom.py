"""Small questions about one element of a parsed page, shared by the column-walking parsers.

Is it shown (``display:none`` tabs are not)? Is it an unrendered template row (avalon
``ms-repeat``, Vue ``v-for``, ``{{ }}``)? Is it a scrolling notice (``<marquee>``, ``#mq``)? Is it
page chrome (``<header>``, ``<footer>``)? What is its visible text, and where does a link go?
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TypeAlias
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import tldextract
from lxml import etree

Element: TypeAlias = etree._Element  # any lxml element (HtmlElement, CDATA fragments)

NON_TEXT_TAGS = frozenset(
    {"script", "style", "noscript", "template", "textarea", "select", "option"}
)
# Attributes of client-side templates: the element is a pattern, not content.
_TEMPLATE_ATTRIBUTES = (
    "ms-repeat",
    "ms-for",
    "ms-each",
    "v-for",
    "x-for",
    "ng-repeat",
    "th:each",
    "wx:for",
)
_TEMPLATE_NAMES = frozenset(_TEMPLATE_ATTRIBUTES)
_TEMPLATE_HREF_ATTRIBUTES = ("ms-attr-href", ":href", "v-bind:href", "ng-href", "ms-href")
_TEMPLATE_MARKERS = ("{{", "}}", "${", "<%", "%>", "{$", "[#")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# id/class words of scrolling notice boxes (滚动公告): marquee, #mq, .scroll, .gd (滚动), .gundong.
# Custom-scrollbar layout boxes (scroll_main, scroll_wrap, ScrollStyle, scrollbar) are not.
_SCROLLER_TOKEN = re.compile(
    r"^(?:mq\d*|marquee\w*|gd\d*|gundong\w*"
    r"|scroll(?:\d*|_?(?:news|notice|div|box|list|txt|text|gg|tz|gonggao|up|left)\d*))$",
    re.IGNORECASE,
)
# id/class tokens of page chrome: the site header and footer (版权, 备案) blocks.
_CHROME_TOKEN = re.compile(
    r"^(?:header\w*|head|top_?nav\w*|footer\w*|foot\w*|bottom\w*|copyright\w*|banquan\w*|bq)$",
    re.I,
)
_TOKEN_SPLIT = re.compile(r"[\s\-]+")
_NON_PAGE_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "file:")
_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def tag_of(element: Element) -> str:
    """Lower-case tag name; comments and processing instructions have none."""
    return element.tag.lower() if isinstance(element.tag, str) else ""


def tokens(element: Element) -> list[str]:
    """The element's id and class words (``sx-c1-list`` stays one word, ``a b`` is two)."""
    text = f"{element.get('id') or ''} {element.get('class') or ''}"
    return [token for token in text.split() if token]


def _token_parts(element: Element) -> list[str]:
    """The id/class words split further at hyphens (``news-gd`` → ``news``, ``gd``)."""
    return [part for part in _TOKEN_SPLIT.split(" ".join(tokens(element))) if part]


def self_and_ancestors(element: Element) -> list[Element]:
    return [element, *element.iterancestors()]


def is_hidden_element(element: Element) -> bool:
    """The element itself is not shown: ``display:none``, ``visibility:hidden``, ``hidden``."""
    if element.get("hidden") is not None:
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def is_hidden(element: Element) -> bool:
    """The element or one of its ancestors is not shown (a hidden tab, a collapsed panel)."""
    return any(is_hidden_element(node) for node in self_and_ancestors(element))


def is_template_element(element: Element) -> bool:
    """The element is an unrendered client-side template pattern."""
    if tag_of(element) == "template":
        return True
    # lxml's stubs allow bytes attribute names; lxml gives str names on Python 3.
    return any(
        isinstance(name, str) and (name in _TEMPLATE_NAMES or name.startswith("ms-repeat"))
        for name in element.keys()  # noqa: SIM118  (iterating an element gives its children)
    )


def in_template(element: Element) -> bool:
    """The element belongs to an unrendered template (``ms-repeat``, ``v-for``, ``<template>``)."""
    return any(is_template_element(node) for node in self_and_ancestors(element))


def is_scroller_element(element: Element) -> bool:
    if tag_of(element) == "marquee":
        return True
    return any(_SCROLLER_TOKEN.match(part) for part in _token_parts(element))


def in_scroller(element: Element) -> bool:
    """The element sits in a scrolling notice box (``<marquee>``, ``#mq``, ``.scroll``, ``.gd``)."""
    return any(is_scroller_element(node) for node in self_and_ancestors(element))


def is_chrome_element(element: Element) -> bool:
    if tag_of(element) in ("header", "footer"):
        return True
    return any(_CHROME_TOKEN.match(part) for part in tokens(element))


def in_chrome(element: Element) -> bool:
    """The element sits in the site header or footer (by tag or by id/class word)."""
    return any(is_chrome_element(node) for node in self_and_ancestors(element))


def in_non_text(element: Element) -> bool:
    return any(tag_of(node) in NON_TEXT_TAGS for node in self_and_ancestors(element))


def unrendered(root: Element) -> set[Element]:
    """Every element under ``root`` (itself included) for which ``in_non_text`` or
    ``in_template`` holds, found in one pass down the tree rather than by climbing from each."""
    found: set[Element] = set()
    if any(tag_of(a) in NON_TEXT_TAGS or is_template_element(a) for a in root.iterancestors()):
        found.update(root.iter())
        return found
    for element in root.iter():
        if element in found or not isinstance(element.tag, str):
            continue
        if tag_of(element) in NON_TEXT_TAGS or is_template_element(element):
            found.update(element.iter())
    return found


def text_of(element: Element) -> str:
    """Visible text, whitespace collapsed; scripts, styles and comments left out."""
    parts: list[str] = []

    def walk(node: Element, top: bool) -> None:
        if isinstance(node.tag, str) and tag_of(node) not in NON_TEXT_TAGS:
            parts.append(node.text or "")
            for child in node:
                walk(child, False)
        if not top:
            parts.append(node.tail or "")

    walk(element, True)
    return " ".join("".join(parts).split())


def anchor_title(anchor: Element) -> str:
    """A link's title: its ``title`` attribute when longer than the text (titles are cut with
    "..."), else its text."""
    text = text_of(anchor)
    title = " ".join((anchor.get("title") or "").split())
    return title if len(title) > len(text) else text


def base_url(doc: Element, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if the page has one."""
    for base in doc.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url


@lru_cache(maxsize=16384)
def resolve_link(href: str | None, base: str) -> str | None:
    """The absolute http(s) URL a link goes to, without fragment; ``None`` for non-links.

    Not links: empty and ``#`` hrefs, ``javascript:``/``mailto:``…, and unrendered template
    placeholders (``{{el.url}}``, ``${url}``).
    """
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    lowered = href.lower()
    if lowered.startswith(_NON_PAGE_SCHEMES) or any(m in href for m in _TEMPLATE_MARKERS):
        return None
    try:
        absolute = urldefrag(urljoin(base, href))[0]
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def link_of(anchor: Element, base: str) -> str | None:
    """Where an ``<a>`` goes, or ``None`` when it is no real link (template-bound hrefs too)."""
    if any(name in anchor.attrib for name in _TEMPLATE_HREF_ATTRIBUTES):
        return None
    return resolve_link(anchor.get("href"), base)


def page_key(url: str) -> str:
    """A URL reduced so that ``dir/``, ``dir/index.html`` and ``dir/index.htm`` compare equal."""
    parts = urlsplit(url)
    path = _INDEX_FILE.sub("/", parts.path or "/")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))


def same_page(a: str, b: str) -> bool:
    return page_key(a) == page_key(b)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The PSL registrable domain (``hd.gov.cn`` for ``hdzfxxgk.hd.gov.cn``); IPs and single
    labels stand for themselves. Uses the suffix list bundled with tldextract: no network."""
    host = (host or "").lower().strip(".")
    result = _TLD(host)
    top = getattr(result, "top_domain_under_public_suffix", None)
    if top is None:  # older tldextract
        top = result.registered_domain
    return top or host


def same_site(a: str, b: str) -> bool:
    """Both URLs belong to one registrable domain."""
    host_a = urlsplit(a).hostname or ""
    host_b = urlsplit(b).hostname or ""
    return registrable_domain(host_a) == registrable_domain(host_b)


def document_order(doc: Element) -> dict[Element, int]:
    """Each element's position in document order (for sorting what was found)."""
    return {element: index for index, element in enumerate(doc.iter())}


# "更多" links: the way into a block's full column list.
_MORE_TEXT = re.compile(r"^(?:[+>»›\s]*(?:更多|查看更多|more)\S{0,8}|[>»]{2,}|\+)$", re.IGNORECASE)


def is_more_link(anchor: Element) -> bool:
    """An "更多>>" / "more" / "》》" link (text, image alt/title, or a ``more`` class)."""
    text = text_of(anchor)
    if text and _MORE_TEXT.match(text):
        return True
    if not text:
        labels = [anchor.get("title") or ""] + [img.get("alt") or "" for img in anchor.iter("img")]
        if any(_MORE_TEXT.match(label.strip()) for label in labels if label.strip()):
            return True
        return any("more" in token.lower() for token in tokens(anchor))
    return False
