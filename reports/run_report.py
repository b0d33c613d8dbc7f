"""The run report (检测报告): its context, built from what the store holds of one run, and
written as one self-contained HTML file.

Reports render, they do not compute: everything the template shows is a field of
:class:`RunReport`, already counted, dated and worded for the report's language (the labels
come from :mod:`reports.labels`). Text from a crawl stays raw here — escaping is the template's
job. The caller reads the run's rows (:class:`RunReportData`); :func:`build_run_report` makes
the context, :func:`write_run_report` the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from checks import messages
from checks.config import ScoringConfig
from checks.registry import PAGE_CHECKS
from checks.site import judge_availability
from reports import times
from reports.chart import TrendPoint
from reports.findings_json import finding_document
from reports.labels import STATUS_LABELS, check_name, label
from reports.rendering import render, stream_html
from reports.rows import MadeOnRead, StoredFinding, StoredRun, StoredSite

EVIDENCE_TEXT_LIMIT = 300  # one evidence value shown in full up to this many characters
# How the crawler met a link, not what is wrong with it, and codes the title already says:
# left out of the report's evidence (findings.json keeps them).
EVIDENCE_HIDDEN = frozenset({"method", "tag", "attr", "kind", "category", "rule", "requires"})
ENGLISH_TWIN = "_en"  # `reason` / `reason_en`: each report shows the one in its language
# A failure the error code already names (超时, 拒绝连接…): its detail is the network library's
# English message, which says nothing more to a reader. A certificate's or a refused
# address's detail does say more (which certificate error, which address).
SAID_BY_CODE = frozenset({"timeout", "dns_error", "connection_refused", "redirect_loop"})
TEMPLATE = "run.html"


# -- the context -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFinding:
    """One finding of the run report (its row in the 问题 table)."""

    id: str
    check: str
    subtype: str
    severity: str
    title: str
    detail: str
    url: str
    page: str | None
    pages: list[str]
    column: str | None
    status: str
    first_seen: str | None
    deadline: str | None
    unit: str | None = None
    status_label: str = ""
    how_to_fix: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (key, value as text)
    page_title: str | None = None  # the title of `page`, as the crawl read it

    @property
    def other_pages(self) -> list[str]:
        """The source pages beyond `page` (a broken link is often on many)."""
        return [p for p in self.pages if p != self.page]


@dataclass(frozen=True)
class ChangeItem:
    """A finding named in "what changed since the last run"."""

    id: str
    check_name: str
    title: str
    url: str
    in_this_run: bool  # listed in this report's findings table (so the id is an anchor)


@dataclass(frozen=True)
class Changes:
    """新发现 / 已整改 / 复发 of one run against the state the previous run left."""

    previous_run: int | None
    previous_as_of: str | None
    opened: Sequence[ChangeItem] = field(default_factory=list)
    fixed: Sequence[ChangeItem] = field(default_factory=list)
    reopened: Sequence[ChangeItem] = field(default_factory=list)


@dataclass(frozen=True)
class Availability:
    """The week's home-page probes (``xuncha probe``) against the 站点无法访问 line."""

    since: str
    until: str
    tries: int
    failures: int
    failure_pct: float | None  # None when there was no try
    threshold_pct: float
    crossed: bool
    expected_tries: int  # what the standard asks for in the window (20 a day)
    per_day: int


@dataclass(frozen=True)
class CountRow:
    """A name (check, column or unit; None = none) and how many findings it has."""

    key: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class Incremental:
    """An incremental night (增量巡查): pages kept as `prior_run` saw them — not asked again
    (their rotation slot had not come) or `revalidated` (the server said 304, or sent the same
    body) — and working-link results reused within their validity."""

    prior_run: int
    pages_carried: int
    revalidated: int
    link_checks_carried: int


LINK_RULES = ("exclude", "accept", "slow_host")  # each worded as labels' link_rule_<rule>


@dataclass(frozen=True)
class LinkRuleNote:
    """A link rule of the site profile (链接规则, ``links:``) and the links it touched in the
    run: `exclude` (a pattern: targets not fetched, not judged broken), `accept` (a host and
    its statuses: answers not reported as 断链), `slow_host` (a host and its timeout)."""

    rule: str
    subject: str  # the pattern or the host
    links: int
    status: str = ""  # accept: "403, 500-599"
    timeout: str = ""  # slow_host: seconds, as written ("60", "2.5")


TRAP_KINDS = ("long_url", "deep_path", "repeated_segment", "query_values", "same_page")
TRAP_STAT = "xuncha/traps"  # the crawl's notes of its spider traps, JSON text


