"""`missing_mandatory` (法定主动公开内容缺失): statutory columns and items absent or overdue.

The rules come from YAML packs (:mod:`checks.rules`) the profile selects. A rule needs a
column, an item (a list item or page whose title matches its synonyms), or either. A recurring
item (the 政府信息公开工作年度报告, the 部门预算, the 部门决算) is judged per year: the latest
cycle whose due date has passed must be published, else it is overdue; the next cycle, not yet
due, is no finding but is listed by :func:`not_yet_due` for the report. Each finding names the
item, the year and the legal basis.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks import messages
from checks.columns import normalize
from checks.config import CheckSettings, MandatoryConfig
from checks.errors import CheckConfigError
from checks.model import ColumnView, CrawlData, Finding, PageView
from checks.rules import Rule, rules_for
from checks.urls import site_root

# A year as titles write it: 2025年, 2025年度, 2025 年 (not 索引号 digits: a 年 must follow).
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_ARTICLE_ROLES = ("article", "page")


@dataclass(frozen=True, slots=True)
class Published:
    """One published item as the rules see it: a list entry or an article page."""

    title: str
    url: str
    column_url: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class Cycle:
    """One year's instance of a recurring item: the year it covers and its due date."""

    year: int
    due: date


# How CMSs join a page's own title to its column's name in <title>: 标题_栏目_站点 (大汉),
# 标题-栏目-站点, 标题|栏目.
_TITLE_SEPARATORS = ("_", "-", "|", "｜", " - ")


def own_title(page: PageView, column_names: dict[str, str]) -> str:
    """The page's own title: its ``<title>`` cut before the name of its column. The tail is
    the CMS's, not the item's: "…2025年部门预算_财政预决算_某县人民政府" names no 决算."""
    title = page.title or ""
    name = column_names.get(page.column_url or "")
    if name:
        for separator in _TITLE_SEPARATORS:
            cut = title.find(separator + name)
            if cut > 0:
                return title[:cut]
    return title


def published_items(data: CrawlData) -> list[Published]:
    """Every titled list item and article page, dated by its list or its page."""
    page_dates = {p.url: p.pub_date for p in data.pages if p.pub_date is not None}
    column_names = {c.url: c.name for c in data.columns}
    listed = {i.url for i in data.list_items if i.title}
    items = [
        Published(i.title, i.url, i.column_url, i.list_date or page_dates.get(i.url))
        for i in data.list_items
        if i.title
    ]
    items += [
        Published(own_title(p, column_names), p.url, p.column_url, p.pub_date)
        for p in data.pages
        # A listed item is judged by its list title; the <title> adds the CMS's tail.
        if p.title and p.role in _ARTICLE_ROLES and p.url not in listed
    ]
    return items


def years_in(title: str) -> set[int]:
    """The years a title names (辽源市交通运输局2025年政府信息公开工作年度报告 → {2025})."""
    return {int(year) for year in _YEAR.findall(normalize(title))}


def _due_date(config: MandatoryConfig, due: str, year: int) -> date:
    text = getattr(config, f"{due}_due")
    try:
        month, day = (int(part) for part in text.split("-"))
        if (month, day) == (2, 29) and not calendar.isleap(year):
            day = 28
        return date(year, month, day)
    except ValueError:
        raise CheckConfigError(f"checks.mandatory.{due}_due: not a MM-DD date ({text!r})") from None


def cycles(rule: Rule, config: MandatoryConfig, as_of: date) -> tuple[Cycle, Cycle]:
    """(the latest cycle whose due date has passed, the next one). Due dates are inclusive:
    on 31 January last year's annual report is not late yet."""
    due = rule.due or "annual_report"  # a recurring rule always names its due date
    offset = 1 if rule.year == "previous" else 0
    this_year = _due_date(config, due, as_of.year)
    if as_of > this_year:
        passed, upcoming = this_year, _due_date(config, due, as_of.year + 1)
    else:
        passed, upcoming = _due_date(config, due, as_of.year - 1), this_year
    return Cycle(passed.year - offset, passed), Cycle(upcoming.year - offset, upcoming)


def _covers(item: Published, cycle: Cycle) -> bool:
    """Whether an item is the one for this cycle's year: by the year in its title, or — for a
    title with no year — by being published in the year the cycle falls due."""
    years = years_in(item.title)
    if years:
        return cycle.year in years
    return item.published is not None and item.published.year == cycle.due.year


