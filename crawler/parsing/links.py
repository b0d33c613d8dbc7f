"""Every link and resource a visitor's browser would follow or load from one page.

One :class:`ExtractedLink` per occurrence, in document order: the same target linked twice is
two entries, because a link check reports each place a 错链 sits. What a visitor never loads is
left out: markup inside HTML comments (a comment node, not elements), ``<template>`` content,
and hrefs that are unrendered client-side placeholders (``{{el.url}}``, ``${url}``; avalon's
``ms-attr-href`` without a real ``href`` yields nothing by construction).

URLs are normalised as a browser does before it fetches: tabs and newlines are dropped,
``\\`` in a web path becomes ``/``, the value is resolved against ``<base href>`` (else the page
URL), non-ASCII is percent-encoded (UTF-8 paths, queries in ``query_encoding``) with upper-case
escapes, so ``附件1：预算.pdf`` written raw or percent-encoded is one URL; an http(s) URL loses
its ``#fragment``. A password written in a URL (``http://user:password@host/``) is masked
(``user:***``) in ``url`` and ``raw`` alike: nothing stored holds it, and the target is checked
without it (crawler/spiders/requests.py). Targets that cannot be fetched (``javascript:``,
``mailto:``, ``tel:``, ``data:``, ``file:``, Windows paths, ``""``, ``#…``) keep the value as
written.

Choices a reader might question:

* ``<link>`` is kept when the browser fetches it for the page — stylesheets, icons, manifest,
  preload — or when its ``rel`` is missing or unknown (old pages write ``<link href=x.css>``
  and a broken one is still a defect). It is skipped when ``rel`` only names another document
  or warms a connection: canonical, alternate, dns-prefetch, preconnect, prerender, next, prev…
* A ``<form>`` without ``action`` (or with an empty one) submits to the page itself: skipped.
* The old ``background`` attribute (``<body>``, ``<table>``, ``<td>``) is loaded like an image
  and common on TRS-era pages, so it is kept as a resource with ``attr="background"``.
* A ``javascript:`` href is reported as written (a placeholder link is itself a finding) and,
  when it hides a navigation (``window.open('…')``, ``location.href='…'``), the target is
  reported again as a second entry with the same tag and attr; ``onclick`` targets come with
  ``tag="onclick"``. A target built by string concatenation is not guessed at.
* ``<option value="http://…">`` of a 友情链接 jump menu (``onchange="window.open(this.value)"``)
  is a navigation too: kept with ``tag="option"``, ``attr="value"`` when the value is an
  absolute web URL.
* Lazy-loading attributes (``data-src``…) are left to the script that reads them.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import lxml.html
from w3lib.url import safe_url_string

from checks.urls import is_malformed, url_scheme
from checks.userinfo import redact_text, redact_url

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "ExtractedLink",
    "extract_links",
    "href_resolver",
    "is_fetchable",
    "rendered_elements",
]

ATTACHMENT_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx"}
    | {".zip", ".rar", ".7z", ".txt", ".csv", ".ofd", ".ceb"}
)
TEXT_LIMIT = 200

PAGE = "page"
RESOURCE = "resource"
ATTACHMENT = "attachment"
FETCHABLE_SCHEMES = frozenset({"http", "https"})
WINDOWS_PATH = "windows-path"

# Per tag: (attribute, kind) in the order they are reported.
_URL_ATTRIBUTES: dict[str, tuple[tuple[str, str], ...]] = {
    "a": (("href", PAGE),),
    "area": (("href", PAGE),),
    "iframe": (("src", PAGE),),
    "frame": (("src", PAGE),),
    "form": (("action", PAGE),),
    "img": (("src", RESOURCE), ("srcset", RESOURCE)),
    "script": (("src", RESOURCE),),
    "link": (("href", RESOURCE),),
    "embed": (("src", RESOURCE),),
    "object": (("data", RESOURCE),),
    "source": (("src", RESOURCE), ("srcset", RESOURCE)),
    "video": (("src", RESOURCE), ("poster", RESOURCE)),
    "audio": (("src", RESOURCE),),
    "track": (("src", RESOURCE),),
    "input": (("src", RESOURCE),),
    **{tag: (("background", RESOURCE),) for tag in ("body", "table", "td", "th")},
}
_NAVIGATING_TAGS = frozenset({"a", "area"})
# Elements whose text labels their link; other elements are labelled by title/alt only.
_CLICKED_TAGS = frozenset({"a", "area", "option"})
_LOADED_LINK_RELS = frozenset(
    {"stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"}
    | {"manifest", "preload", "modulepreload", "prefetch"}
)
_UNLOADED_LINK_RELS = frozenset(
    {"canonical", "alternate", "dns-prefetch", "preconnect", "prerender", "next", "prev"}
    | {"previous", "shortlink", "author", "help", "license", "search", "bookmark", "edituri"}
    | {"wlwmanifest", "pingback", "archives", "profile", "amphtml"}
)

# Browsers strip leading/trailing C0 controls and spaces, and drop tabs and newlines anywhere.
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\{.*?\}", re.DOTALL)
_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^)'"]*?))\s*\)"""
    r"""|@import\s+(?:"(?P<idq>[^"]*)"|'(?P<isq>[^']*)')""",
    re.IGNORECASE,
)
# A quoted literal with no escapes, not followed by "+" (a concatenated target is not guessed).
_JS_STRING = r"""(?P<q{n}>['"])(?P<u{n}>[^'"\\]*)(?P=q{n})(?!\s*\+)"""
_JS_TARGET = re.compile(
    r"(?:\bwindow\.open|\blocation\.(?:assign|replace))\s*\(\s*"
    + _JS_STRING.format(n=1)
    + r"|\blocation(?:\.href)?\s*=(?!=)\s*"
    + _JS_STRING.format(n=2)
)


