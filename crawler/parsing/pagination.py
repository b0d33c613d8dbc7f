"""The other pages (分页) of a column list: every page URL, not just the next one.

Sources, tried in this order (the first that yields pages wins):

1. **Pager links** — the rendered pager's numbered and 首页/上一页/下一页/尾页 links. Their URLs
   differ from each other (or from the current URL) by one number: that number's position is the
   page slot (``index_3.html``, ``list_3.html``, ``column-index-3.shtml``, ``?page=3``,
   ``?pageNo=3``, ``?start=40``…). The numbered links' labels fix how the slot counts (TRS's
   ``index_1.html`` is page 2; an offset pager steps by the page size). The last page comes from
   the 尾页/末页/最后一页 link, the pager's JS variables, "共N页", or the largest number shown,
   and every page in between is generated.
2. **Pager scripts** — TRS WCM's ``createPageHTML(total, current, "index", "html")`` (page 0 is
   ``index.html``, then ``index_1.html`` … ``index_{total-1}.html`` in the list's directory), and
   inline pagers with ``var countPage = N`` (``totalPage``, ``pageCount``; or a record count such
   as ``countnum``/``recordCount`` with a page size) and ``currentPage``, whose page name and
   extension come from their ``document.write`` strings or ``pageName``/``pageExt`` variables.
3. **Hanweb JCMS** (大汉) ``<datastore>`` lists: the ``<nextgroup>`` link names the
   ``dataproxy.jsp`` endpoint; with ``totalRecord`` and ``perPage`` (and ``groupSize``, default 3)
   every record window is generated as ``startrecord``/``endrecord``/``perpage`` parameters.
   The browser POSTs these; the JSP reads request parameters, so the GET URLs work as well.
4. **A lone 下一页 link** — only the next page; the spider parses each page in turn.

Not followed: pagers inside hidden tabs (they page another list), GO/jump boxes
(``window.navigate``), and API-driven pagers that have no page URLs at all (平潭's avalon
``pageChnlInfo`` → ``/fjdzapp/search``): for those the result is ``[]``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.parsing.dom import (
    Element,
    base_url,
    in_template,
    is_hidden,
    link_of,
    page_key,
    resolve_link,
    same_page,
    tag_of,
    text_of,
    tokens,
)
from crawler.parsing.pager_scripts import (
    declared_pages,
    hanweb_pages,
    pages_from_scripts,
    script_page_count,
)

DEFAULT_MAX_PAGES = 2000
MAX_PAGER_TEXT = 300  # a pager bar's text; a longer block is content, not a pager
_NEXT = ("下一页", "下页", "后页", "下一頁", "next", ">", "›", "»", ">>", "下一页>", "下一页>>")
_LAST = ("尾页", "末页", "最后一页", "最后页", "last", ">|", "»|")
_FIRST = ("首页", "第一页", "first", "|<")
_PREV = ("上一页", "上页", "前页", "prev", "previous", "<", "‹", "«", "<<", "<上一页")
_PAGER_WORDS = frozenset(w.lower() for w in _NEXT + _LAST + _FIRST + _PREV)
_NUMBER_LABEL = re.compile(r"^[\[【(]?\s*(\d{1,5})\s*[\]】)]?$")
_OPTION_LABEL = re.compile(r"^第?\s*(\d{1,5})\s*页$")
_PAGER_TOKEN = re.compile(
    r"^(?:page\w*|pages|pager\w*|paging\w*|pagination\w*|fenye\w*|fy|pg\w*|turnpage\w*)$",
    re.IGNORECASE,
)
_OFFSET_PARAMS = ("start", "startrecord", "offset", "begin", "from")
_TOTAL_TEXT = re.compile(
    r"(?:共|总共|共计)\s*(?:有\s*)?(\d{1,5})\s*页|\d{1,5}\s*/\s*(\d{1,5})\s*页"
)

# "共10页" / "共125条": a bare 共 is any word's (公共, 共同) and says nothing of a pager.
_COUNT_TEXT = re.compile(r"共\s*(?:有\s*)?\d+\s*(?:页|条|篇|项|记录)")

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class _PagerLink:
    url: str
    label: int | None  # the page number shown, for numbered links
    role: str | None  # "next" | "last" | "first" | "prev" | None


def _role(text: str) -> str | None:
    lowered = text.strip().lower()
    for role, words in (("next", _NEXT), ("last", _LAST), ("first", _FIRST), ("prev", _PREV)):
        if lowered in (w.lower() for w in words):
            return role
    return None


def _in_pager_box(anchor: Element) -> bool:
    """Inside an element whose id/class word says pager (page, pagination, fenye, pg…)."""
    return any(
        _PAGER_TOKEN.match(part)
        for node in anchor.iterancestors()
        for token in tokens(node)
        for part in re.split(r"[_\-]", token)
    )


def _beside_pager_words(anchor: Element) -> bool:
    """Its parent or grandparent also shows 下一页/尾页/上一页… (as a link or plain text)."""
    for node in list(anchor.iterancestors())[:2]:
        if tag_of(node) in ("body", "html"):
            return False
        text = text_of(node)
        if len(text) > MAX_PAGER_TEXT:
            return False
        if any(word in text for word in ("下一页", "上一页", "尾页", "末页", "下页")):
            return True
        if _COUNT_TEXT.search(text):
            return True
    return False


def _pager_links(doc: Element, base: str) -> list[_PagerLink]:
    """Links that look like a pager's, outside hidden tabs and templates."""
    found: list[_PagerLink] = []
    for anchor in doc.iter("a"):
        url = link_of(anchor, base)
        if url is None or in_template(anchor) or is_hidden(anchor):
            continue
        text = text_of(anchor) or (anchor.get("title") or "").strip()
        number = _NUMBER_LABEL.match(text)
        role = _role(text)
        if number and (_in_pager_box(anchor) or _beside_pager_words(anchor)):
            found.append(_PagerLink(url, int(number.group(1)), None))
        elif role and (role != "first" or _in_pager_box(anchor) or _beside_pager_words(anchor)):
            found.append(_PagerLink(url, None, role))  # a lone 首页 is the site's home link
    for option in doc.iter("option"):
        label = _OPTION_LABEL.match((option.text or "").strip())
        url = resolve_link(option.get("value"), base)
        if label and url and not is_hidden(option):
            found.append(_PagerLink(url, int(label.group(1)), None))
    return found


