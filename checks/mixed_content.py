"""混合内容 (`mixed_content`): ``http:`` resources that ``https:`` pages load.

Classified as the W3C Mixed Content spec (Level 2, "Content Categories") does:

* **upgradeable** (``passive``): requests with destination ``image`` and an empty initiator —
  ``<img src>``, ``<input type=image>``, ``<video poster>``, the old ``background`` attribute,
  CSS images (the spec's note names 'background-image') and ``<link rel=icon>`` — and
  destinations ``audio`` / ``video`` (``<audio>``, ``<video>``, ``<source src>``). Browsers
  rewrite them to ``https:``; if that fails, the resource is not shown.
* **blockable** (``active``): everything else a page loads — scripts, stylesheets, fonts,
  frames, ``<object>``/``<embed>``, ``<track>``, and ``srcset``/``<picture>`` images (initiator
  ``imageset``, kept blockable "for historical reasons"). Browsers block them outright.
  A form posting to ``http:`` is a navigation, but the spec lets browsers treat it as
  blockable (§ Form Submission) and they warn before sending: ``active`` too.

Navigations (``<a>``, ``<area>``, jump menus, ``onclick``) are not mixed content. Nor are
``http:`` URLs the spec calls potentially trustworthy (``127.0.0.0/8``, ``::1``, ``localhost``).

Severity follows the spec's one line: ``active`` → medium, ``passive`` → low. The spec does not
rank blockable types (a blocked font and a blocked script are both a network error), and to the
visitor a blocked resource is a broken one, which ``broken_link`` rates medium for resources; the
title names the resource type so the webmaster sees what breaks. One exception: a passive
resource on an IP-address host cannot be upgraded (spec § Upgrade algorithm, step 1.2), so it
is blocked like active content — medium, with ``evidence.upgradable = false``.
"""

from __future__ import annotations

import ipaddress
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlsplit

from checks import messages
from checks.config import CheckSettings
from checks.model import CrawlData, Finding, Link
from checks.urls import url_scheme

ACTIVE = "active"
PASSIVE = "passive"

# (tag, attr) as crawler.parsing.links emits them -> resource type (the finding's subtype).
# `link` and CSS `url()` are refined by the target's extension in `resource_type`.
_RESOURCE_TYPES: dict[tuple[str, str], str] = {
    ("script", "src"): "script",
    ("link", "href"): "link",
    ("style", "style"): "css_resource",
    ("iframe", "src"): "frame",
    ("frame", "src"): "frame",
    ("object", "data"): "plugin",
    ("embed", "src"): "plugin",
    ("track", "src"): "track",
    ("form", "action"): "form",
    ("img", "srcset"): "image_set",
    ("source", "srcset"): "image_set",
    ("img", "src"): "image",
    ("input", "src"): "image",
    ("video", "poster"): "image",
    ("video", "src"): "media",
    ("audio", "src"): "media",
    ("source", "src"): "media",
    **{(tag, "background"): "image" for tag in ("body", "table", "td", "th")},
}
PASSIVE_TYPES = frozenset({"image", "media"})

_IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg", ".ico", ".avif", ".tif", ".tiff"}
)
_FONT_EXTENSIONS = frozenset({".woff", ".woff2", ".ttf", ".otf", ".eot"})
_TRUSTWORTHY_HOSTS = ("localhost",)


def resource_type(link: Link) -> str | None:
    """The resource type a browser would fetch for this occurrence, or None for a navigation.

    A ``<link>`` or CSS ``url()`` says nothing of what it loads but its extension: an image is
    an icon or CSS image (upgradeable), a font or ``.css`` is blockable; a CSS ``url()`` with
    no telling extension stays ``css_resource`` (blockable — the worst reading; the fix is the
    same either way).
    """
    kind = _RESOURCE_TYPES.get((link.tag, link.attr))
    if kind not in ("link", "css_resource"):
        return kind
    extension = _extension(link.target)
    if extension in _IMAGE_EXTENSIONS:
        return "image"
    if extension in _FONT_EXTENSIONS:
        return "font"
    if extension == ".css":
        return "stylesheet"
    return kind


def mode_of(kind: str) -> str:
    return PASSIVE if kind in PASSIVE_TYPES else ACTIVE


