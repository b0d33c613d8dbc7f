"""Page metadata: the ``<title>``, the ``<meta name>`` tags, the ``<h1>`` and the breadcrumb.

《政府网站发展指引》 asks every page to carry ``SiteName``, ``SiteDomain``, ``SiteIDCode``,
``ColumnName``, ``ArticleTitle``, ``PubDate`` meta tags; CMSs write them with varying case,
sometimes twice, sometimes empty. The breadcrumb (当前位置 trail) names the 栏目 a page sits in
when the meta tags do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from crawler.parsing.links import rendered_elements

__all__ = ["PageMeta", "extract_meta", "meta_tags", "meta_value", "site_name"]

# Class/id words of a trail; not CSS utility classes such as "position-relative".
_CRUMB_CLASS = re.compile(
    r"position(?!-(?:relative|absolute|fixed|static|sticky))|location|crumb|dqwz|bread",
    re.IGNORECASE,
)
_BY_CLASS, _BY_LABEL, _BY_ANCHORS = "class", "label", "anchors"
_MAX_TRAIL = 12  # a longer run of links is a menu, not a 当前位置 trail
# 当前位置 / 您的位置 / 您现在的位置是 / 您当前所在位置 / 您的当前位置 …, with its colon.
_LABEL = re.compile(r"(?:您|当前)[^>»›:：\n]{0,6}位置\s*(?:是)?\s*[:：]?")
_LABEL_START = re.compile(r"^\s*(?:您|当前)[^>»›:：\n]{0,6}位置")
_SEPARATOR = re.compile(r"\s*(?:>>|->|>|»|›|→|＞|/)\s*")
_HOME = re.compile(r"^(?:网站)?(?:首页|主页)$")
_NON_RENDERED = frozenset({"script", "style", "template", "noscript"})
# A home page's title names the site among other words: "首页 - 某市人民政府",
# "某市人民政府门户网站", "欢迎访问某县人民政府网站 | 政务公开".
_TITLE_PARTS = re.compile(r"\s*(?:[-|_｜—–·•»>]+|\s[:：]\s)\s*")
_GREETING = re.compile(r"^(?:欢迎(?:您)?(?:访问|光临|登录)|welcome to)\s*", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:网站)?(?:首页|主页|index|home(?:\s*page)?|default)$", re.IGNORECASE)
# What a government body's or its portal's name ends in.
_BODY = re.compile(
    r"(?:政府|人大|政协|委员会|委|局|厅|办公室|办|署|院|部|中心|管委会|网|门户|平台|中国[\u4e00-\u9fff]{2,4})"
    r"(?:门户网站|网站|门户)?$"
)
_MAX_NAME = 40  # longer is a sentence (an article's title), not a site's name


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself.

    ``meta`` maps each ``<meta name>`` as written (case kept) to its content; the first
    non-empty value wins, an only-empty one stays ``""`` (an empty ``SiteIDCode`` is a finding).
    ``breadcrumb`` is the 当前位置 trail, e.g. ``["首页", "政务公开", "综合信息"]``, or ``[]``.
    """

    title: str
    meta: dict[str, str]
    h1: str | None
    breadcrumb: list[str]


def extract_meta(doc: lxml.html.HtmlElement) -> PageMeta:
    """Title, meta tags, first ``<h1>`` and breadcrumb of a parsed page."""
    return PageMeta(
        title=_first_text(doc, "title") or "",
        meta=meta_tags(doc),
        h1=_first_text(doc, "h1"),
        breadcrumb=breadcrumb(doc),
    )


def meta_value(meta: PageMeta, name: str) -> str | None:
    """The content of meta ``name`` matched case-insensitively (first non-empty), else None."""
    wanted = name.lower()
    values = [value for key, value in meta.meta.items() if key.lower() == wanted]
    return next((value for value in values if value), values[0] if values else None)


def site_name(meta: PageMeta) -> str | None:
    """The site's name as its home page gives it: the ``SiteName`` meta tag, else the part of
    the ``<title>`` that names a government body or portal (a greeting and "首页" dropped), or
    the whole title when it is one short phrase; ``None`` when neither says. Meant for the home
    page: an article's title is one phrase too."""
    declared = meta_value(meta, "SiteName")
    if declared and len(declared) <= _MAX_NAME:
        return declared
    written = [_GREETING.sub("", part) for part in _TITLE_PARTS.split(meta.title) if part]
    parts = [p for p in written if p and not _NOT_A_NAME.match(p) and len(p) <= _MAX_NAME]
    named = [p for p in parts if _BODY.search(p)]
    if named:
        return named[0]
    # A home page titled with one short phrase and nothing else is titled with its name.
    return parts[0] if len(written) == 1 and parts else None


