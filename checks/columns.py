"""Column checks: `stale_column` (栏目不更新, 首页不更新) and `blank_column` (空白栏目).

A column is judged by its newest item against its kind's window (动态 2 weeks, 通知公告/政策
文件/政策解读 6 months, maintained columns 1 year: ``checks.freshness.windows``). The kind comes
from the profile when it names one, else from the keyword table ``checks/data/column_kinds.yaml``.
An item's date is the latest of what its list shows and what its article page says (list,
visible date, meta tag or URL, as the crawler recorded them): a list may print no dates while
every article carries one. Content with no date anywhere counts as not updated (2015 普查) —
but only when no item of the column has a date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checks import messages
from checks.config import DEFAULT_WINDOWS, KINDS, CheckSettings, FreshnessConfig
from checks.model import ColumnView, CrawlData, Finding, PageView

# Kinds whose staleness counts toward 栏目不更新 veto line (1); the others toward line (2).
SHORT_WINDOW_KINDS = frozenset({"dynamic", "notice", "policy", "interpretation"})
FALLBACK_KIND = "maintained"

_NOISE = re.compile(r"[\s\u3000“”\"'‘’「」『』《》〈〉]")


class KindRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    keywords: tuple[str, ...] = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown column kind {value!r} (one of: {', '.join(KINDS)})")
        return value


class KindTable(BaseModel):
    """The keyword table: rules tried in order, first keyword contained in the name wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[KindRule, ...] = Field(min_length=1)

    def kind_of(self, name: str) -> str | None:
        text = normalize(name)
        for rule in self.rules:
            if any(normalize(keyword) in text for keyword in rule.keywords):
                return rule.kind
        return None


def normalize(text: str) -> str:
    """Text as names are compared: without spaces and quotation marks (“三公”经费 = 三公经费)."""
    return _NOISE.sub("", text or "")


@cache
def kind_table() -> KindTable:
    """The shipped table (``checks/data/column_kinds.yaml``), validated once."""
    text = resources.files("checks").joinpath("data/column_kinds.yaml").read_text("utf-8")
    return KindTable.model_validate(yaml.safe_load(text))


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def column_kind(name: str, url: str, config: FreshnessConfig, declared: str | None = None) -> str:
    """The column's kind: the profile's ``checks.freshness.kinds`` (by name or list URL) first,
    then the kind the profile's ``columns:`` entry declares (a kind id, or a label such as
    通知公告 read through the table), then the keyword table, else ``maintained``."""
    for key, kind in config.kinds.items():
        if normalize(key) == normalize(name) or _same_url(key, url):
            return kind
    if declared:
        if declared in KINDS:
            return declared
        found = kind_table().kind_of(declared)
        if found:
            return found
    return kind_table().kind_of(name) or FALLBACK_KIND


def window_days(kind: str, config: FreshnessConfig) -> int | None:
    """The kind's freshness window (None for `static`); a profile that overrides only some
    windows keeps the documented defaults for the rest."""
    if kind == "static":
        return None
    return config.windows.get(kind, DEFAULT_WINDOWS.get(kind, DEFAULT_WINDOWS[FALLBACK_KIND]))


