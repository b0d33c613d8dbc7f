"""One parsed page: the lxml tree every parser in this package reads."""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError

EMPTY_DOCUMENT = "<html><body></body></html>"
# lxml refuses a str that still carries an encoding declaration; the text is already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# libxml2 drops everything after a top-level </html>; pages with an included header document
# (a whole <html> inside a <div>) would lose their footer. Browsers ignore these end tags.
_DOCUMENT_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)


def parse_html(text: str, url: str) -> lxml.html.HtmlElement:
    """Parse decoded HTML leniently; an empty or unparsable page becomes an empty document.

    Comments are kept in the tree (lxml's default) but no parser here reads them: commented-out
    markup is not part of the page a visitor sees.
    """
    text = _XML_DECLARATION.sub("", text or "", count=1)
    text = _DOCUMENT_END_TAGS.sub("", text)
    try:
        doc = lxml.html.document_fromstring(text or EMPTY_DOCUMENT, base_url=url)
    except (ParserError, ValueError):
        doc = lxml.html.document_fromstring(EMPTY_DOCUMENT, base_url=url)
    return doc


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
