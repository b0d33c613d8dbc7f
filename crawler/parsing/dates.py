"""Dates as Chinese government pages write them, and the publication date of an article page.

Three questions, three functions:

- :func:`parse_date` — the first date written in a piece of text (``2026-03-15``, ``2026/3/15``,
  ``2026.03.15``, ``2026年3月15日``, ``[2026-03-15]``, ``2007-08-20-23:59:59``, ``20260315``
  alone, and ``03-15`` / ``3月15日`` when the caller knows the year);
- :func:`date_from_url` — the date a CMS wrote into an article's address (TRS ``t20260315_1.html``,
  Hanweb ``/art/2016/11/22/art_…``, ``/2026/03/15/``, ``/20260315/``);
- :func:`article_date` — the 发布日期 of an article page, from what the page shows, its ``<meta>``
  tags, or its URL (see the function for which one wins and why).

Impossible dates (``2026-02-30``) are never returned, and years outside 1900–2100 are not
dates but numbers (索引号, 文号, ids).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

MIN_YEAR = 1900
MAX_YEAR = 2100

# Full dates: the separator is repeated (2026-03-15, 2026/3/15, 2026.03.15), or the 年/月/日 form.
_YMD = re.compile(
    r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/])"
    r"|(?<!\d)(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日?"
)
# 20260315 counts only when it is all the text says (optionally bracketed, optionally a time).
_COMPACT_ALONE = re.compile(
    r"^[\s\[(（【]*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2})?)?[\s\])）】]*$"
)
# Month and day without a year (TRS lists print "10-19"); only read when the year is known.
_MONTH_DAY = re.compile(
    r"(?<![\d./-])(?P<m>\d{1,2})(?P<sep>[-/.])(?P<d>\d{1,2})(?![\d./-])"
    r"|(?<!\d)(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日"
)

_URL_TRS = re.compile(r"(?<![A-Za-z0-9])[tP](?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+")
_URL_YMD_SEGMENTS = re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/")
_URL_YM_D_SEGMENTS = re.compile(r"/(?P<y>\d{4})-(?P<m>\d{1,2})/(?P<d>\d{1,2})/")
_URL_DASHED_SEGMENT = re.compile(r"/(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})/")
_URL_COMPACT_SEGMENT = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/")
_URL_YEAR_MONTH_SEGMENT = re.compile(r"/(?P<y>\d{4})(?:-?(?P<m>\d{2}))?/")


def make_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, or ``None`` when it cannot exist or the year is not a plausible one."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, default_year: int | None = None) -> datetime.date | None:
    """The first valid date written in ``text``, or ``None``.

    Full dates (with a year) are looked for first, in text order; a bare ``YYYYMMDD`` only when it
    is the whole text; a month and day only when ``default_year`` is given (the caller knows the
    year from the item's URL or the page, as on TRS lists that print ``10-19``).
    """
    if not text:
        return None
    for match in _YMD.finditer(text):
        if match.group("y"):
            found = make_date(int(match["y"]), int(match["m"]), int(match["d"]))
        else:
            found = make_date(int(match["cy"]), int(match["cm"]), int(match["cd"]))
        if found:
            return found
    compact = _COMPACT_ALONE.match(text)
    if compact:
        found = make_date(int(compact["y"]), int(compact["m"]), int(compact["d"]))
        if found:
            return found
    if default_year is None:
        return None
    for match in _MONTH_DAY.finditer(text):
        month, day = (match["m"], match["d"]) if match.group("m") else (match["cm"], match["cd"])
        found = make_date(default_year, int(month), int(day))
        if found:
            return found
    return None


@lru_cache(maxsize=8192)
def date_from_url(url: str) -> datetime.date | None:
    """The date a CMS wrote into the URL's path, or ``None``.

    Only whole-date shapes count: TRS ``t20260315_4412345.html`` (``P`` for pictures), path
    segments ``/2016/11/22/`` (Hanweb ``/art/…``), ``/2018-06/22/`` (gov.cn), ``/2026-03-15/`` and
    ``/20260315/``. A number elsewhere (``art_1621004_30332664.html``, ``?id=20201234``) is an id.
    """
    path = urlsplit(url).path
    for pattern in (
        _URL_TRS,
        _URL_YMD_SEGMENTS,
        _URL_YM_D_SEGMENTS,
        _URL_DASHED_SEGMENT,
        _URL_COMPACT_SEGMENT,
    ):
        for match in pattern.finditer(path):
            found = make_date(int(match["y"]), int(match["m"]), int(match["d"]))
            if found:
                return found
    return None


@lru_cache(maxsize=8192)
def year_from_url(url: str) -> int | None:
    """The year a URL's path is filed under (a full date, or a ``/202403/`` month folder)."""
    found = date_from_url(url)
    if found:
        return found.year
    for match in _URL_YEAR_MONTH_SEGMENT.finditer(urlsplit(url).path):
        year = int(match["y"])
        month = int(match["m"]) if match["m"] else 1
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return year
    return None


@dataclass(frozen=True, slots=True)
class DatedValue:
    """A date and where it was read: ``"meta"``, ``"page"`` (shown), ``"url"`` or ``"list"``."""

    date: datetime.date
    source: str


# <meta name=…> carrying a publication date, most specific first. Names compare case-blind.
# ``others`` (gov.cn: "页面生成时间 2023-10-23 11:23:36") is the page build time: the last resort.
PUBLICATION_META_NAMES: tuple[str, ...] = (
    "pubdate",
    "publishdate",
    "publishdatetime",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "dc.date.issued",
    "dc.date",
    "releasedate",
    "others",
)

# Visible labels, by rank. Rank 0-2 are publication dates and beat the meta tags; rank 3 (成文日期,
# the signing date) is read only when neither a publication label nor a meta date exists.
_LABEL_RANKS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("发布时间", "发布日期", "公开日期", "公开时间", "发表时间", "发表日期", "发稿时间")),
    (1, ("日期", "时间")),
    (2, ("生成日期", "发文日期", "印发日期")),
    (3, ("成文日期", "成文时间")),
)
_SIGNING_RANK = 3
_LABELS = sorted((label for _, group in _LABEL_RANKS for label in group), key=len, reverse=True)
_RANK_OF = {label: rank for rank, group in _LABEL_RANKS for label in group}
# A label stands alone: no CJK character before it (工作时间, 有效日期, 更新时间 are not labels).
_LABELLED = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<label>" + "|".join(_LABELS) + r")\s*[:：]?\s*(?P<value>[^\n]{0,40})"
)
_LABEL_ONLY = re.compile(r"^\s*(?P<label>" + "|".join(_LABELS) + r")\s*[:：]?\s*$")
# CMS templates that put the date in an element of its own (万载 <publishtime>, some <pubdate>).
_DATE_ELEMENTS = ("publishtime", "pubdate", "publishdate", "pubtime")
_SKIPPED = {"script", "style", "noscript", "template", "textarea", "option", "select"}
_MAX_LABEL_TEXT = 120


