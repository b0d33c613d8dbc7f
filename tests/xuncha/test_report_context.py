"""The run report's context built from the store (report_world.py's four runs), on SQLite and
PostgreSQL: what changed since the last run, counts by check, column and unit, the trend of
open findings replayed from the history, the week's availability from the probes, and the
rendered page in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement
from report_world import ALL, DISCLOSURE, OFFICE, TREND, build
from sqlalchemy.orm import Session

from reports.run_report import render_run_report
from xuncha.run.outputs import run_report as build_run_report
from xuncha.store import Probe, Run, Store
from xuncha.tracking import fingerprint


@pytest.fixture
def story(db_url):
    store = Store(db_url)
    world, runs = build(store)
    yield store, world, runs
    for session in _OPEN:  # a report reads its findings through its session until rendered
        session.close()
    _OPEN.clear()
    store.dispose()


_OPEN: list[Session] = []


def _report(store, run_id, lang="zh", **kwargs):
    session = store.session()
    _OPEN.append(session)
    return build_run_report(session, session.get(Run, run_id), lang, **kwargs)


def _ids(*names: str) -> list[str]:
    return sorted(fingerprint(ALL[n]) for n in names)


def test_changes_since_the_last_run(story):
    store, _, runs = story
    report = _report(store, runs[3])
    changes = report.changes
    assert (changes.previous_run, changes.previous_as_of) == (runs[2], "2026-11-09")
    assert sorted(c.id for c in changes.opened) == _ids("G")
    assert sorted(c.id for c in changes.fixed) == _ids("B")
    assert sorted(c.id for c in changes.reopened) == _ids("D")
    assert [c.in_this_run for c in changes.fixed] == [False]  # B was not raised by run 3
    second = _report(store, runs[2]).changes
    assert sorted(c.id for c in second.fixed) == _ids("A", "D") and not second.opened
    assert _report(store, runs[0]).changes.previous_run is None


def test_counts_by_check_column_and_unit(story):
    store, _, runs = story
    report = _report(store, runs[3])
    assert sorted(f.id for f in report.findings) == _ids("H", "C", "D", "E", "F", "G")
    assert report.counts_by_check == [("wording_error", "错敏词", 6)]
    assert [(r.name, r.count) for r in report.counts_by_column] == [("通知公告", 1), (None, 5)]
    assert [(r.name, r.count) for r in report.counts_by_unit] == [
        (DISCLOSURE, 3), (OFFICE, 1), (None, 2)]  # fmt: skip


def test_the_trend_replays_the_history(story):
    store, _, runs = story
    report = _report(store, runs[3])
    assert [(p.run_id, p.as_of, p.open) for p in report.trend] == [
        (runs[0], "2026-10-20", 1), (runs[1], "2026-11-02", 7), (runs[2], "2026-11-09", 3),
        (runs[3], "2026-11-20", 4)]  # fmt: skip
    assert [p.open for p in _report(store, runs[3], trend_runs=2).trend] == TREND[2:]
    assert [p.open for p in _report(store, runs[1]).trend] == TREND[:2]  # nothing after run 1


def test_each_finding_has_evidence_and_how_to_fix(story):
    store, _, runs = story
    report = _report(store, runs[3])
    c = next(f for f in report.findings if f.id == fingerprint(ALL["C"]))
    assert ("错误表述", "丙") in c.evidence and ("应为", "丙正") in c.evidence
    assert c.how_to_fix.startswith("立即更正错误表述")
    assert (c.unit, c.status_label, c.deadline) == (DISCLOSURE, "待整改", "2026-11-16")
    english = _report(store, runs[3], "en")
    assert next(f for f in english.findings if f.id == c.id).how_to_fix.startswith("Correct")


def _probe(store, site_id, hours_ago, ok):
    with store.session() as session, session.begin():
        session.add(Probe(site_id=site_id, at=datetime.now(UTC) - timedelta(hours=hours_ago),
                          url="https://jtj.example.gov.cn/", ok=ok, status=200 if ok else None,
                          elapsed=0.2, error=None if ok else "timeout"))  # fmt: skip


@pytest.mark.parametrize(
    ("failures", "tries", "pct", "crossed"),
    [
        (0, 0, None, False),
        (1, 40, 2.5, False),
        (2, 40, 5.0, True),
        (6, 40, 15.0, True),
        (3, 20, 15.0, False),
    ],
    ids=["no-probes", "below-the-line", "on-the-line", "above-the-line", "too-few-tries-to-judge"],
)
def test_the_weeks_availability(story, failures, tries, pct, crossed):
    """Probes of the last 7 days count; an old failure (8 days ago) does not."""
    store, world, runs = story
    for i in range(tries):
        _probe(store, world.site_id, hours_ago=1 + i, ok=i >= failures)
    _probe(store, world.site_id, hours_ago=24 * 8, ok=False)
    with store.session() as session, session.begin():  # the run ends now, after the probes
        session.get(Run, runs[3]).finished_at = datetime.now(UTC)
    availability = _report(store, runs[3]).availability
    assert (availability.tries, availability.failures) == (tries, failures)
    assert (availability.failure_pct, availability.crossed) == (pct, crossed)
    page: HtmlElement = lxml_html.fromstring(render_run_report(_report(store, runs[3])))
    if tries == 0:
        assert "没有可访问性探测记录" in page.get_element_by_id("probe-none").text_content()
    else:
        assert page.get_element_by_id("probe-tries").text_content() == str(tries)
        assert page.get_element_by_id("probe-failure-pct").text_content() == f"{pct:.1f}%"
        verdict = page.get_element_by_id("probe-verdict")
        assert verdict.get("data-crossed") == ("true" if crossed else "false")
        assert ("已达到" in verdict.text_content()) is crossed
        assert page.get_element_by_id("probe-few") is not None  # fewer than 20 a day


def test_the_rendered_report(story):
    store, _, runs = story
    page: HtmlElement = lxml_html.fromstring(render_run_report(_report(store, runs[3])))
    assert [page.get_element_by_id(f"count-{k}").text_content()
            for k in ("opened", "fixed", "reopened")] == ["1", "1", "1"]  # fmt: skip
    points = page.xpath("//*[@id='trend-chart']//*[local-name()='circle']")
    assert [int(p.get("data-value")) for p in points] == TREND
    values = page.xpath("//*[@id='trend-chart']//*[local-name()='text'][@class='value']")
    assert [v.text_content() for v in values] == [str(n) for n in TREND]
    assert page.xpath("//*[@id='trend-chart']/*[local-name()='title']")
    units = {tr.get("data-key"): tr.xpath("td")[1].text_content()
             for tr in page.xpath("//table[@id='counts-by-unit']/tbody/tr")}  # fmt: skip
    assert units == {DISCLOSURE: "3", OFFICE: "1", "": "2"}
    row = page.get_element_by_id(fingerprint(ALL["C"]))
    assert "立即更正错误表述" in row.text_content() and row.get("data-status") == "open"
    assert len(page.xpath("//table[@class='findings']/tbody/tr[@data-check]")) == 6


def test_the_report_in_english(story):
    store, _, runs = story
    page: HtmlElement = lxml_html.fromstring(render_run_report(_report(store, runs[3], "en")))
    text = page.text_content()
    for label in (
        "Since the last run",
        "Open findings over the last runs",
        "Findings by column",
        "Findings by responsible unit",
        "Availability this week",
        "How to fix",
    ):
        assert label in text, label
    assert page.get("lang") == "en"
    assert "与上次检测相比" not in text and "整改建议" not in text


def test_the_line_and_window_follow_the_runs_profile(story):
    """checks.scoring.availability_veto_percent / availability_days, as the run recorded them."""
    store, world, runs = story
    for i in range(40):
        _probe(store, world.site_id, hours_ago=1 + i, ok=i >= 2)  # 2 of 40 failed: 5 %
    _probe(store, world.site_id, hours_ago=24 * 4, ok=False)  # in a week, not in 3 days
    with store.session() as session, session.begin():
        run = session.get(Run, runs[3])
        run.finished_at = datetime.now(UTC)
        run.profile = {"checks": {"scoring": {"availability_veto_percent": 10,
                                              "availability_days": 3}}}  # fmt: skip
    availability = _report(store, runs[3]).availability
    assert (availability.tries, availability.failures, availability.crossed) == (40, 2, False)
    assert (availability.threshold_pct, availability.expected_tries) == (10.0, 60)


def test_the_first_screen_says_what_to_fix_first(story):
    """先处理: per unit, the high-severity findings still to fix (open or reopened; waived and
    误报 left out), those past their deadline, the nearest deadline; overdue units first."""
    store, _, runs = story
    report = _report(store, runs[3])
    units = [(u.unit, u.high, u.overdue) for u in report.act_first]
    assert units == [(DISCLOSURE, 3, 2), (None, 1, 1)]  # C, D overdue, G not yet; H
    disclosure = report.act_first[0]
    assert disclosure.next_deadline == "2026-11-16"
    items = [(i.id, i.overdue) for i in disclosure.items]
    assert sorted(items[:2]) == sorted((fingerprint(ALL[n]), True) for n in ("C", "D"))
    assert items[2] == (fingerprint(ALL["G"]), False)
    page: HtmlElement = lxml_html.fromstring(render_run_report(report))
    rows = page.xpath("//section[@id='act-first']//tbody/tr")
    assert [r.get("data-unit") for r in rows] == [DISCLOSURE, ""]
    assert [a.get("href") for a in rows[0].xpath(".//a")] == [f"#{i}" for i, _ in items]


def test_the_findings_are_grouped_by_check_then_column(story):
    store, _, runs = story
    report = _report(store, runs[3])
    assert [f.column for f in report.findings][:2] == ["通知公告", None]
    page: HtmlElement = lxml_html.fromstring(render_run_report(report))
    [group] = page.xpath("//details[@class='check-group']")
    assert group.get("data-check") == "wording_error" and group.get("open") is not None
    assert "错敏词" in group.xpath("./summary")[0].text_content()
    headers = [th.text_content() for th in group.xpath(".//tr[@data-group='column']/th")]
    assert headers == ["栏目：通知公告"]
