"""错敏词 (`wording_error`): serious misstatements and listed miswritings in page texts.

The shipped list (checks/data/wording.yaml) holds only wordings that cannot be right where they
stand on a government page, in five categories (:data:`~checks.config.WORDING_CATEGORIES`:
Party and state formulations, law titles, repealed laws, institution names replaced by a
reform, common miswritings); a `high` rule is a 严重表述错误, a single veto of
国办秘函〔2019〕19号, so the list favours precision over reach. A site adds rules with
`checks.wording.extra` (which replace a listed rule with the same `wrong`), the office's own
list with `checks.wording.file` (本单位词表, read by the profile loader into
`checks.wording.office`), and drops shipped and office rules with `checks.wording.ignore` — the
误报人工核减 of monitoring practice.

Read: the visible text and the title of every HTML page (attachments are not scanned: their
extracted text breaks lines and columns at random). Whitespace is ignored when matching, since
visible text joins elements with spaces (``中国特色<b>社会</b>主义``); the context shown is the
text around the match without whitespace — what a browser's find-in-page matches.

A match is correct where it stands, and not reported, when it lies inside the rule's own
`right` text, or when the rule's `unless_preceded_by`, `unless_followed_by`, `unless_near` or
`unless_quoted` say so (原国土资源部, 国土资源部门, 机构改革 nearby, “台湾政府” cited).

A rule with `since` judges only pages published on or after that day: 国土资源部 is the right
name in a 2016 article, and a page with no publication date is not judged by such a rule. On a
later page, a match next to an earlier year is history told (2007年，该景区经国家旅游局批准为
5A级旅游景区) and is not reported either.
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
from checks.config import WORDING_CATEGORIES, CheckSettings, WordingConfig, WordingRule
from checks.model import CrawlData, Finding, PageView

CONTEXT = 30  # characters of context around a match, the match included
NEAR = 200  # characters either side of a match that `unless_near` looks at
# A rule with `since`: a year before it in the HISTORY characters before a match (or half as
# many after it) makes the sentence a statement about the past (2007年，该景区经国家旅游局批准…).
HISTORY = 40
_YEAR = re.compile(r"(?:19|20)\d\d(?=年)")
# Where a rule in force comes from (`evidence.list` of its findings): the shipped list, the
# office's own list (本单位词表), the profile's `extra`.
LISTS = ("shipped", "office", "profile")
# Quotation marks, opening → closing: what `unless_quoted` looks for around a match.
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"'}
_WHITESPACE = re.compile(r"\s+")

ActiveRule = tuple[str, WordingRule]  # (one of LISTS, rule)


@cache
def shipped_rules() -> tuple[WordingRule, ...]:
    """The documented rules of checks/data/wording.yaml, validated like profile rules."""
    text = (files("checks") / "data" / "wording.yaml").read_text(encoding="utf-8")
    return tuple(WordingRule.model_validate(rule) for rule in yaml.safe_load(text)["rules"])


def active_rules(config: WordingConfig) -> list[ActiveRule]:
    """The shipped list, then the office's (an office rule replaces a shipped one with the same
    `wrong`), both less `ignore`; then the profile's `extra`, which replace either."""
    ignored = set(config.ignore)
    chosen: dict[str, ActiveRule] = {}
    for key, rules in (("shipped", shipped_rules()), ("office", config.office)):
        for rule in rules:
            if rule.wrong not in ignored:
                chosen[rule.wrong] = (key, rule)
    for rule in config.extra:
        chosen[rule.wrong] = ("profile", rule)
    return list(chosen.values())


def _compact(text: str) -> str:
    return _WHITESPACE.sub("", text)


def find_wrong(text: str, rule: WordingRule) -> list[int]:
    """Start offsets of `rule.wrong` in whitespace-free `text` where it is wrong: not inside an
    occurrence of `rule.right` (a user rule may flag ``中华人民共和`` without its ``国``), and
    not excused by where it stands (:func:`excused`)."""
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
        inside_right = any(a <= start and end <= b for a, b in covered)
        if not inside_right and not excused(text, start, end, rule):
            hits.append(start)
        start = text.find(rule.wrong, start + 1)
    return hits


