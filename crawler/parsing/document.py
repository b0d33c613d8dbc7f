"""One parsed page: the lxml tree every parser in this package reads.

Old CMS templates leave tags open — 300 ``<div>``, ``<font>`` or ``<b>`` never closed are no
rarity — and libxml2 by default stops building the tree at depth 256: every later link and word
is silently dropped. Pages are therefore parsed with its limits lifted (``huge_tree``), which
raises the depth limit to 2048 and lets a text node pass 10 MB. That costs no memory a page of
the same size could not cost anyway: the tree still grows with the bytes, and a page's bytes
are bounded by the crawl's ``DOWNLOAD_MAXSIZE`` (a 32 MB page of 3 million nested elements
parses in some 350 MB, as a 32 MB page of ordinary markup does).

The parsers here walk the tree recursively, and Python's stack is not 2048 frames deep; so
beyond :data:`MAX_DEPTH` (the depth the tree had under libxml2's default: a page that parsed
whole before is left as it was) elements that only wrap or style what they hold are unwrapped,
their text and children kept in place, and then any other element that still holds elements
there, but a link. A page deeper than libxml2's own limit is still cut: :class:`ParsedPage`
says so, and the crawl notes it on the page (``truncated``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.etree import ParserError

EMPTY_DOCUMENT = "<html><body></body></html>"
# lxml refuses a str that still carries an encoding declaration; the text is already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# libxml2 drops everything after a top-level </html>; pages with an included header document
# (a whole <html> inside a <div>) would lose their footer. Browsers ignore these end tags.
_DOCUMENT_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)


# The deepest element kept as parsed (the root <html> is at depth 1); see the module docstring.
MAX_DEPTH = 256
# Elements that only wrap or style their content: the first unwrapped beyond MAX_DEPTH.
_WRAPPERS = frozenset({
    "div", "span", "font", "b", "i", "u", "s", "strong", "em", "small", "big", "center", "p",
    "section", "article", "main", "aside", "header", "footer", "nav", "blockquote", "pre", "code",
    "tt", "strike", "sub", "sup", "label", "abbr", "cite", "q", "mark", "ins", "del",
})  # fmt: skip


@dataclass(frozen=True)
class ParsedPage:
    """A page's tree, and whether libxml2 cut it (what lay beyond its limits is not in it)."""

    doc: lxml.html.HtmlElement
    truncated: bool = False


def parse_html(text: str, url: str) -> lxml.html.HtmlElement:
    """Parse decoded HTML leniently; an empty or unparsable page becomes an empty document.

    Comments are kept in the tree (lxml's default) but no parser here reads them: commented-out
    markup is not part of the page a visitor sees.
    """
    return parse_page(text, url).doc


def parse_page(text: str, url: str) -> ParsedPage:
    """:func:`parse_html`, saying whether the page was cut."""
    text = _XML_DECLARATION.sub("", text or "", count=1)
    text = _DOCUMENT_END_TAGS.sub("", text)
    parser = lxml.html.HTMLParser(huge_tree=True)  # one per page: its error log is the page's
    try:
        doc = lxml.html.document_fromstring(text or EMPTY_DOCUMENT, parser=parser, base_url=url)
    except (ParserError, ValueError):
        return ParsedPage(lxml.html.document_fromstring(EMPTY_DOCUMENT, base_url=url))
    truncated = any(_is_limit(error) for error in parser.error_log)
    if text.count("<") > MAX_DEPTH:  # fewer tags cannot nest that deep
        _flatten(doc)
    return ParsedPage(doc, truncated)


def _is_limit(error: etree._LogEntry) -> bool:
    """A libxml2 error that stopped the parse (older releases name the depth one otherwise)."""
    return error.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in error.message


def _flatten(doc: lxml.html.HtmlElement) -> None:
    """Bring every element to depth :data:`MAX_DEPTH` + 2 at most (a link and its content):
    unwrap the wrappers beyond :data:`MAX_DEPTH`, then, if need be, every other element there
    that holds elements, but links."""
    deep = _beyond(doc, MAX_DEPTH)
    for unwrapped in (_WRAPPERS.__contains__, "a".__ne__):
        if not deep:
            return
        for element in deep:
            if isinstance(element.tag, str) and unwrapped(element.tag) and len(element):
                element.drop_tag()
        deep = _beyond(doc, MAX_DEPTH)


def _beyond(doc: lxml.html.HtmlElement, depth: int) -> list[lxml.html.HtmlElement]:
    """The elements deeper than `depth`, in document order: the subtrees of those one deeper,
    found by one path expression (libxml2 walks it level by level, each element once)."""
    return [element for top in doc.xpath("/*" * (depth + 1)) for element in top.iter()]


_INVISIBLE = {"script", "style", "noscript", "template", "head", "title"}


def visible_text(doc: lxml.html.HtmlElement, *, limit: int = 200_000) -> str:
    """The text a visitor can read: no scripts, styles, templates or comments; whitespace
    collapsed; at most `limit` characters."""
    parts: list[str] = []
    size = 0

    def walk(element: lxml.html.HtmlElement) -> None:
        nonlocal size
        if size >= limit:
            return
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is not None and tag.lower() not in _INVISIBLE:
            if element.text:
                parts.append(element.text)
                size += len(element.text)
            for child in element:
                walk(child)
        if element.tail:
            parts.append(element.tail)
            size += len(element.tail)

    body = doc.find("body")
    walk(body if body is not None else doc)
    return " ".join(" ".join(parts).split())[:limit]
