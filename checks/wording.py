"""错敏词 (`wording_error`): serious misstatements and listed miswritings in page texts.

The shipped list (checks/data/wording.yaml) holds only wordings that cannot be right anywhere
on a government page; a `high` rule is a 严重表述错误, a single veto of 国办秘函〔2019〕19号, so
the list favours precision over reach. A site adds rules with `checks.wording.extra` (which
replace a shipped rule with the same `wrong`) and drops shipped ones with `checks.wording.ignore`
— the 误报人工核减 of monitoring practice.

Read: the visible text and the title of every HTML page (attachments are not scanned: their
extracted text breaks lines and columns at random). Whitespace is ignored when matching, since
visible text joins elements with spaces (``中国特色<b>社会</b>主义``); the context shown is the
text around the match without whitespace — what a browser's find-in-page matches.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from checks import messages
from checks.config import CheckSettings, WordingRule
from checks.model import CrawlData, Finding

CONTEXT = 30  # characters of context around a match, the match included
_WHITESPACE = re.compile(r"\s+")


@cache
def shipped_rules() -> tuple[WordingRule, ...]:
    """The documented rules of checks/data/wording.yaml, validated like profile rules."""
    text = (files("checks") / "data" / "wording.yaml").read_text(encoding="utf-8")
    return tuple(WordingRule.model_validate(rule) for rule in yaml.safe_load(text)["rules"])


def active_rules(config: Any) -> list[WordingRule]:
    """Shipped rules minus `ignore`, then `extra` (an extra rule overrides a shipped one)."""
    extra = {rule.wrong: rule for rule in config.extra}
    ignored = set(config.ignore)
    rules = [r for r in shipped_rules() if r.wrong not in ignored and r.wrong not in extra]
    return rules + list(extra.values())


def _compact(text: str) -> str:
    return _WHITESPACE.sub("", text)


def find_wrong(text: str, rule: WordingRule) -> list[int]:
    """Start offsets of `rule.wrong` in whitespace-free `text`, skipping any that lie inside an
    occurrence of `rule.right` (a user rule may flag ``中华人民共和`` without its ``国``)."""
    if rule.wrong not in text:
        return []
    covered = []
    if rule.wrong in rule.right:
        start = text.find(rule.right)
        while start >= 0:
            covered.append((start, start + len(rule.right)))
            start = text.find(rule.right, start + 1)
    hits = []
    start = text.find(rule.wrong)
    while start >= 0:
        end = start + len(rule.wrong)
        if not any(a <= start and end <= b for a, b in covered):
            hits.append(start)
        start = text.find(rule.wrong, start + 1)
    return hits


def context_of(text: str, start: int, length: int) -> str:
    """The match with up to CONTEXT characters in all, split evenly before and after it."""
    pad = max(0, CONTEXT - length) // 2
    return text[max(0, start - pad) : start + length + pad]


def wording_errors(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """错敏词: one finding per page and rule, with the first occurrence's context and a count."""
    rules = active_rules(settings.checks.wording)
    columns = {column.url: column for column in data.columns}
    texts = _texts_with_hits(data, rules)
    findings = []
    for page in data.pages:
        if page.role == "attachment":
            continue
        sources = [_compact(page.title or ""), texts.get(page.url, "")]
        for rule in rules:
            hits = [(source, find_wrong(source, rule)) for source in sources]
            count = sum(len(found) for _, found in hits)
            if not count:
                continue
            source, found = next((s, f) for s, f in hits if f)
            column = columns.get(page.column_url or "")
            finding = _finding(page.url, rule, count, context_of(source, found[0], len(rule.wrong)))
            if column is not None:
                finding = replace(finding, column=column.name, unit=column.unit)
            findings.append(finding)
    return findings


def _texts_with_hits(data: CrawlData, rules: list[WordingRule]) -> dict[str, str]:
    """{page URL: whitespace-free text} of the HTML pages whose text breaks a rule: every text
    is read once, and only the few that matter are kept."""
    html_pages = {page.url for page in data.pages if page.role != "attachment"}
    kept = {}
    for url, text in data.texts.items():
        if url not in html_pages:
            continue
        compact = _compact(text)
        if any(find_wrong(compact, rule) for rule in rules):
            kept[url] = compact
    return kept


def _finding(url: str, rule: WordingRule, count: int, context: str) -> Finding:
    serious = rule.severity == "high"
    evidence: dict[str, Any] = {
        "wrong": rule.wrong,
        "right": rule.right,
        "context": context,
        "count": count,
        "serious": serious,
    }
    if rule.note:
        evidence["note"] = rule.note
    return Finding(
        check="wording_error",
        subtype="serious_misstatement" if serious else "miswriting",
        severity=rule.severity,
        url=url,
        key=f"{url}|{rule.wrong}",
        page=url,
        pages=(url,),
        evidence=evidence,
    )


messages.register(
    "wording_error",
    {
        "serious_misstatement": (
            "严重表述错误：“{wrong}”应为“{right}”",
            "Serious misstatement: '{wrong}' should read '{right}'",
        ),
        "miswriting": (
            "错别字：“{wrong}”应为“{right}”",
            "Miswriting: '{wrong}' should read '{right}'",
        ),
        "*": ("表述错误：“{wrong}”应为“{right}”", "'{wrong}' should read '{right}'"),
    },
    (
        "立即更正错误表述，并对同类稿件开展排查；严重表述错误应按规定追究审校责任。",
        "Correct the wording at once and check similar pages; a serious misstatement calls for "
        "a review of the editing and approval process.",
    ),
)