def warning_margin(window: int, config: FreshnessConfig) -> int:
    """Days before the limit when a column is "about to go stale": ``warn_within_days``, but
    never more than half the window (a 30-day margin on a 14-day 动态 column would warn always)."""
    return min(config.warn_within_days, window // 2)


class _Dates:
    """Per column, the newest date over its list items and their article pages."""

    def __init__(self, data: CrawlData) -> None:
        page_dates: dict[str, date] = {}
        self.by_column: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for page in data.pages:
            if page.pub_date is None:
                continue
            for url in (page.url, page.final_url):
                if url:
                    page_dates[url] = max(page.pub_date, page_dates.get(url, page.pub_date))
            if page.column_url and page.role not in ("home", "list"):
                self.by_column[page.column_url.rstrip("/")].append((page.pub_date, page.url))
        for item in data.list_items:
            dates = [d for d in (item.list_date, page_dates.get(item.url)) if d is not None]
            if dates:
                self.by_column[item.column_url.rstrip("/")].append((max(dates), item.url))

    def newest(self, column: ColumnView) -> tuple[date | None, str | None]:
        """The newest date of the column and the item that carries it (None: no date at all)."""
        found = list(self.by_column.get(column.url.rstrip("/"), ()))
        if column.newest is not None:
            found.append((column.newest, column.url))
        if not found:
            return None, None
        return max(found, key=lambda entry: entry[0])  # the first (an item) among equals


def _column_finding(
    column: ColumnView, subtype: str, severity: str, evidence: dict[str, Any]
) -> Finding:
    return Finding(
        check="stale_column",
        subtype=subtype,
        severity=severity,
        url=column.url,
        key=column.url,
        page=column.url,
        pages=(column.url,),
        column=column.name,
        evidence={"column": column.name, **evidence},
        unit=column.unit,
    )


def _judge_column(
    column: ColumnView,
    newest: date | None,
    newest_url: str | None,
    config: FreshnessConfig,
    as_of: date,
) -> Finding | None:
    kind = column_kind(column.name, column.url, config, column.kind)
    window = window_days(kind, config)
    if window is None:
        return None
    severity = "high" if kind in SHORT_WINDOW_KINDS else "medium"
    evidence: dict[str, Any] = {
        "kind": kind,
        "window_days": window,
        "items": column.items,
        "newest": newest.isoformat() if newest else None,
        "days": (as_of - newest).days if newest else None,
    }
    if newest is None:
        return _column_finding(column, "no_dates", severity, evidence)
    evidence["newest_url"] = newest_url
    days = evidence["days"]
    if days > window:
        return _column_finding(column, kind, severity, evidence)
    if days > window - warning_margin(window, config):
        evidence["days_left"] = window - days
        return _column_finding(column, "about_to_go_stale", "low", evidence)
    return None


def home_newest(
    data: CrawlData, home: PageView, dates: _Dates | None = None
) -> tuple[date | None, str]:
    """The newest date the home page shows (``meta["newest_item"]``) and where it came from;
    for a navigation-only home page (no dated entry), the newest date of any column, as the
    inspectors' rule says (none on any second-level page)."""
    shown = home.meta.get("newest_item")
    if isinstance(shown, str):
        try:
            return date.fromisoformat(shown[:10]), "home_page"
        except ValueError:
            pass
    dates = dates or _Dates(data)
    newest = [d for column in data.columns if (d := dates.newest(column)[0]) is not None]
    return (max(newest) if newest else None), "columns"


def _home_findings(
    data: CrawlData, dates: _Dates, config: FreshnessConfig, as_of: date
) -> list[Finding]:
    findings = []
    for home in data.pages:
        if home.role != "home":
            continue
        newest, source = home_newest(data, home, dates)
        if newest is None or (as_of - newest).days <= config.home_days:
            continue
        findings.append(
            Finding(
                check="stale_column",
                subtype="home_page",
                severity="high",
                url=home.url,
                key=home.url,
                page=home.url,
                pages=(home.url,),
                evidence={
                    "kind": "home",
                    "window_days": config.home_days,
                    "newest": newest.isoformat(),
                    "days": (as_of - newest).days,
                    "source": source,
                },
            )
        )
    return findings


def stale_column(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """栏目不更新 / 首页不更新: one finding per column older than its kind's window (or about
    to be, or with no dated item at all), and per home page older than ``home_days``.

    Static columns (机构职能, 公开指南…) and blank columns (reported by `blank_column`) are
    not judged. Severity: high for 动态/通知公告/政策文件/政策解读 (veto line (1)), medium for
    maintained columns (line (2)), low for "about to go stale".
    """
    config = settings.checks.freshness
    dates = _Dates(data)
    findings = []
    for column in data.columns:
        if column.items == 0:
            continue
        newest, newest_url = dates.newest(column)
        finding = _judge_column(column, newest, newest_url, config, as_of)
        if finding is not None:
            findings.append(finding)
    return findings + _home_findings(data, dates, config, as_of)


# A column page without entries says something of its own from this many informative characters
# on (Han characters, letters, digits, once the chrome, its title and placeholders are set
# aside: crawler/parsing/content.py): "本单位无行政事业性收费项目" (13) is information, a bare
# "暂无信息" or "共0条" is not.
MIN_CONTENT_CHARS = 10


def blank_column(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """空白栏目: one finding per column that carries no information — an empty list, "暂无信息",
    or a page with nothing but the site's chrome and its own title. A column that is a page of
    content (机构职能, 领导信息, a 公开指南 of text) lists no item and is not blank."""
    contents = _page_contents(data)
    findings = []
    for column in data.columns:
        if column.items != 0:
            continue
        measured = contents.get(_norm_url(column.url), [])
        if any(c.get("chars", 0) >= MIN_CONTENT_CHARS for c in measured):
            continue  # a page of content
        evidence: dict[str, object] = {
            "column": column.name,
            "list_pages": column.list_pages,
            "source": column.source,
        }
        if any(c.get("placeholder") for c in measured):
            evidence["placeholder"] = True
        sample = next((c.get("sample") for c in measured if c.get("sample")), None)
        if sample:
            evidence["page_text"] = sample
        findings.append(
            Finding(
                check="blank_column",
                subtype="no_items",
                severity="high",
                url=column.url,
                key=column.url,
                page=column.url,
                pages=(column.url,),
                column=column.name,
                evidence=evidence,
                unit=column.unit,
            )
        )
    return findings


def _page_contents(data: CrawlData) -> dict[str, list[dict[str, Any]]]:
    """What the crawler measured of each column's list pages without entries, by column URL."""
    found: dict[str, list[dict[str, Any]]] = {}
    for page in data.pages:
        content = page.meta.get("content") if page.role == "list" else None
        if isinstance(content, dict):
            found.setdefault(_norm_url(page.column_url or page.url), []).append(content)
    return found


def _norm_url(url: str) -> str:
    return url.rstrip("/")


_STALE_ZH = "“{column}”栏目超过{window_days}天未更新（最新信息{newest}，已{days}天）"
_STALE_EN = "Column '{column}' not updated for over {window_days} days (newest {newest})"
messages.register(
    "stale_column",
    {
        "dynamic": (_STALE_ZH, _STALE_EN),
        "notice": (_STALE_ZH, _STALE_EN),
        "policy": (_STALE_ZH, _STALE_EN),
        "interpretation": (_STALE_ZH, _STALE_EN),
        "maintained": (_STALE_ZH, _STALE_EN),
        "about_to_go_stale": (
            "“{column}”栏目即将超期未更新（已{days}天，期限{window_days}天）",
            "Column '{column}' about to go stale ({days} of {window_days} days)",
        ),
        "no_dates": (
            "“{column}”栏目信息均无发布日期，视为未更新",
            "No item of column '{column}' carries a date: counted as not updated",
        ),
        "home_page": (
            "首页超过{window_days}天未更新（最新信息{newest}，已{days}天）",
            "Home page not updated for over {window_days} days (newest {newest})",
        ),
        "*": (_STALE_ZH, _STALE_EN),
    },
    (
        "按栏目类型及时发布新信息；确无新内容的栏目应调整或合并栏目，不得长期不更新。",
        "Publish new items in time for the column's kind, or merge or remove the column.",
    ),
)
messages.register(
    "blank_column",
    {"*": ("“{column}”为空白栏目（无任何信息）", "Column '{column}' is blank (no items)")},
    (
        "补充发布栏目应有的信息；确无内容的栏目应删除或合并，不得保留空白栏目。",
        "Publish the column's content, or remove or merge the empty column.",
    ),
)
