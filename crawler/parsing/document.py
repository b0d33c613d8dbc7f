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
