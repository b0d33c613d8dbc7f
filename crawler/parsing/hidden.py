"""Outside links a reader of the page cannot see (暗链/黑链): what injected spam looks like.

A pure parse of the page's own HTML, no browser: every ``<a href>`` and ``<area href>`` whose
target lies outside the site (the caller says what "outside" is) and which the page's own CSS
and attributes hide — on the link itself or on any ancestor (see
:mod:`crawler.parsing.styles` for the techniques and what is not read) — and every such link
written by an inline script (:mod:`crawler.parsing.written`) that is hidden in what it writes
or where it writes it: ``how`` is then ``document_write``.

Nothing is judged here: a dropdown of other government sites hidden until hovered is listed
like an injected casino link; the ``harmful_link`` check decides which of them are defects.
``<option>`` entries of a 友情链接 select box are not links a reader cannot see (the box opens
them) and are not listed.

What a page record keeps is short (:data:`MAX_HIDDEN` entries, one per target): a template
that hides the same dropdown on every page must not swell every page's record. When there are
more, the ones hidden by techniques menus, tabs and logos do not use come first (off-screen,
zero size, same colour…), then the rest (``display:none``, ``hidden``…) in page order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from crawler.parsing.links import href_resolver, is_fetchable, rendered_elements
from crawler.parsing.styles import StyleSheet, hiding, style_sheet
from crawler.parsing.written import Written, written_markup

__all__ = ["MAX_HIDDEN", "HiddenLink", "hidden_links"]

MAX_HIDDEN = 30
TEXT_LIMIT = 80
SCRIPT_WRITTEN = "document_write"
# Techniques a dropdown, a tab or a logo uses, kept after the others when the list is cut.
_TOGGLE_TECHNIQUES = frozenset(
    {"display_none", "visibility_hidden", "hidden_attr", "font_size_zero", "text_indent"}
)


@dataclass(frozen=True, slots=True)
class HiddenLink:
    """One hidden outside link: its resolved target (the same string a ``Link`` of the page
    carries), its text (anchor text, else title/alt) and how it is hidden; for a link written
    by a script (``how`` = ``document_write``), the technique that hides what it writes
    (``hidden_by``) and whether the script had to be decoded to read it (``obfuscated``)."""

    target: str
    text: str
    how: str
    hidden_by: str | None = None
    obfuscated: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"target": self.target, "text": self.text, "how": self.how}
        if self.hidden_by is not None:
            data["hidden_by"] = self.hidden_by
        if self.obfuscated:
            data["obfuscated"] = True
        return data


def hidden_links(
    doc: lxml.html.HtmlElement,
    page_url: str,
    is_outside: Callable[[str], bool],
    *,
    query_encoding: str = "utf-8",
    limit: int = MAX_HIDDEN,
) -> list[HiddenLink]:
    """The hidden links of ``doc`` whose target ``is_outside`` says is outside the site, one
    per target, at most ``limit``."""
    resolve = href_resolver(doc, page_url, query_encoding=query_encoding)
    sheet = style_sheet(style.text or "" for style in doc.iter("style"))
    # Without a <base>, a relative href stays on the page's own host: not outside, not resolved.
    based = doc.find(".//base[@href]") is not None
    found: dict[str, HiddenLink] = {}
    boxes: dict[etree._Element, Any] = {}  # each box's own facts, shared by the links in it
    for anchor, chain, written in _candidates(doc, sheet):
        raw = anchor.get("href")
        if raw is None or (not based and written is None and not _may_leave(raw)):
            continue
        target = resolve(raw)
        if target in found or not is_fetchable(target) or not is_outside(target):
            continue
        technique = hiding(chain or [anchor, *anchor.iterancestors()], sheet, boxes)
        if technique is None:
            continue
        if written is None:
            found[target] = HiddenLink(target, _text(anchor), technique)
        else:
            found[target] = HiddenLink(
                target, _text(anchor), SCRIPT_WRITTEN, technique, written.obfuscated
            )
    links = list(found.values())
    # Toggle-style hiding last when the list is cut (sorted() is stable: page order kept).
    links.sort(key=lambda link: (link.hidden_by or link.how) in _TOGGLE_TECHNIQUES)
    return links[:limit]


_Candidate = tuple[etree._Element, list[etree._Element] | None, Written | None]
# What an href that may lead off the page's host starts with: a scheme, "//", or the
# backslashes browsers read as slashes.
_LEAVES = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:|[/\\]{2})", re.IGNORECASE)


def _may_leave(raw: str) -> bool:
    return bool(_LEAVES.match(raw))


def _candidates(doc: lxml.html.HtmlElement, sheet: StyleSheet) -> Iterator[_Candidate]:
    """(anchor, the anchor and its ancestors, what wrote it) in page order; an anchor written
    by a script sits where the script is, so the script's ancestors follow its own. A page's
    own anchor comes without its chain (None): it is built only for an outside target."""
    for element in rendered_elements(doc):
        tag = element.tag
        if tag in ("a", "area"):
            yield element, None, None
        elif tag == "script" and element.text and not element.get("src"):
            yield from _written(element)


def _written(script: etree._Element) -> Iterator[_Candidate]:
    written = written_markup(script.text or "")
    lowered = written.markup.lower()
    if "<a" not in lowered and "<area" not in lowered:
        return
    try:
        fragment = lxml.html.fragment_fromstring(written.markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    page_chain = list(script.iterancestors())
    for anchor in fragment.iter("a", "area"):
        inner = [anchor, *(a for a in anchor.iterancestors() if a is not fragment)]
        yield anchor, [*inner, *page_chain], written


def _text(anchor: etree._Element) -> str:
    text = " ".join(
        etree.tostring(anchor, method="text", encoding="unicode", with_tail=False).split()
    )
    if not text:
        for node in (anchor, *anchor.iter("img")):
            label = node.get("title") or node.get("alt")
            if label and label.strip():
                text = " ".join(label.split())
                break
    return text[:TEXT_LIMIT]
