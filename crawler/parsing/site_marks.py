"""The site-identity marks 《政府网站发展指引》 requires in every page footer.

网站标识码 (10-character site code), ICP备案编号, 公安机关备案号, the red 党政机关 mark of
conac.cn, the "我为政府网站找错" entry and the 主办单位. Text marks are read from the page's
visible text (comments, scripts and styles excluded: a commented-out footer is not shown);
the two image marks are recognised by their markup, since sites embed them through vendor
widgets whose script fills an empty ``<span>`` at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

import lxml.html

from crawler.parsing.links import rendered_elements
from crawler.parsing.meta import meta_tags

__all__ = ["SiteIdentity", "extract_identity"]

FOOTER = "footer"
META = "meta"
JIUCUO = "jiucuo"

# 网站标识码：1304000009 / 网站标识码 1304000009 / 网站标识码bm01000001 / 政府网站标识码：…
_SITE_CODE = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z]{2}\d{8}|\d{10})(?!\d)")
_ICP = re.compile(r"([\u4e00-\u9fff])\s*ICP\s*备\s*(\d+)\s*号(?:\s*-\s*(\d+))?")
_PUBLIC_SECURITY = re.compile(r"[\u4e00-\u9fff]\s*公网安备\s*\d+\s*号")
_PUBLIC_SECURITY_NUMBER = re.compile(r"公安(?:机关)?备案(?:号|编号)?\s*[:：]\s*(\d[\d\-]*\d)")
_SPONSOR = re.compile(r"主办(?:单位)?\s*[:：]\s*(\S+)")
# Where a sponsor name written without spacing runs into the next footer field. Not
# "政府网站标识码": a sponsor name ends in 政府 far more often than that longer label follows it.
_SPONSOR_END = re.compile(
    r"承办|协办|运行维护|维护|运维|技术支持|地址|电话|联系|邮编|网站标识码"
    r"|[\u4e00-\u9fff]?ICP|公网安备|版权|©|Copyright|[|｜,，;；]",
    re.IGNORECASE,
)
_CONAC_WRITE = re.compile(
    r"document\.write\s*\(\s*unescape\s*\(\s*(['\"])(?P<payload>.*?)\1", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_FIND_ERROR = re.compile(r"找错|纠错")
_JIUCUO_HREF = re.compile(r"jiucuo|pucha\.kaipuyun\.cn|/exposure/", re.IGNORECASE)
_NON_RENDERED = frozenset({"script", "style", "template", "noscript", "title"})


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    """The footer's identity marks; ``None``/``False`` when a page lacks one (a finding).

    ``site_code_source`` says where the 网站标识码 was read: ``"footer"`` (visible text),
    ``"meta"`` (a non-empty ``SiteIDCode``) or ``"jiucuo"`` (the 找错 widget's ``sitecode`` or
    its link's ``site_code``), in that order of preference.
    """

    site_code: str | None
    site_code_source: str | None
    icp: str | None
    public_security: str | None
    conac: bool
    jiucuo: bool
    sponsor: str | None


def extract_identity(doc: lxml.html.HtmlElement, html_text: str) -> SiteIdentity:
    """Read the identity marks from the parsed page and the source it was parsed from.

    The 党政机关 mark is often only ``document.write(unescape("%3Cspan id='_ideConac'…"))``:
    percent-encoded script text, searched in ``html_text`` with its comments removed.
    """
    text = _visible_text(doc)
    site_code, source = _site_code(doc, text)
    return SiteIdentity(
        site_code=site_code,
        site_code_source=source,
        icp=_icp(text),
        public_security=_public_security(text),
        conac=_has_conac(doc, html_text),
        jiucuo=_has_jiucuo(doc),
        sponsor=_sponsor(text),
    )


def _site_code(doc: lxml.html.HtmlElement, text: str) -> tuple[str | None, str | None]:
    if match := _SITE_CODE.search(text):
        return match.group(1), FOOTER
    meta = meta_tags(doc)
    declared = next((v for k, v in meta.items() if k.lower() == "siteidcode" and v), None)
    if declared:
        return declared, META
    widget_code = _jiucuo_site_code(doc)
    if widget_code:
        return widget_code, JIUCUO
    return None, None


def _jiucuo_site_code(doc: lxml.html.HtmlElement) -> str | None:
    """``<script id="_jiucuo_" sitecode=…>``, or ``site_code=`` in a jiucuo.html link."""
    for element in rendered_elements(doc):
        if element.tag == "script" and _is_jiucuo_script(element):
            code = (element.get("sitecode") or element.get("site_code") or "").strip()
            if code:
                return code
        href: str = element.get("href") or ""
        if element.tag == "a" and _JIUCUO_HREF.search(href):
            query = parse_qs(href.partition("?")[2].partition("#")[0])
            for name in ("site_code", "sitecode"):
                if query.get(name) and query[name][0].strip():
                    return query[name][0].strip()
    return None


def _icp(text: str) -> str | None:
    match = _ICP.search(text)
    if not match:
        return None
    province, number, suffix = match.groups()
    return f"{province}ICP备{number}号" + (f"-{suffix}" if suffix else "")


def _public_security(text: str) -> str | None:
    if match := _PUBLIC_SECURITY.search(text):
        return match.group(0)
    if match := _PUBLIC_SECURITY_NUMBER.search(text):
        return match.group(1)
    return None


def _sponsor(text: str) -> str | None:
    """The last 主办单位 in the page: the footer comes last, an article may mention others."""
    matches = list(_SPONSOR.finditer(text))
    if not matches:
        return None
    value = matches[-1].group(1)
    end = _SPONSOR_END.search(value)
    value = value[: end.start()] if end else value
    return value or None


def _has_conac(doc: lxml.html.HtmlElement, html_text: str) -> bool:
    for element in rendered_elements(doc):
        if element.get("id") == "_ideConac":
            return True
        if element.tag == "a" and "conac" in (element.get("href") or "").lower():
            return True
        if element.tag == "img" and (
            "党政机关" in (element.get("alt") or "") or "conac" in (element.get("src") or "")
        ):
            return True
    for match in _CONAC_WRITE.finditer(_COMMENT.sub("", html_text)):
        if "conac" in unquote(match.group("payload")).lower():
            return True
    return False


def _has_jiucuo(doc: lxml.html.HtmlElement) -> bool:
    for element in rendered_elements(doc):
        if element.tag == "script" and _is_jiucuo_script(element):
            return True
        if element.tag not in ("a", "img", "area"):
            continue
        if element.tag != "img" and _JIUCUO_HREF.search(element.get("href") or ""):
            return True
        labels = [element.get(name) or "" for name in ("alt", "title", "aria-label")]
        if element.tag == "a":
            labels.append(element.text_content())
        if any(_FIND_ERROR.search(label) for label in labels):
            return True
    return False


def _is_jiucuo_script(element: lxml.html.HtmlElement) -> bool:
    return element.get("id") == "_jiucuo_" or "jiucuo" in (element.get("src") or "").lower()


def _visible_text(doc: lxml.html.HtmlElement) -> str:
    """Text nodes outside comments, scripts and styles, space-joined and collapsed.

    Joining with spaces keeps ``<span>1304000009</span><span>13…</span>`` from fusing into a
    longer number; the patterns allow whitespace wherever footers put it.
    """
    return " ".join(" ".join(_text_nodes(doc)).split())


def _text_nodes(element: lxml.html.HtmlElement) -> Iterator[str]:
    if element.text and element.tag not in _NON_RENDERED:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NON_RENDERED:
            yield from _text_nodes(child)
        if child.tail:
            yield child.tail