@dataclass(frozen=True, slots=True)
class ExtractedLink:
    """One link or resource reference as it occurs on a page.

    ``url`` is absolute and normalised for http(s) targets, else the stripped value as written;
    ``raw`` is always the stripped attribute value (for CSS, the ``url(…)`` argument);
    ``kind`` is ``page``, ``resource`` or ``attachment`` (附件: the path ends in a document or
    archive extension, whatever the tag); ``scheme`` is lower-case, ``""`` for an empty or
    ``#…`` href, ``windows-path`` for ``C:\\…`` and ``\\\\server\\share`` paths.
    """

    url: str
    raw: str
    tag: str
    attr: str
    text: str
    kind: str
    scheme: str


def is_fetchable(url: str) -> bool:
    """True for an absolute http(s) URL a browser opens (checks.urls.is_malformed: a host, a
    host name without a forbidden character, a port that is a number): the only targets the
    crawler requests (``http://host:80abc.html`` or ``http://%zz/``, typos on a page, are not
    ones, and their host is never looked up)."""
    return url_scheme(url) in FETCHABLE_SCHEMES and not is_malformed(url)


def extract_links(
    doc: lxml.html.HtmlElement, page_url: str, *, query_encoding: str = "utf-8"
) -> list[ExtractedLink]:
    """Every link and resource of ``doc`` (fetched from ``page_url``), in document order.

    ``query_encoding`` is the page's encoding: browsers percent-encode non-ASCII query text in
    it (a GBK page's ``?q=政务`` goes out as GBK bytes), while paths are always UTF-8.
    """
    resolver = _Resolver(_base_url(doc, page_url), _url_encoding(query_encoding))
    links: list[ExtractedLink] = []
    for element in rendered_elements(doc):
        links.extend(_element_links(element, resolver))
    return links


def href_resolver(
    doc: lxml.html.HtmlElement, page_url: str, *, query_encoding: str = "utf-8"
) -> Callable[[str], str]:
    """How :func:`extract_links` turns one ``href`` of ``doc`` into a link's ``url``: another
    parser that picks its own elements gets the very target the page's links carry."""
    resolver = _Resolver(_base_url(doc, page_url), _url_encoding(query_encoding))
    return lambda raw: resolver.resolve(raw.strip(_C0_AND_SPACE))[0]


def _url_encoding(encoding: str) -> str:
    """Browsers send UTF-8 queries for UTF-16/32 pages (and for names they do not know)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return "utf-8"
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


class _Resolver:
    """Turns one attribute value into ``(url, scheme)`` against the document's base URL."""

    def __init__(self, base_url: str, query_encoding: str) -> None:
        self.base_url = base_url
        self.query_encoding = query_encoding

    def resolve(self, raw: str) -> tuple[str, str]:
        # Navigation and footer links repeat on every page: resolved once per origin.
        return _resolve(_base_for(self.base_url, raw), self.query_encoding, raw)


def _base_for(base_url: str, raw: str) -> str:
    """The part of the base URL a link depends on: none for an absolute URL, the origin for
    a root-relative one, all of it otherwise."""
    value = _TAB_OR_NEWLINE.sub("", raw)
    if _SCHEME.match(value):
        return ""
    if value.startswith(("/", "\\")):
        parts = urlsplit(base_url)
        return f"{parts.scheme}://{parts.netloc}/"
    return base_url