def excused(text: str, start: int, end: int, rule: WordingRule) -> bool:
    """Whether the match ``text[start:end]`` is correct where it stands: right after an
    `unless_preceded_by` text, right before an `unless_followed_by` text, close to a year
    before the rule's `since` (HISTORY), within NEAR characters of an `unless_near` word, or
    quoted exactly when the rule is `unless_quoted`."""
    if rule.unless_quoted:
        closing = QUOTES.get(text[start - 1 : start]) if start else None
        if closing is not None and text.startswith(closing, end):
            return True
    if any(text.endswith(before, 0, start) for before in rule.unless_preceded_by):
        return True
    if any(text.startswith(after, end) for after in rule.unless_followed_by):
        return True
    if rule.since is not None:
        told = text[max(0, start - HISTORY) : end + HISTORY // 2]
        if any(int(year) < rule.since.year for year in _YEAR.findall(told)):
            return True
    window = text[max(0, start - NEAR) : end + NEAR]
    return any(word in window for word in rule.unless_near)


def judges(rule: WordingRule, page: PageView) -> bool:
    """Whether the rule applies to the page: a rule with `since` needs a page published on or
    after that day (an undated page is not judged by it)."""
    return rule.since is None or (page.pub_date is not None and page.pub_date >= rule.since)


def context_of(text: str, start: int, length: int) -> str:
    """The match with up to CONTEXT characters in all, split evenly before and after it."""
    pad = max(0, CONTEXT - length) // 2
    return text[max(0, start - pad) : start + length + pad]


def wording_errors(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """错敏词: one finding per page and rule, with the first occurrence's context and a count."""
    rules = active_rules(settings.checks.wording)
    anywhere = _any_wrong(tuple(rule.wrong for _, rule in rules))
    columns = {column.url: column for column in data.columns}
    texts = _texts_with_hits(data, rules, anywhere)
    findings = []
    for page in data.pages:
        if page.role == "attachment":
            continue
        sources = [_compact(page.title or ""), texts.get(page.url, "")]
        for key, rule in _candidates(sources, rules, anywhere):
            if not judges(rule, page):
                continue
            hits = [(source, find_wrong(source, rule)) for source in sources]
            count = sum(len(found) for _, found in hits)
            if not count:
                continue
            source, found = next((s, f) for s, f in hits if f)
            context = context_of(source, found[0], len(rule.wrong))
            finding = _finding(page.url, key, rule, count, context)
            column = columns.get(page.column_url or "")
            if column is not None:
                finding = replace(finding, column=column.name, unit=column.unit)
            findings.append(finding)
    return findings


@cache
def _any_wrong(wrongs: tuple[str, ...]) -> re.Pattern[str]:
    """Every `wrong` at once, longest first: a search finds the next place where a rule's text
    starts, with the longest one starting there (any shorter one there is its prefix). Most
    pages hold none, and one search of a text beats one per rule."""
    longest_first = sorted(set(wrongs), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)) or r"(?!)")


def _candidates(
    sources: list[str], rules: list[ActiveRule], anywhere: re.Pattern[str]
) -> list[ActiveRule]:
    """The rules whose `wrong` occurs in one of the texts at all, in the order of `rules`."""
    found = set()
    for source in sources:
        match = anywhere.search(source)
        while match:  # every place a rule's text starts, overlapping ones too
            found.add(match.group())
            match = anywhere.search(source, match.start() + 1)
    if not found:
        return []
    return [(key, rule) for key, rule in rules if any(rule.wrong in text for text in found)]


def _texts_with_hits(
    data: CrawlData, rules: list[ActiveRule], anywhere: re.Pattern[str]
) -> dict[str, str]:
    """{page URL: whitespace-free text} of the HTML pages whose text breaks a rule: every text
    is read once, and only the few that matter are kept."""
    html_pages = {page.url for page in data.pages if page.role != "attachment"}
    kept = {}
    for url, text in data.texts.items():
        if url not in html_pages:
            continue
        compact = _compact(text)
        if any(find_wrong(compact, rule) for _, rule in _candidates([compact], rules, anywhere)):
            kept[url] = compact
    return kept


def _finding(url: str, key: str, rule: WordingRule, count: int, context: str) -> Finding:
    serious = rule.severity == "high"
    evidence: dict[str, Any] = {
        "wrong": rule.wrong,
        "right": rule.right,
        "context": context,
        "count": count,
        "serious": serious,
    }
    if rule.category:
        evidence["category"] = rule.category
        evidence["category_name"] = WORDING_CATEGORIES[rule.category][0]
    evidence["list"] = key
    if rule.note:
        evidence["note"] = rule.note
    if rule.source:
        evidence["source"] = rule.source
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