def has_pager(doc: Element) -> bool:
    """Whether the page shows or scripts a pager (下一页/尾页 links or pager variables)."""
    if any(_role(text_of(a)) in ("next", "last") for a in doc.iter("a") if not in_template(a)):
        return True
    return any(script_page_count([text]) for text in _scripts(doc))


def _scripts(doc: Element) -> list[str]:
    return [s.text or "" for s in doc.iter("script") if not is_hidden(s)]


@dataclass(slots=True)
class _Slot:
    """URLs that differ only in one number: ``prefix + str(value) + suffix``."""

    prefix: str
    suffix: str
    values: dict[int, str]

    def url(self, value: int) -> str:
        return f"{self.prefix}{value}{self.suffix}"

    def base_forms(self) -> list[str]:
        """What page 1 looks like without the number (``index.html``, the query without page)."""
        forms = []
        if self.prefix and self.prefix[-1] in "_-":
            forms.append(self.prefix[:-1] + self.suffix)
        if "?" in self.prefix and self.prefix.endswith("="):
            parts = urlsplit(self.prefix + "0" + self.suffix)
            name = self.prefix.rsplit("&", 1)[-1].rsplit("?", 1)[-1][:-1]
            query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
            forms.append(urlunsplit(parts._replace(query=urlencode(query))))
        return forms

    @property
    def param(self) -> str:
        tail = re.split(r"[?&/_\-.]", self.prefix)[-1] if self.prefix else ""
        return tail.rstrip("=").lower()


def _slots(urls: list[str]) -> list[_Slot]:
    """Group URLs by every way of seeing one of their numbers (in the path or query, never the
    host or port) as the variable part."""
    table: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for url in urls:
        parts = urlsplit(url)
        origin = len(f"{parts.scheme}://{parts.netloc}")
        for number in _NUMBER.finditer(url):
            if number.start() >= origin:
                key = (url[: number.start()], url[number.end() :])
                table[key].setdefault(int(number.group()), url)
    return [_Slot(prefix, suffix, values) for (prefix, suffix), values in table.items()]