def _extension(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return posixpath.splitext(unquote(path).lower())[1]


def _insecure(target: str) -> bool:
    """An ``http:`` URL that is not potentially trustworthy (W3C Secure Contexts §3.2)."""
    if target.startswith("https://"):
        return False  # most targets of a secure page: no need to take them apart
    try:
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme.lower() != "http" or not host:
        return False
    if host in _TRUSTWORTHY_HOSTS or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _ip_host(target: str) -> bool:
    try:
        ipaddress.ip_address(urlsplit(target).hostname or "")
    except ValueError:
        return False
    return True


def _secure_pages(data: CrawlData) -> set[str]:
    """Page URLs (as links record them) whose final URL is ``https:``."""
    return {page.url for page in data.pages if url_scheme(page.final_url or page.url) == "https"}


def insecure_loads(data: CrawlData, settings: CheckSettings) -> Callable[[Link], bool]:
    """Whether a link is an ``http:`` resource an ``https:`` page loads: the links
    :func:`mixed_content` reads."""
    secure = _secure_pages(data)
    known = {page.url for page in data.pages}

    def loads_insecurely(link: Link) -> bool:
        page_is_secure = link.page in secure or (
            link.page not in known and link.page.lower().startswith("https:")
        )
        return page_is_secure and _insecure(link.target) and resource_type(link) is not None

    return loads_insecurely


def mixed_content(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """混合内容: one finding per ``http:`` resource, listing every ``https:`` page loading it.

    When pages load one URL in different ways, the worst occurrence decides: a blockable one
    over an upgradeable one (an image used as ``srcset`` on one page and ``src`` on another is
    blocked where it is a ``srcset``).
    """
    loads_insecurely = insecure_loads(data, settings)
    occurrences: dict[str, _Loads] = {}
    for link in data.links:
        if not loads_insecurely(link):
            continue
        kind = resource_type(link)
        if kind is None:
            continue
        loads = occurrences.get(link.target)
        if loads is None:
            occurrences[link.target] = loads = _Loads((link, kind))
        loads.add(link, kind)
    return [_finding(target, found) for target, found in occurrences.items()]


@dataclass(slots=True)
class _Loads:
    """How the pages load one resource: the first way, the first blockable way, and every
    page once, in order (not every link: a template resource sits on every page)."""

    first: tuple[Link, str]
    active: tuple[Link, str] | None = None
    pages: dict[str, None] = field(default_factory=dict)

    def add(self, link: Link, kind: str) -> None:
        self.pages[link.page] = None
        if self.active is None and mode_of(kind) == ACTIVE:
            self.active = (link, kind)


def _finding(target: str, found: _Loads) -> Finding:
    link, kind = found.active or found.first
    mode = mode_of(kind)
    pages = tuple(found.pages)
    evidence: dict[str, object] = {"mode": mode, "tag": link.tag, "attr": link.attr}
    severity = "medium" if mode == ACTIVE else "low"
    if mode == PASSIVE:
        evidence["upgradable"] = not _ip_host(target)
        if not evidence["upgradable"]:
            severity = "medium"
    return Finding(
        check="mixed_content",
        subtype=kind,
        severity=severity,
        url=target,
        key=target,
        page=pages[0],
        pages=pages,
        evidence=evidence,
    )


messages.register(
    "mixed_content",
    {
        "script": (
            "HTTPS页面通过HTTP加载脚本，浏览器将拦截",
            "HTTPS page loads a script over HTTP",
        ),
        "stylesheet": (
            "HTTPS页面通过HTTP加载样式表，浏览器将拦截",
            "HTTPS page loads a stylesheet over HTTP",
        ),
        "link": (
            "HTTPS页面通过HTTP加载<link>资源，浏览器将拦截",
            "HTTPS page loads a <link> resource over HTTP",
        ),
        "font": ("HTTPS页面通过HTTP加载字体，浏览器将拦截", "HTTPS page loads a font over HTTP"),
        "css_resource": (
            "HTTPS页面的样式通过HTTP加载资源，浏览器将拦截",
            "HTTPS page's CSS loads a resource over HTTP",
        ),
        "frame": (
            "HTTPS页面通过HTTP嵌入框架页面，浏览器将拦截",
            "HTTPS page frames an HTTP page",
        ),
        "plugin": (
            "HTTPS页面通过HTTP加载插件内容（object/embed），浏览器将拦截",
            "HTTPS page loads plugin content over HTTP",
        ),
        "track": (
            "HTTPS页面通过HTTP加载字幕轨道，浏览器将拦截",
            "HTTPS page loads a text track over HTTP",
        ),
        "image_set": (
            "HTTPS页面通过HTTP加载响应式图片（srcset/picture），浏览器将拦截",
            "HTTPS page loads a srcset/picture image over HTTP",
        ),
        "form": (
            "HTTPS页面中的表单提交到HTTP地址，数据将明文传输",
            "Form on an HTTPS page submits to an HTTP address",
        ),
        "image": ("HTTPS页面通过HTTP加载图片", "HTTPS page loads an image over HTTP"),
        "media": ("HTTPS页面通过HTTP加载音视频", "HTTPS page loads audio or video over HTTP"),
        "*": ("HTTPS页面通过HTTP加载资源", "HTTPS page loads a resource over HTTP"),
    },
    (
        "将资源地址改为https://，并确保资源服务器支持HTTPS；外部资源无法提供HTTPS时，"
        "改存本站或删除；表单提交地址同样改为https://。",
        "Load the resource over https:// from a server that supports it; copy or remove "
        "external resources that have no HTTPS; point forms at https:// addresses.",
    ),
)