@dataclass(frozen=True)
class SpiderTrapNote:
    """A spider trap (爬虫陷阱) the crawl met and stopped (a note of the crawl, not a defect of
    the site): what gave it away (`kind`, worded as labels' trap_<kind>), its URL `pattern`
    (digits masked ``N``, query values left out, repeated folders ``(a)+``), an `example` of a
    link not followed, the pages of the pattern `kept`, and the links `dropped`."""

    kind: str
    pattern: str
    example: str
    kept: int
    dropped: int


CRAWL_NOTES = ("invalid_bytes", "truncated")  # each worded as labels' crawl_note_<kind>
CRAWL_NOTE_STAT = "xuncha/crawl_notes/"  # `<kind>`: pages counted; `<kind>/example`: the first


@dataclass(frozen=True)
class CrawlNote:
    """Pages the crawl could read only in part (a note of the crawl, not a defect of the
    site): `invalid_bytes`, bytes their encoding does not allow (replaced, the rest checked);
    `truncated`, markup nested past the parser's limit (what lies deeper not read)."""

    kind: str
    pages: int
    example: str = ""  # the first such page


ACT_FIRST_ITEMS = 5  # high-severity findings named per unit on the first screen
TO_FIX = ("open", "reopened")  # the statuses someone must still act on


@dataclass(frozen=True)
class TodoItem:
    """One high-severity finding named on the first screen."""

    id: str
    title: str
    url: str
    deadline: str | None
    overdue: bool


@dataclass(frozen=True)
class UnitTodo:
    """A 责任单位's high-severity findings still to fix (先处理): how many, how many past their
    deadline, the nearest deadline, and the first few by deadline."""

    unit: str | None
    high: int
    overdue: int
    next_deadline: str | None
    items: list[TodoItem]