def _present(rule: Rule, data: CrawlData, items: list[Published]) -> bool:
    if rule.requires != "item" and any(rule.matches(c.name) for c in data.columns):
        return True
    return rule.requires != "column" and any(rule.matches(i.title) for i in items)


def _home_column(rule: Rule, data: CrawlData) -> ColumnView | None:
    """The column where the item is expected (its `columns` hints, else its synonyms)."""
    if rule.requires == "column":
        return None
    hints = rule.columns or rule.match
    for column in data.columns:
        name = normalize(column.name)
        if any(normalize(hint) in name for hint in hints):
            return column
    return None


def _finding(
    rule: Rule, subtype: str, data: CrawlData, evidence: dict[str, Any], key: str
) -> Finding:
    column = _home_column(rule, data)
    url = column.url if column else site_root(data)
    return Finding(
        check="missing_mandatory",
        subtype=subtype,
        severity=rule.severity,
        url=url,
        key=key,
        page=url,
        pages=(url,),
        column=column.name if column else None,
        evidence={
            "rule": rule.id,
            "item": rule.name,
            "basis": rule.basis,
            "requires": rule.requires,
            **evidence,
        },
        unit=rule.unit or (column.unit if column else None),
    )


_ABSENT = {"column": "column_absent", "item": "item_absent", "column_or_item": "absent"}


def missing_mandatory(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """法定主动公开内容: one finding per rule whose column or item is absent (`column_absent`,
    `item_absent`, `absent`), and per recurring item whose latest due cycle is unpublished
    (`overdue`, keyed ``rule|year``). Items not yet due are never findings."""
    config = settings.checks.mandatory
    items = published_items(data)
    findings = []
    for rule in rules_for(settings):
        if rule.recurs:
            cycle, _ = cycles(rule, config, as_of)
            matching = [item for item in items if rule.matches(item.title)]
            if any(_covers(item, cycle) for item in matching):
                continue
            found_years = sorted({y for item in matching for y in years_in(item.title)})
            evidence = {
                "year": cycle.year,
                "due": cycle.due.isoformat(),
                "days_overdue": (as_of - cycle.due).days,
                "found_years": found_years,
            }
            findings.append(_finding(rule, "overdue", data, evidence, f"{rule.id}|{cycle.year}"))
        elif not _present(rule, data, items):
            findings.append(_finding(rule, _ABSENT[rule.requires], data, {}, rule.id))
    return findings


def not_yet_due(data: CrawlData, settings: CheckSettings, as_of: date) -> list[dict[str, Any]]:
    """Recurring items whose next cycle is not due yet and not published yet (for the report's
    "upcoming deadlines"): rule, item, year, due, days_left, basis, unit."""
    config = settings.checks.mandatory
    items = published_items(data)
    upcoming = []
    for rule in rules_for(settings):
        if not rule.recurs:
            continue
        _, cycle = cycles(rule, config, as_of)
        if any(_covers(item, cycle) for item in items if rule.matches(item.title)):
            continue
        upcoming.append(
            {
                "rule": rule.id,
                "item": rule.name,
                "year": cycle.year,
                "due": cycle.due.isoformat(),
                "days_left": (cycle.due - as_of).days,
                "basis": rule.basis,
                "unit": rule.unit,
            }
        )
    return upcoming


messages.register(
    "missing_mandatory",
    {
        "column_absent": ("缺少“{item}”栏目（依据：{basis}）", "No '{item}' column ({basis})"),
        "item_absent": ("未公开“{item}”（依据：{basis}）", "'{item}' is not published ({basis})"),
        "absent": (
            "未设置“{item}”栏目，也未发布相关信息（依据：{basis}）",
            "Neither a '{item}' column nor such an item ({basis})",
        ),
        "overdue": (
            "{year}年度“{item}”逾期未公开（应于{due}前公开；依据：{basis}）",
            "'{item}' for {year} is overdue (due {due}; {basis})",
        ),
        "*": ("未公开“{item}”（依据：{basis}）", "'{item}' is not published ({basis})"),
    },
    (
        "按法定要求和公开时限发布该项信息，并在相应栏目中集中展示；已发布的应核对标题与栏目是否规范。",
        "Publish the item within its statutory deadline, in its column; check titles and columns.",
    ),
)