def meta_date(doc: etree._Element) -> datetime.date | None:
    """The publication date in the page's ``<meta>`` tags (see ``PUBLICATION_META_NAMES``)."""
    found: dict[str, datetime.date] = {}
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if name in PUBLICATION_META_NAMES and name not in found:
            value = parse_date(meta.get("content") or "")
            if value:
                found[name] = value
    for name in PUBLICATION_META_NAMES:
        if name in found:
            return found[name]
    return None


def _own_text(element: etree._Element) -> str:
    """The element's visible text, without scripts, styles and comments."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag.lower() not in _SKIPPED:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return "".join(parts)


def _nonspace(part: str) -> int:
    """A lower bound of the length `part` adds to a normalised text (see `_SPACES`)."""
    return len(part) - sum(part.count(space) for space in _SPACES)


# Whitespace that `str.split` removes and a page's text commonly holds: the non-space count is
# a lower bound of the normalised length, so over the limit means certainly too long.
_SPACES = (" ", "\n", "\t", "\r", "\u3000", "\xa0")


def _short_texts(
    root: etree._Element, skipped: set[etree._Element], limit: int = _MAX_LABEL_TEXT
) -> dict[etree._Element, str]:
    """Every element's `_own_text` under ``root`` that is short enough to be a label, in one
    pass from the leaves up: an element's text is its own text, then each child's and the
    child's tail (a skipped child gives only its tail). An element whose text holds more than
    ``limit`` non-space characters is left out, and so is every ancestor of it: a label is
    short, and reading out every container of a long article again and again is what made the
    top-down walk quadratic. The texts are raw (not normalised)."""
    texts: dict[etree._Element, str] = {}
    counts: dict[etree._Element, int] = {}
    for element in reversed(list(root.iter())):
        if element in skipped or not isinstance(element.tag, str):
            continue
        parts = [element.text or ""]
        count = _nonspace(parts[0])
        for child in element:
            if child in skipped or not isinstance(child.tag, str):
                pass
            elif child in counts:
                parts.append(texts[child])
                count += counts[child]
            else:
                count = limit + 1  # the child is too long: so is its parent
                break
            tail = child.tail or ""
            parts.append(tail)
            count += _nonspace(tail)
        if count <= limit:
            texts[element] = "".join(parts)
            counts[element] = count
    return texts


def _skipped_elements(root: etree._Element) -> set[etree._Element]:
    """The elements a visitor does not read: scripts, styles… and everything inside them
    (also when ``root`` itself sits inside one)."""
    skipped: set[etree._Element] = set()
    inside = any(isinstance(a.tag, str) and a.tag.lower() in _SKIPPED for a in root.iterancestors())
    for element in root.iter():
        if element in skipped:
            continue
        if inside or (isinstance(element.tag, str) and element.tag.lower() in _SKIPPED):
            skipped.update(element.iter())
    return skipped


def _visible_dates(doc: etree._Element) -> list[tuple[int, datetime.date]]:
    """Labelled dates the page shows, as (rank, date) in document order."""
    found: list[tuple[int, datetime.date]] = []
    body = doc.find(".//body")
    root = body if body is not None else doc
    skipped = _skipped_elements(root)
    raw = _short_texts(root, skipped)
    short: dict[etree._Element, str] = {}

    def short_text(element: etree._Element) -> str | None:
        if element not in raw:
            return None
        if element not in short:
            short[element] = _normalised(raw[element])
        text = short[element]
        return text if len(text) <= _MAX_LABEL_TEXT else None

    for element in root.iter():
        if not isinstance(element.tag, str) or element in skipped:
            continue
        tag = element.tag.lower()
        if tag in _DATE_ELEMENTS:
            value = parse_date(_normalised(_own_text(element)))
            if value:
                found.append((0, value))
            continue
        text = short_text(element)
        if not text:
            continue
        label_only = _LABEL_ONLY.match(text)
        if label_only:
            # <i>时间：</i>2019-09-18, or 发布日期 | 2020年08月02日 in the next cell.
            value = _leading_date(element.tail or "")
            sibling = element.getnext()
            if value is None and sibling is not None:
                value = _leading_date(_own_text(sibling))
            if value:
                found.append((_RANK_OF[label_only["label"]], value))
            continue
        if _LABELLED.search(text) is None:
            continue
        # The innermost element holding both the label and its value speaks for its ancestors.
        if any(short_text(child) == text for child in _elements(element)):
            continue
        for match in _LABELLED.finditer(text):
            value = _leading_date(match["value"])
            if value:
                found.append((_RANK_OF[match["label"]], value))
                break
    return found


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _leading_date(value: str) -> datetime.date | None:
    """The date a label's value starts with (not one further along, which belongs elsewhere)."""
    value = _normalised(value).lstrip(":： [(（【")
    if not value[:1].isdigit():
        return None
    return parse_date(value[:30])