@dataclass(frozen=True)
class RunReport:
    """Everything the run report (检测报告) shows; built by :func:`build_run_report`."""

    lang: str
    site_name: str
    start_url: str
    run_id: int
    as_of: str
    started_at: str
    finished_at: str | None
    status: str
    complete: bool
    message: str | None
    pages: int
    links_checked: int
    findings: Sequence[ReportFinding]  # a list, or MadeOnRead from the run's store rows
    counts_by_check: list[tuple[str, str, int]] = field(default_factory=list)
    score: dict[str, Any] | None = None
    not_yet_due: list[dict[str, Any]] = field(default_factory=list)
    changes: Changes | None = None
    counts_by_column: list[CountRow] = field(default_factory=list)
    counts_by_unit: list[CountRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    availability: Availability | None = None
    pruned_on: str | None = None  # the day retention (保留) removed the run's crawl rows
    incremental: Incremental | None = None  # 增量巡查: what was carried from an earlier run
    link_rules: list[LinkRuleNote] = field(default_factory=list)  # the profile's links: rules
    spider_traps: list[SpiderTrapNote] = field(default_factory=list)  # 爬虫陷阱 stopped
    crawl_notes: list[CrawlNote] = field(default_factory=list)  # pages read only in part
    act_first: list[UnitTodo] = field(default_factory=list)  # 先处理, by unit

    @property
    def check_counts(self) -> dict[str, int]:
        """Findings per check, for the headings of the findings' groups."""
        return {check: n for check, _name, n in self.counts_by_check}

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        """The filter's statuses: every status a finding can have, named in the language."""
        return [(key, label(STATUS_LABELS, key, self.lang)) for key in STATUS_LABELS]


# -- what the caller reads from the store ------------------------------------------------------


@dataclass(frozen=True)
class ProbeWindow:
    """The home-page probes (``xuncha probe``) of the window that ends with the run."""

    since: datetime
    until: datetime
    tries: int
    failures: int


@dataclass(frozen=True)
class FindingChanges:
    """What the run changed, each kind in the report's order; the previous ended run."""

    previous_run: int | None = None
    previous_as_of: date | None = None
    opened: Sequence[StoredFinding] = ()
    fixed: Sequence[StoredFinding] = ()
    reopened: Sequence[StoredFinding] = ()


@dataclass(frozen=True)
class RunReportData:
    """One run as the store holds it. ``findings`` are those whose last run it is, in the
    report's order (a sequence read as it is iterated); ``columns_of_pages`` maps a crawled
    page to its column's name, None once retention removed the run's pages; ``scoring`` is the
    run's own (from the profile it ran with); ``upcoming`` the statutory items not yet due."""

    site: StoredSite
    run: StoredRun
    findings: Sequence[StoredFinding]
    changes: FindingChanges
    trend: list[TrendPoint]
    probes: ProbeWindow
    scoring: ScoringConfig
    columns_of_pages: Mapping[str, str] | None
    upcoming: list[dict[str, Any]] = field(default_factory=list)
    zone: ZoneInfo = field(default_factory=lambda: times.zone(None))  # the site's
    page_titles: Mapping[str, str] = field(default_factory=dict)  # of the findings' pages


# -- building ----------------------------------------------------------------------------------


def build_run_report(data: RunReportData, lang: str = "zh") -> RunReport:
    """The run report of ``data.run``. Its findings are made as they are read: the rows stay
    the caller's (and must stay readable until the report is written)."""
    run, rows = data.run, data.findings
    columns = data.columns_of_pages
    by_check, by_column, by_unit = Counter[str](), Counter[str | None](), Counter[str | None]()
    todo = _ActFirst(run.as_of, lang)
    for row in rows:  # one pass: the rows are read, not held
        by_check[row.check] += 1
        by_column[_column_of(row, columns or {})] += 1
        by_unit[row.unit] += 1
        todo.add(row)
    return RunReport(
        lang=lang,
        site_name=data.site.name,
        start_url=data.site.start_url,
        run_id=run.id,
        as_of=run.as_of.isoformat(),
        started_at=times.local_minute(run.started_at, data.zone) or "",
        finished_at=times.local_minute(run.finished_at, data.zone),
        status=run.status,
        complete=bool(run.complete),
        message=run.message,
        pages=run.pages or 0,
        links_checked=run.links_checked or 0,
        findings=MadeOnRead(rows, partial(report_finding, lang=lang, titles=data.page_titles)),
        counts_by_check=[(c, check_name(c, lang), n) for c, n in by_check.most_common()],
        score=run.score,
        not_yet_due=list(data.upcoming),
        changes=_changes(data.changes, run.id, lang),
        # A pruned run (保留) has no pages left to say which column a finding's page belongs
        # to: it gets no column counts (and a notice) rather than everything in "none".
        counts_by_column=[] if columns is None else _count_rows(by_column),
        counts_by_unit=_count_rows(by_unit),
        trend=data.trend,
        availability=availability(data.probes, data.scoring, data.zone),
        pruned_on=run.pruned_at.date().isoformat() if run.pruned_at else None,
        incremental=_incremental(run),
        link_rules=link_rule_notes(run),
        spider_traps=spider_trap_notes(run.stats or {}),
        crawl_notes=crawl_notes(run.stats or {}),
        act_first=todo.units(),
    )


class _ActFirst:
    """The first screen's 先处理, gathered in the report's one pass over the findings: per unit,
    the high-severity findings still to fix, holding at most :data:`ACT_FIRST_ITEMS` of each."""

    def __init__(self, as_of: date, lang: str) -> None:
        self.as_of, self.lang = as_of, lang
        self.high = Counter[str | None]()
        self.overdue = Counter[str | None]()
        self.soonest: dict[str | None, list[tuple[date, str, StoredFinding]]] = {}

    def add(self, row: StoredFinding) -> None:
        if row.severity != "high" or row.status not in TO_FIX:
            return
        self.high[row.unit] += 1
        if row.deadline is not None and row.deadline < self.as_of:
            self.overdue[row.unit] += 1
        kept = self.soonest.setdefault(row.unit, [])
        kept.append((row.deadline or date.max, row.fingerprint, row))
        kept.sort(key=lambda entry: entry[:2])
        del kept[ACT_FIRST_ITEMS:]

    def units(self) -> list[UnitTodo]:
        """Units with an overdue finding first, then by how many; no unit last."""
        order = sorted(
            self.high, key=lambda u: (u is None, -self.overdue[u], -self.high[u], u or "")
        )
        return [
            UnitTodo(
                unit=unit,
                high=self.high[unit],
                overdue=self.overdue[unit],
                next_deadline=_day(self.soonest[unit][0][2].deadline),
                items=[self._item(row) for _, _, row in self.soonest[unit]],
            )
            for unit in order
        ]

    def _item(self, row: StoredFinding) -> TodoItem:
        return TodoItem(
            id=row.fingerprint,
            title=messages.title(row.check, row.subtype, row.evidence or {}, self.lang),
            url=row.url,
            deadline=_day(row.deadline),
            overdue=row.deadline is not None and row.deadline < self.as_of,
        )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def report_finding(
    row: StoredFinding, lang: str, titles: Mapping[str, str] | None = None
) -> ReportFinding:
    """One row of the report; `titles` names the pages the crawl read (URL → title)."""
    item = finding_document(row, lang)
    return ReportFinding(
        id=item["id"],
        check=item["check"],
        subtype=item["subtype"],
        severity=item["severity"],
        title=item["title"],
        detail=item["detail"],
        url=item["url"],
        page=item["page"],
        pages=item["pages"],
        column=item["column"],
        status=item["status"],
        first_seen=item["first_seen"],
        deadline=item["deadline"],
        unit=row.unit,
        status_label=label(STATUS_LABELS, row.status, lang),
        how_to_fix=messages.how_to_fix(row.check, lang, row.subtype),
        evidence=evidence_lines(row.evidence or {}, lang),
        page_title=(titles or {}).get(row.page) if row.page else None,
    )


def evidence_lines(evidence: dict[str, Any], lang: str = "zh") -> list[tuple[str, str]]:
    """The evidence as (label, text) pairs in the report's language: codes named, yes/no for
    flags, lists joined, mappings as `key：value`, long values cut. Keys that help no reader
    act (:data:`EVIDENCE_HIDDEN`), the other language's twin of a key and the network library's
    message for a failure its code names (:data:`SAID_BY_CODE`) are left out."""
    lines = []
    for key, value in evidence.items():
        if (
            value in (None, "", [], {})
            or key in EVIDENCE_HIDDEN
            or _other_twin(key, evidence, lang)
            or (key == "error_detail" and evidence.get("error") in SAID_BY_CODE)
        ):
            continue
        text = _evidence_text(key, value, lang)
        if len(text) > EVIDENCE_TEXT_LIMIT:
            text = text[:EVIDENCE_TEXT_LIMIT] + "…"
        lines.append((messages.evidence_label(key.removesuffix(ENGLISH_TWIN), lang), text))
    return lines


def _other_twin(key: str, evidence: dict[str, Any], lang: str) -> bool:
    """`reason_en` in a Chinese report, `reason` in an English one that has `reason_en`."""
    if key.endswith(ENGLISH_TWIN):
        return lang != "en"
    return lang == "en" and evidence.get(key + ENGLISH_TWIN) not in (None, "", [])


def _evidence_text(key: str, value: Any, lang: str) -> str:
    named = messages.evidence_value(key, value, lang)
    if named is not None:
        return named
    if key == "redirects" and isinstance(value, list | tuple):
        hops = list(dict.fromkeys(str(hop) for hop in value))  # a loop's hops once each
        return " → ".join(hops[:6]) + (" → …" if len(hops) > 6 else "")
    joiner = ", " if lang == "en" else "、"
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, list | tuple):
        shown = [_item_text(v, lang) for v in value[:10]]
        return joiner.join(shown) + ("…" if len(value) > 10 else "")
    if isinstance(value, dict):
        return _item_text(value, lang)
    return str(value)


