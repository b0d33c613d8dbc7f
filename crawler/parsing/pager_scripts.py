"""Pagers written in JavaScript: TRS WCM's ``createPageHTML``, inline ``countPage`` pagers, and
Hanweb JCMS (大汉) ``<datastore>`` record windows. See :mod:`crawler.parsing.pagination` for how
these fit in with the rendered pager links.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.parsing.dom import resolve_link, same_page

HANWEB_DEFAULT_GROUP_SIZE = 3
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*"
    r"['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_PAGE_COUNT_VAR = re.compile(
    r"\b(?:countPage|totalPage|totalPages|pageCount|pagecount|totalPageCount|page_count|"
    r"maxPage)\s*[=:]\s*['\"]?(\d+)"
)
_RECORD_COUNT_VAR = re.compile(
    r"\b(?:countnum|recordCount|totalRecord|totalCount|record_count|totalnum)\s*[=:]\s*['\"]?(\d+)"
)
_PAGE_SIZE_VAR = re.compile(
    r"\b(?:pageSize|perPage|perpage|prepage|page_size)\s*[=:]\s*['\"]?(\d+)"
)
_CURRENT_VAR = re.compile(r"\b(?:currentPage|curPage|currPage|pageIndex)\s*[=:]\s*['\"]?(\d+)")
_NAME_VAR = re.compile(r"\b(?:pageName|sPageName|page_name)\s*=\s*['\"]([\w.-]+)['\"]")
_EXT_VAR = re.compile(r"\b(?:pageExt|sPageExt|page_ext)\s*=\s*['\"](\w+)['\"]")
_WRITE_CALL = re.compile(r"document\.write\((.*?)\)\s*(?:;|$)", re.MULTILINE)
_JOINED_NAME = re.compile(r"([A-Za-z][\w-]*)_[\\'\"]*\s*\+")
_JOINED_EXT = re.compile(r"\+\s*[\\'\"]*\.(s?html?|jsp|php|aspx?)\b")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.DOTALL)
_HREF = re.compile(r"href\s*=\s*['\"]([^'\"]+)['\"]")
_HANWEB_VAR = r"\b{}\s*[:=]\s*['\"]?(\d+)"
_WRITES_PAGER = re.compile(r"document\.write|\.innerHTML\s*\+?=")
_LOOP_FROM = re.compile(r"for\s*\(\s*(?:var\s+|let\s+)?\w+\s*=\s*([01])\s*;")
_MINUS_ONE = re.compile(r"\(\s*\w+\s*-\s*1\s*\)")


def _create_page_call(scripts: list[str]) -> re.Match[str] | None:
    """The first TRS ``createPageHTML(total, current, name, ext)`` call of the scripts."""
    for text in scripts:
        created = _CREATE_PAGE.search(text)
        if created:
            return created
    return None


def script_page_count(scripts: list[str]) -> int | None:
    """How many pages a pager script declares: ``createPageHTML``'s first argument, a page-count
    variable (``countPage``, ``totalPage``, ``pageCount``…), or a record count (``countnum``,
    ``recordCount``, ``totalRecord``…) over a page size (``pageSize``, ``perPage``, ``prepage``).
    """
    created = _create_page_call(scripts)
    if created:
        return int(created.group(1))
    for text in scripts:
        count = _PAGE_COUNT_VAR.search(text)
        if count:
            return int(count.group(1))
    for text in scripts:
        records, size = _RECORD_COUNT_VAR.search(text), _PAGE_SIZE_VAR.search(text)
        if records and size and int(size.group(1)) > 0:
            return math.ceil(int(records.group(1)) / int(size.group(1)))
    return None


def declared_pages(scripts: list[str], url: str) -> tuple[str, int] | None:
    """What a TRS ``createPageHTML(total, …)`` pager declares: the first page's URL and the
    number of pages, when more than one. Every list page of the column shows the same call with
    only its own index changed, so each one names the same pages as the others."""
    created = _create_page_call(scripts)
    if created is None or int(created.group(1)) <= 1:
        return None
    return urljoin(url, f"{created.group(3)}.{created.group(4)}"), int(created.group(1))


def pages_from_scripts(scripts: list[str], url: str, max_pages: int) -> list[str]:
    """Pages from TRS ``createPageHTML`` or ``countPage``-style inline pager scripts."""
    created = _create_page_call(scripts)
    if created:
        total, current = int(created.group(1)), int(created.group(2))
        return _static_pages(url, created.group(3), created.group(4), total, current, max_pages)
    for text in scripts:
        count = script_page_count([text])
        if not count or not (_PAGE_COUNT_VAR.search(text) or _RECORD_COUNT_VAR.search(text)):
            continue
        if not _WRITES_PAGER.search(text) and not _NAME_VAR.search(text):
            continue
        current_match = _CURRENT_VAR.search(text)
        current = int(current_match.group(1)) if current_match else 0
        name, ext = _page_name(text, url)
        first = 1 if _counts_from_one(text, url, name, current) else 0
        return _static_pages(url, name, ext, count, current, max_pages, first)
    return []


def _counts_from_one(script: str, url: str, name: str, current: int) -> bool:
    """Whether page 2 is ``name_2`` (JEECMS-like, 1-based) rather than TRS's ``name_1``.

    On the unnumbered first page the script says it: its current page is 1, not 0. On a
    numbered page both schemes give ``name_N`` the current page N, so the pager's loop decides:
    counting from 1 without taking one off for the file name (``"index_" + (i - 1)``).
    """
    if not re.search(rf"(?:^|/){re.escape(name)}_\d+\.\w+$", urlsplit(url).path):
        return current == 1
    loop = _LOOP_FROM.search(script)
    return loop is not None and loop.group(1) == "1" and not _MINUS_ONE.search(script)


def _page_name(script: str, url: str) -> tuple[str, str]:
    """The page file's name and extension a pager script writes (default: index + URL's)."""
    name_var, ext_var = _NAME_VAR.search(script), _EXT_VAR.search(script)
    # The strings a pager writes; a pager that fills an element (innerHTML) builds them anywhere.
    writes = " ".join(_WRITE_CALL.findall(script)) or script
    joined = re.sub(r"[\\]?['\"]\s*\+\s*[\\]?['\"]", "", writes)
    name_match, ext_match = _JOINED_NAME.search(joined), _JOINED_EXT.search(joined)
    name = name_var.group(1) if name_var else name_match.group(1) if name_match else "index"
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    url_ext = last.rsplit(".", 1)[-1] if "." in last else "html"
    ext = ext_var.group(1) if ext_var else ext_match.group(1) if ext_match else url_ext
    return name, ext


def _static_pages(
    url: str, name: str, ext: str, total: int, current: int, max_pages: int, first: int = 0
) -> list[str]:
    """Static pages numbered from ``first``: that one is ``name.ext``, index i is ``name_i.ext``
    (TRS counts from 0, so its page 2 is ``name_1``; others count from 1)."""
    pages = []
    for index in range(first, min(total, max_pages) + first):
        page = urljoin(url, f"{name}.{ext}" if index == first else f"{name}_{index}.{ext}")
        if index != current and not same_page(page, url):
            pages.append(page)
    return pages


def hanweb_pages(base: str, scripts: list[str], max_pages: int) -> list[str]:
    """The record windows after the first of a Hanweb JCMS ``<datastore>`` list.

    The ``<nextgroup>`` link names the ``dataproxy.jsp`` endpoint and the column's parameters;
    the page's ``jpage({perPage, totalRecord, groupSize})`` call sizes the windows: each holds
    ``groupSize`` (default 3) pages of ``perPage`` records, the first one is already in this
    page's datastore. Without ``totalRecord`` a full first window implies one more window.
    """
    proxy = None
    records = 0
    for text in scripts:
        group = _NEXTGROUP.search(text)
        if group:
            href = _HREF.search(group.group(1))
            proxy = resolve_link(href.group(1).replace("&amp;", "&"), base) if href else None
            records = text.count("<record>")
            break
    if proxy is None:
        return []
    joined = "\n".join(scripts)

    def number(name: str) -> int | None:
        match = re.search(_HANWEB_VAR.format(name), joined)
        return int(match.group(1)) if match else None

    per_page = number("perPage") or number("perpage")
    total = number("totalRecord") or number("totalrecord")
    group_size = number("groupSize") or HANWEB_DEFAULT_GROUP_SIZE
    if not per_page:
        return []
    window = per_page * group_size
    if total is None:
        total = 2 * window if records >= window else 0
    parts = urlsplit(proxy)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    pages: list[str] = []
    for start in range(window + 1, total + 1, window):
        if len(pages) + 1 >= max_pages:
            break
        window_query = [("startrecord", str(start)), ("endrecord", str(start + window - 1))]
        window_query.append(("perpage", str(per_page)))
        pages.append(urlunsplit(parts._replace(query=urlencode(window_query + query))))
    return pages