def visible_date(doc: etree._Element, *, include_signing: bool = False) -> datetime.date | None:
    """The best-ranked labelled date the page shows (first in document order within a rank)."""
    return _best(_visible_dates(doc), include_signing)


def _best(dates: list[tuple[int, datetime.date]], include_signing: bool) -> datetime.date | None:
    ranked = [item for item in dates if include_signing or item[0] < _SIGNING_RANK]
    if not ranked:
        return None
    best = min(rank for rank, _ in ranked)
    return next(value for rank, value in ranked if rank == best)


def article_date(doc: etree._Element, url: str) -> DatedValue | None:
    """The publication date (发布日期) of an article page, and where it came from.

    Order of trust, and why:

    1. ``"page"`` — a labelled date the page shows: 发布时间/发布日期/公开日期, then a bare
       时间/日期 label, then 生成日期/发文日期 (the date of record in 政务公开 metadata boxes),
       also as table cells (``发布日期 | 2020年08月02日``) and custom elements (``<publishtime>``).
       **The visible date wins over the meta tag when they disagree.** An inspector judges a
       column's freshness by the date the public sees, and CMS migrations and re-publishing
       rewrite ``PubDate`` wholesale: on 万载 2015 统计公报 the meta says 2022-04-24 while the page
       says 发布日期 2017-05-15 — the article was written and shown as 2017, re-published in 2022.
       Trusting the meta would make a stale column look fresh.
    2. ``"meta"`` — PubDate / pubdate / publishdate / firstpublishedtime / … / others
       (``PUBLICATION_META_NAMES``), in any format :func:`parse_date` reads (``2020年08月02日``).
    3. ``"page"`` — 成文日期 (the signing date) alone: earlier than publication, but better than
       nothing.
    4. ``"url"`` — the date in the address (:func:`date_from_url`).
    """
    dates = _visible_dates(doc)
    shown = _best(dates, include_signing=False)
    if shown:
        return DatedValue(shown, "page")
    from_meta = meta_date(doc)
    if from_meta:
        return DatedValue(from_meta, "meta")
    signed = _best(dates, include_signing=True)
    if signed:
        return DatedValue(signed, "page")
    from_url = date_from_url(url)
    if from_url:
        return DatedValue(from_url, "url")
    return None