def _item_text(value: Any, lang: str) -> str:
    """One element of a list, or a mapping: `key：value` pairs with the keys named."""
    if not isinstance(value, dict):
        return str(value)
    colon, joiner = (": ", ", ") if lang == "en" else ("：", "，")
    return joiner.join(
        f"{messages.evidence_label(str(k), lang)}{colon}{v}"
        if str(k) in messages.EVIDENCE_LABELS
        else f"{k}{colon}{v}"
        for k, v in value.items()
        if v not in (None, "", [])
    )


def availability(
    window: ProbeWindow, scoring: ScoringConfig, where: ZoneInfo | None = None
) -> Availability:
    """The window's probes against the 站点无法访问 line, judged as the check judges them;
    its ends in the site's zone (`where`)."""
    verdict = judge_availability(window.tries, window.failures, scoring)
    days = scoring.availability_days
    where = where or times.zone(None)
    return Availability(
        since=times.local_minute(window.since, where) or "",
        until=times.local_minute(window.until, where) or "",
        tries=window.tries,
        failures=window.failures,
        failure_pct=round(verdict.percent, 1) if verdict.percent is not None else None,
        threshold_pct=scoring.availability_veto_percent,
        crossed=verdict.crossed,
        expected_tries=verdict.standard_tries,
        per_day=verdict.standard_tries // days,
    )


def _incremental(run: StoredRun) -> Incremental | None:
    """What an incremental night (增量巡查) carried forward, as the runner recorded it."""
    stats = run.stats or {}
    carried = stats.get("incremental")
    if not isinstance(carried, dict) or carried.get("prior_run") is None:
        return None
    revalidated = int(stats.get("xuncha/incremental/unchanged", 0))
    return Incremental(
        prior_run=int(carried["prior_run"]),
        pages_carried=int(carried.get("pages", 0)) + revalidated,
        revalidated=revalidated,
        link_checks_carried=int(carried.get("link_checks", 0)),
    )