@lru_cache(maxsize=16384)
def _resolve(base_url: str, query_encoding: str, raw: str) -> tuple[str, str]:
    """``(url, scheme)`` of one attribute value against `base_url` (see `_Resolver`)."""
    value = _TAB_OR_NEWLINE.sub("", raw)
    if value == "" or value.startswith("#"):
        return raw, ""
    if _WINDOWS_PATH.match(value):
        return raw, WINDOWS_PATH
    scheme_match = _SCHEME.match(value)
    if scheme_match and scheme_match.group(1).lower() not in FETCHABLE_SCHEMES:
        return redact_text(raw), scheme_match.group(1).lower()
    try:
        absolute = urljoin(base_url, _web_slashes(value))
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:  # "http://[" – an unparsable host is reported as written
        return redact_text(raw), scheme_match.group(1).lower() if scheme_match else ""
    if scheme not in FETCHABLE_SCHEMES:
        return redact_url(absolute), scheme
    return redact_url(_normalised(absolute, query_encoding)), scheme


def _web_slashes(value: str) -> str:
    r"""Browsers read ``\`` as ``/`` in a web URL before its query (``..\images\a.gif``)."""
    end = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    return value[:end].replace("\\", "/") + value[end:]


def _normalised(url: str, query_encoding: str) -> str:
    """Percent-encode as a browser would, upper-case escapes, drop the fragment, and give an
    empty path its ``/`` (``http://host`` is ``http://host/`` in a browser, and w3lib writes it
    one way or the other by release: a finding's identity must not change with the library).

    A host that will not normalise (a non-numeric port, a mangled proxy host) is kept as
    written: reporting it faithfully matters more than a canonical form.
    """
    try:
        url = safe_url_string(url, encoding=query_encoding)
    except (ValueError, UnicodeError):
        return urlunsplit(urlsplit(url)._replace(fragment=""))
    url = _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), url)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path or "/", fragment=""))


def _base_url(doc: lxml.html.HtmlElement, page_url: str) -> str:
    """The first ``<base href>``, resolved against the page URL, when it is a web URL."""
    for base in doc.iter("base"):
        href = (base.get("href") or "").strip(_C0_AND_SPACE)
        if href:
            try:
                candidate = urljoin(page_url, _TAB_OR_NEWLINE.sub("", href))
                if urlsplit(candidate).scheme.lower() in FETCHABLE_SCHEMES:
                    return candidate
            except ValueError:
                pass
            break
    return page_url