def _fit(pairs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Step and offset with ``value = step * label + offset`` from (label, value) pairs."""
    pairs = sorted(set(pairs))
    if len(pairs) < 2:
        return None
    (l1, v1), (l2, v2) = pairs[0], pairs[-1]
    if l2 == l1 or (v2 - v1) % (l2 - l1):
        return None
    step = (v2 - v1) // (l2 - l1)
    offset = v1 - step * l1
    if step <= 0 or any(v != step * label + offset for label, v in pairs):
        return None
    return step, offset


def _text_total(doc: Element) -> int | None:
    body = doc.find(".//body")
    match = _TOTAL_TEXT.search(text_of(body) if body is not None else "")
    return int(match.group(1) or match.group(2)) if match else None


def _from_links(
    links: list[_PagerLink], url: str, total: int | None, max_pages: int
) -> list[str] | None:
    """Pages from the pager's links: find the slot, how it counts, and the last page."""
    urls = [link.url for link in links if not same_page(link.url, url)]
    slots = [s for s in _slots([*urls, url]) if any(v != url for v in s.values.values())]
    labelled = [(link.label, link.url) for link in links if link.label is not None]

    def fit_of(slot: _Slot) -> tuple[int, int] | None:
        pairs = [
            (label, value) for label, u in labelled for value, v in slot.values.items() if v == u
        ]
        return _fit(pairs)

    def rank(slot: _Slot) -> tuple[int, int, int]:
        return (fit_of(slot) is not None, len(slot.values), len(slot.prefix))

    slots = [s for s in slots if len(s.values) >= 2 or _only_numbered(s, links)]
    if not slots:
        return None
    slot = max(slots, key=rank)
    fit = fit_of(slot)
    bases = [form for form in slot.base_forms() if form in urls or same_page(form, url)]
    if fit is None:
        step = _guess_step(slot)
        single = [(label, u) for label, u in labelled if u in slot.values.values()]
        if single:
            label, u = single[0]
            value = next(v for v, w in slot.values.items() if w == u)
            fit = (step, value - step * label)
        else:
            fit = (step, -step if bases else 0)
    step, offset = fit

    def label_of(value: int) -> int | None:
        label, rest = divmod(value - offset, step)
        return label if rest == 0 else None

    last_links = [k for k in links if k.role == "last" and k.url in slot.values.values()]
    last = None
    if last_links:
        value = next(v for v, u in slot.values.items() if u == last_links[0].url)
        last = label_of(value)
    if last is None:
        shown = [label_of(v) for v in slot.values] + [k.label for k in links if k.label]
        last = max([label for label in shown if label] + [total or 0])
    current = _current_label(slot, url, label_of, bases)
    pages: list[str] = []
    for label in range(1, min(last, max_pages) + 1):
        value = step * label + offset
        if label == 1 and bases:
            page = bases[0]
        elif value < (1 if slot.base_forms() and slot.prefix[-1:] in "_-" else 0):
            continue
        else:
            page = slot.values.get(value) or slot.url(value)
        if label != current and not same_page(page, url):
            pages.append(page)
    return pages


def _only_numbered(slot: _Slot, links: list[_PagerLink]) -> bool:
    """A single numbered page URL is a slot only when a pager link points at it."""
    return any(link.url in slot.values.values() for link in links) and bool(
        re.search(r"[_\-=/]$", slot.prefix)
    )


def _guess_step(slot: _Slot) -> int:
    values = sorted(slot.values)
    if slot.param in _OFFSET_PARAMS and len(values) >= 2:
        return math.gcd(*[b - a for a, b in zip(values, values[1:], strict=False)]) or 1
    return 1


def _current_label(
    slot: _Slot, url: str, label_of: Callable[[int], int | None], bases: list[str]
) -> int | None:
    for value, page in slot.values.items():
        if same_page(page, url):
            return label_of(value)
    return 1 if any(same_page(base, url) for base in bases) else None


def _linked_pages(links: list[_PagerLink], url: str) -> list[str]:
    """No pattern to extend: the pages the pager links to, in page order (首页, 上一页, the
    numbered pages, 下一页, 尾页). With only a 下一页 link this is the next page alone, and the
    spider finds the one after on that page."""
    order = {"first": 0, "prev": 1, None: 2, "next": 3, "last": 4}
    ranked = sorted(links, key=lambda link: (order[link.role], link.label or 0))
    return [link.url for link in ranked if not same_page(link.url, url)]


def pagination_urls(
    doc: Element,
    html_text: str,
    url: str,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    expand_declared: Callable[[tuple[str, int]], bool] | None = None,
) -> list[str]:
    """Absolute URLs of all the other pages of this list, deduplicated, in page order.

    ``html_text`` is the raw page: scripts that lxml could not place (broken markup) are read
    from it when the tree has none. ``max_pages`` caps how many pages a pager may claim.
    ``expand_declared`` is asked, with (first page, count), whether to expand a pager that
    declares all of its list's pages (TRS ``createPageHTML``): False when another page of the
    list expanded the same declaration already, and the result is then ``[]``.
    """
    base = base_url(doc, url)
    scripts = _scripts(doc)
    if not scripts and "<script" in (html_text or "").lower():
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html_text, re.I | re.S)
    if expand_declared is not None:
        declared = declared_pages(scripts, url)
        if declared is not None and not expand_declared(declared):
            return []
    links = _pager_links(doc, base)
    pages: list[str] | None = None
    if any(link.label is not None or link.role in ("next", "last") for link in links):
        pages = _from_links(links, url, script_page_count(scripts) or _text_total(doc), max_pages)
    if not pages:
        pages = pages_from_scripts(scripts, url, max_pages)
    if not pages:
        pages = hanweb_pages(base, scripts, max_pages)
    if not pages:
        pages = _linked_pages(links, url)
    seen: set[str] = {page_key(url)}
    unique = []
    for page in pages:
        key = page_key(page)
        if key not in seen:
            seen.add(key)
            unique.append(page)
    return unique[:max_pages]
