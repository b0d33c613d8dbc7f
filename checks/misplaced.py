"""内容混杂 (`misplaced_content`): a column item that plainly belongs to another column kind.

Judged from the column's name and the item's title with the explicit rule table of
checks/data/misplaced.yaml (column keywords → item keywords that do not belong, each rule
with its reason). Precision comes first: an item whose title names the column's own subject is
never flagged, however many foreign words it carries ("关于召开预算编制会议的通知" in a 预算
column is left alone), and news columns (动态, 新闻…) are not judged at all — a 动态 item
announcing that the 部门决算 was published is ordinary news.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from checks import messages
from checks.config import CheckSettings
from checks.model import ColumnView, CrawlData, Finding, ListItemView

_TRUNCATED = ("...", "…", "..")


class MisplacedRule(BaseModel):
    """One row of the rule table (see the header of checks/data/misplaced.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    columns: tuple[str, ...] = Field(min_length=1)
    columns_not: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    foreign: tuple[str, ...] = ()
    only_own: bool = False
    reason: str
    reason_en: str
    severity: Literal["high", "medium", "low"] = "medium"

    @model_validator(mode="after")
    def _one_test(self) -> MisplacedRule:
        if bool(self.foreign) == self.only_own:
            raise ValueError(f"rule {self.id}: give either `foreign` words or `only_own: true`")
        if self.only_own and not self.own:
            raise ValueError(f"rule {self.id}: `only_own` needs `own` words")
        return self

    def applies_to(self, column_name: str) -> bool:
        return any(w in column_name for w in self.columns) and not any(
            w in column_name for w in self.columns_not
        )

    def flags(self, title: str) -> tuple[bool, str | None]:
        """(flagged, the foreign word that decided it)."""
        if any(w in title for w in self.own):
            return False, None
        if self.only_own:
            return not title.rstrip().endswith(_TRUNCATED), None
        word = next((w for w in self.foreign if w in title), None)
        return word is not None, word


@cache
def shipped_rules() -> tuple[MisplacedRule, ...]:
    text = (files("checks") / "data" / "misplaced.yaml").read_text(encoding="utf-8")
    return tuple(MisplacedRule.model_validate(rule) for rule in yaml.safe_load(text)["rules"])


def misplaced_content(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """内容混杂: one finding per (column, item) that a rule flags, saying which rule and why."""
    rules = shipped_rules()
    columns = {column.url: column for column in data.columns}
    seen: set[tuple[str, str]] = set()
    findings = []
    for item in data.list_items:
        column = columns.get(item.column_url)
        if column is None or (item.column_url, item.url) in seen:
            continue
        seen.add((item.column_url, item.url))
        for rule in rules:
            if not rule.applies_to(column.name):
                continue
            flagged, word = rule.flags(item.title)
            if flagged:
                findings.append(_finding(column, item, rule, word))
                break
    return findings


def _finding(
    column: ColumnView, item: ListItemView, rule: MisplacedRule, word: str | None
) -> Finding:
    evidence: dict[str, Any] = {
        "rule": rule.id,
        "reason": rule.reason,
        "reason_en": rule.reason_en,
        "item_title": item.title,
        "column": column.name,
    }
    if word:
        evidence["matched"] = word
    return Finding(
        check="misplaced_content",
        subtype=rule.id,
        severity=rule.severity,
        url=item.url,
        key=f"{column.url}|{item.url}",
        page=column.url,
        pages=(column.url,),
        column=column.name,
        evidence=evidence,
        unit=column.unit,
    )


messages.register(
    "misplaced_content",
    {"*": ("“{column}”栏目内容混杂：{reason}", "Misplaced item in '{column}': {reason_en}")},
    (
        "将该信息移至对应栏目（如工作动态、政府采购、人事信息），并核查本栏目其他信息是否"
        "符合栏目定位。",
        "Move the item to the column it belongs to (news, procurement, personnel…) and check "
        "the rest of this column against its purpose.",
    ),
)