def rendered_elements(doc: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements in document order, skipping comments and whole ``<template>`` subtrees.

    Shared by the parsers of this package: what sits in a comment or a template is not part
    of the page a visitor gets. A page is read by a dozen parsers in turn, each walking it
    this way: the walk of the last tree asked for is kept and handed out again (a parsed page
    is never changed once :func:`~crawler.parsing.document.parse_page` returns it).
    """
    global _last_walk
    if _last_walk is not None and _last_walk[0]() is doc:
        return iter(_last_walk[1])
    elements = list(_walk_rendered(doc))
    _last_walk = (weakref.ref(doc), elements)
    return iter(elements)


# The last tree walked by `rendered_elements` and its elements: one page's, held until the next.
_last_walk: tuple[weakref.ref[lxml.html.HtmlElement], list[lxml.html.HtmlElement]] | None = None


def _walk_rendered(doc: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    stack = [doc]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or element.tag == "template":
            continue
        yield element
        stack.extend(reversed(element))


def _element_links(element: lxml.html.HtmlElement, resolver: _Resolver) -> Iterator[ExtractedLink]:
    tag = element.tag
    if tag == "link" and not _is_loaded_link(element):
        return
    if tag == "input" and (element.get("type") or "").strip().lower() != "image":
        return
    if tag == "option":
        yield from _jump_menu_link(element, resolver)
        return
    for attr, kind in _URL_ATTRIBUTES.get(tag, ()):
        value = element.get(attr)
        if value is None:
            continue
        raws = _srcset_urls(value) if attr == "srcset" else [value.strip(_C0_AND_SPACE)]
        for raw in raws:
            if (tag == "form" and raw == "") or _PLACEHOLDER.search(raw):
                continue
            text = _text_of(element, read_text=tag in _CLICKED_TAGS)
            link = _link(resolver, raw, tag, attr, text, kind)
            if link.scheme in ("", "javascript") and _has_binding(element, attr):
                continue
            yield link
            if tag in _NAVIGATING_TAGS and link.scheme == "javascript":
                yield from _script_targets(resolver, raw, tag, attr, element)
    if tag == "style":
        yield from _css_links(resolver, element.text or "", "")
    style = element.get("style")
    if style:
        yield from _css_links(resolver, style, _text_of(element))
    onclick = element.get("onclick")
    if onclick:
        script = onclick.strip(_C0_AND_SPACE)
        yield from _script_targets(resolver, script, "onclick", "onclick", element)


def _jump_menu_link(element: lxml.html.HtmlElement, resolver: _Resolver) -> Iterator[ExtractedLink]:
    """A 友情链接 jump menu's ``<option value="http://…">``: a navigation made by its script."""
    raw = (element.get("value") or "").strip(_C0_AND_SPACE)
    if _WEB_URL.match(raw):
        yield _link(resolver, raw, "option", "value", _text_of(element, read_text=True), PAGE)


def _has_binding(element: lxml.html.HtmlElement, attr: str) -> bool:
    """A client-side binding (avalon ``ms-attr-href``, Vue ``:href``…) fills ``attr`` at run time.

    Its static ``href=""`` / ``"#"`` / ``javascript:;`` is then a stand-in, not a link.
    """
    names = (f"ms-attr-{attr}", f"ms-{attr}", f"v-bind:{attr}", f":{attr}", f"ng-{attr}")
    return any(element.get(name) is not None for name in names)


def _link(
    resolver: _Resolver, raw: str, tag: str, attr: str, text: str, kind: str
) -> ExtractedLink:
    url, scheme = resolver.resolve(raw)
    return ExtractedLink(
        url=url,
        raw=redact_text(raw),
        tag=tag,
        attr=attr,
        text=text,
        kind=_kind(kind, url, scheme),
        scheme=scheme,
    )


def _script_targets(
    resolver: _Resolver, script: str, tag: str, attr: str, element: lxml.html.HtmlElement
) -> Iterator[ExtractedLink]:
    """Navigations hidden in inline script: ``window.open('…')``, ``location.href='…'``…

    ``raw`` is the whole script as written, so a reader sees where the target was found.
    """
    for match in _JS_TARGET.finditer(script):
        target = match.group("u1") if match.group("u1") is not None else match.group("u2")
        target = target.strip(_C0_AND_SPACE)
        if target and not _PLACEHOLDER.search(target):
            text = _text_of(element, read_text=True)
            link = _link(resolver, target, tag, attr, text, PAGE)
            yield replace(link, raw=redact_text(script))


def _css_links(resolver: _Resolver, css: str, text: str) -> Iterator[ExtractedLink]:
    """``url(…)`` and ``@import "…"`` references; ``data:`` and ``#id`` (SVG, IE) are skipped."""
    for match in _CSS_URL.finditer(css):
        value = next(group for group in match.groups() if group is not None)
        raw = value.strip(_C0_AND_SPACE)
        if not raw or raw.startswith("#") or raw[:5].lower() == "data:":
            continue
        if _PLACEHOLDER.search(raw):
            continue
        yield _link(resolver, raw, "style", "style", text, RESOURCE)


def _srcset_urls(srcset: str) -> list[str]:
    """The URL of every ``srcset`` candidate (``a.jpg 1x, b.jpg 2x``), per the HTML rules."""
    urls: list[str] = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while position < length and (srcset[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(srcset[position], 0)
                position += 1
        if url:
            urls.append(url)
    return urls


def _is_loaded_link(element: lxml.html.HtmlElement) -> bool:
    rels = set((element.get("rel") or "").lower().split())
    if rels & _LOADED_LINK_RELS:
        return True
    return not rels & _UNLOADED_LINK_RELS


def _kind(tag_kind: str, url: str, scheme: str) -> str:
    """``attachment`` when the path ends in a 附件 extension, else the tag's own kind."""
    if scheme in FETCHABLE_SCHEMES or scheme in ("file", WINDOWS_PATH):
        path = url.replace("\\", "/") if scheme == WINDOWS_PATH else _path_of(url)
        extension = posixpath.splitext(unquote(path).lower())[1]
        if extension in ATTACHMENT_EXTENSIONS:
            return ATTACHMENT
    return tag_kind


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return url.split("?", 1)[0].split("#", 1)[0]


def _text_of(element: lxml.html.HtmlElement, *, read_text: bool = False) -> str:
    """Anchor text, else the title or alt attribute (of the element, then of an inner image).

    Text is read only for what a visitor clicks (anchors, options, ``onclick`` carriers): a
    ``<body background>`` or a styled ``<div>`` would cost a walk of its whole subtree for a
    label nobody reads.
    """
    text = _collapsed(element.text_content()) if read_text else ""
    if not text:
        images = element.iter("img") if read_text else ()
        text = next(
            (
                _collapsed(value)
                for node in (element, *images)
                for value in (node.get("title"), node.get("alt"))
                if value and value.strip()
            ),
            "",
        )
    return text[:TEXT_LIMIT]


def _collapsed(text: str) -> str:
    return " ".join(text.split())