def meta_tags(doc: lxml.html.HtmlElement) -> dict[str, str]:
    """``<meta name=… content=…>`` pairs, names as written, first non-empty content winning."""
    tags: dict[str, str] = {}
    for element in rendered_elements(doc):
        if element.tag != "meta":
            continue
        name = (element.get("name") or "").strip()
        if name and not tags.get(name):
            tags[name] = " ".join((element.get("content") or "").split())
    return tags


def breadcrumb(doc: lxml.html.HtmlElement) -> list[str]:
    """The 当前位置 trail, found by class/id, by its label, or as ``首页 > … > …`` anchors.

    Candidates are tried in that order of evidence, each in document order; the first one that
    parses to a plausible trail wins (``id="hiddenLocation"`` data blocks and print toolbars
    inside a breadcrumb ``div`` do not). The weaker the evidence, the more the trail must show:
    a bare run of links needs separators between them, or it is a navigation bar.
    """
    for candidate, evidence in _crumb_candidates(doc):
        trail = _trail(candidate, evidence)
        if trail:
            return trail
    return []


def _crumb_candidates(doc: lxml.html.HtmlElement) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    elements = list(rendered_elements(doc))
    for element in elements:
        if any(_CRUMB_CLASS.search(element.get(name) or "") for name in ("class", "id")):
            yield element, _BY_CLASS
    for element in elements:
        for text, holder in ((element.text, element), (element.tail, element.getparent())):
            if text and _LABEL_START.match(text):
                for candidate in _self_and_ancestors(holder):
                    yield candidate, _BY_LABEL
    for element in elements:
        if element.tag == "a" and _HOME.match(_collapsed(element.text_content())):
            parent = element.getparent()
            if parent is not None:
                yield parent, _BY_ANCHORS


def _self_and_ancestors(element: lxml.html.HtmlElement | None) -> Iterator[lxml.html.HtmlElement]:
    """The label's element, then up to three ancestors: the trail's links may sit beside it."""
    for _ in range(4):
        if element is None:
            return
        yield element
        element = element.getparent()


def _trail(element: lxml.html.HtmlElement, evidence: str) -> list[str]:
    """Read ``… label? item (sep item)*``: anchors are items; loose text is split by separators.

    A label (当前位置：) restarts the trail; loose text after it that no separator introduces
    (``字号：默认 大 超大``) ends it. Tokens are read lazily, so a large candidate costs little.
    """
    items: list[str] = []
    labelled = separated = pending_separator = False
    for kind, value in _tokens(element):
        if kind == "text" and not labelled and (match := _LABEL.search(value)):
            labelled, items, pending_separator = True, [], False
            value = _collapsed(value[match.end() :])
        if kind == "sep":
            if items:
                pending_separator = separated = True
            continue
        if not value:
            continue
        if kind != "anchor" and items and not pending_separator:
            break
        items.append(value)
        pending_separator = False
        if len(items) > _MAX_TRAIL:
            return []
    if labelled:
        return items
    if len(items) < 2:
        return []
    if separated or (evidence == _BY_CLASS and _HOME.match(items[0])):
        return items
    return []


def _tokens(element: lxml.html.HtmlElement) -> Iterator[tuple[str, str]]:
    """``("anchor", text)``, ``("text", part)`` and ``("sep", "")`` in document order."""
    if element.tag == "a":
        yield "anchor", _collapsed(element.text_content())
        return
    yield from _text_tokens(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NON_RENDERED:
            yield from _tokens(child)
        yield from _text_tokens(child.tail)


def _text_tokens(text: str | None) -> Iterator[tuple[str, str]]:
    if not text:
        return
    parts = _SEPARATOR.split(text)
    for index, part in enumerate(parts):
        if index:
            yield "sep", ""
        yield "text", _collapsed(part)


def _first_text(doc: lxml.html.HtmlElement, tag: str) -> str | None:
    for element in rendered_elements(doc):
        if element.tag == tag:
            text = _collapsed(element.text_content())
            if text:
                return text
    return None


def _collapsed(text: str) -> str:
    return " ".join(text.split())