def link_rule_notes(run: StoredRun) -> list[LinkRuleNote]:
    """The profile's link rules as the run counted them (``stats["link_rules"]``, written by
    the checks' ``link_rule_counts``), in the profile's order; none for a run without rules."""
    notes = []
    for entry in (run.stats or {}).get("link_rules") or []:
        rule = str(entry.get("rule"))
        if rule not in LINK_RULES:
            continue  # a kind of rule this version has no words for
        timeout = entry.get("timeout")
        notes.append(
            LinkRuleNote(
                rule=rule,
                subject=str(entry.get("pattern") if rule == "exclude" else entry.get("host")),
                links=int(entry.get("links", 0)),
                status=", ".join(str(s) for s in entry.get("status") or ()),
                timeout=f"{timeout:g}" if isinstance(timeout, int | float) else "",
            )
        )
    return notes


def spider_trap_notes(stats: Mapping[str, Any]) -> list[SpiderTrapNote]:
    """The spider traps the crawl stopped, as it noted them in its stats (``xuncha/traps``);
    a kind this version has no words for, or a note it cannot read, is left out."""
    try:
        entries = json.loads(stats.get(TRAP_STAT) or "[]")
    except (TypeError, ValueError):
        return []
    notes = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in TRAP_KINDS:
            continue
        notes.append(
            SpiderTrapNote(
                kind=str(entry["kind"]),
                pattern=str(entry.get("pattern", "")),
                example=str(entry.get("example", "")),
                kept=int(entry.get("kept") or 0),
                dropped=int(entry.get("dropped") or 0),
            )
        )
    return notes


def crawl_notes(stats: Mapping[str, Any]) -> list[CrawlNote]:
    """The pages the crawl read only in part, by kind, as its stats counted them."""
    notes = []
    for kind in CRAWL_NOTES:
        pages = stats.get(CRAWL_NOTE_STAT + kind)
        if isinstance(pages, int) and pages > 0:
            example = stats.get(f"{CRAWL_NOTE_STAT}{kind}/example")
            notes.append(CrawlNote(kind, pages, example if isinstance(example, str) else ""))
    return notes


def _column_of(row: StoredFinding, columns: Mapping[str, str]) -> str | None:
    """The finding's column, else — for a defect on a page — that of the page it was seen on
    (a broken link in an article of 通知公告 counts for 通知公告); None for site-wide findings."""
    if row.column:
        return row.column
    if row.check not in PAGE_CHECKS:
        return None
    for page in (row.page, *(row.pages or ())):
        if page and (page in columns or page.rstrip("/") in columns):
            return columns.get(page) or columns[page.rstrip("/")]
    return None


def _count_rows(counter: Counter[str | None]) -> list[CountRow]:
    """Most first; the row of "none" (no column, no unit) last."""
    named = sorted(((k, n) for k, n in counter.items() if k), key=lambda kn: (-kn[1], kn[0]))
    rows = [CountRow(key, key, n) for key, n in named]
    if counter.get(None):
        rows.append(CountRow(None, None, counter[None]))
    return rows


def _changes(found: FindingChanges, run_id: int, lang: str) -> Changes:
    def item(f: StoredFinding) -> ChangeItem:
        return ChangeItem(
            id=f.fingerprint,
            check_name=check_name(f.check, lang),
            title=messages.title(f.check, f.subtype, f.evidence or {}, lang),
            url=f.url,
            in_this_run=f.last_run_id == run_id,  # listed in this report
        )

    def items(findings: Sequence[StoredFinding]) -> MadeOnRead[ChangeItem]:
        return MadeOnRead(findings, item)

    return Changes(
        previous_run=found.previous_run,
        previous_as_of=found.previous_as_of.isoformat() if found.previous_as_of else None,
        opened=items(found.opened),
        fixed=items(found.fixed),
        reopened=items(found.reopened),
    )


# -- writing -----------------------------------------------------------------------------------


def render_run_report(report: RunReport) -> str:
    return render(TEMPLATE, report, report.lang)


def write_run_report(report: RunReport, path: Path) -> Path:
    """Written as it renders (the same text as :func:`render_run_report`): the report of a
    run with tens of thousands of findings never becomes one string."""
    return stream_html(TEMPLATE, report, report.lang, path)
