"""回头看 on a hand-built history of four runs (see report_world.py), on SQLite and
PostgreSQL: each finding's outcome, the unit × outcome counts, the history, HTML and JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from lxml.html import HtmlElement
from report_world import (
    ALL,
    DISCLOSURE,
    JUDGED,
    OFFICE,
    OUTCOMES,
    SINCE,
    UNTIL,
    build,
)

from reports.labels import OUTCOME_KEYS
from reports.lookback import render_lookback
from xuncha.cli import cli
from xuncha.run.outputs import lookback as build_lookback
from xuncha.store import Store
from xuncha.tracking import fingerprint

# unit → {outcome: count}; every other outcome is 0.
EXPECTED_UNITS = {
    OFFICE: {"fixed_on_time": 1, "fixed_late": 1, "false_positive": 1},
    DISCLOSURE: {"open_overdue": 1, "reopened": 1, "open": 1},
    None: {"waived": 1},
}


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    build(store)
    yield store
    store.dispose()


def _lookback(store, **kwargs):
    with store.session() as session:
        return build_lookback(session, SINCE, UNTIL, JUDGED, **kwargs)


def test_every_finding_first_seen_in_the_period_has_its_outcome(store):
    report = _lookback(store)
    by_id = {f.id: f for f in report.findings}
    expected = {fingerprint(ALL[name]): outcome for name, outcome in OUTCOMES.items()}
    assert {fid: f.outcome for fid, f in by_id.items()} == expected  # H is before the period
    assert by_id[fingerprint(ALL["A"])].fixed_on == "2026-11-09"
    assert by_id[fingerprint(ALL["B"])].fixed_on == "2026-11-20"
    assert by_id[fingerprint(ALL["B"])].deadline == "2026-11-16"
    assert by_id[fingerprint(ALL["G"])].deadline == "2026-12-04"
    assert by_id[fingerprint(ALL["C"])].person == "张三"


def test_counts_per_unit_and_outcome(store):
    report = _lookback(store)
    table = {row.unit: row.counts for row in report.units}
    assert list(table) == [OFFICE, DISCLOSURE, None]  # by name, no unit last
    for unit, counts in EXPECTED_UNITS.items():
        assert table[unit] == {key: counts.get(key, 0) for key in OUTCOME_KEYS}, unit
    assert [row.total for row in report.units] == [3, 3, 1]
    assert report.totals.total == 7 and sum(report.totals.counts.values()) == 7


@pytest.mark.parametrize(
    ("judged", "c_outcome"),
    [("2026-11-16", "open"), ("2026-11-17", "open_overdue")],
    ids=["on-the-deadline", "a-day-after"],
)
def test_overdue_means_a_deadline_before_the_judging_day(store, judged, c_outcome):
    with store.session() as session:
        report = build_lookback(session, SINCE, UNTIL, date.fromisoformat(judged))
    outcome = {f.id: f.outcome for f in report.findings}[fingerprint(ALL["C"])]
    assert outcome == c_outcome


def test_each_finding_carries_its_history(store):
    report = _lookback(store)
    d = {f.id: f for f in report.findings}[fingerprint(ALL["D"])]
    assert [(e.day, e.action) for e in d.history] == [
        ("2026-11-02", "发现"),
        ("2026-11-09", "复查已整改"),
        ("2026-11-20", "重新打开"),
    ]
    assert d.history[1].status == "待整改 → 已整改" and d.history[1].by.startswith("检测 #")
    e = {f.id: f for f in report.findings}[fingerprint(ALL["E"])]
    assert e.history[-1].by == "李四" and e.history[-1].reason == "依法不予公开"


def test_the_html_shows_the_table_and_the_histories(store):
    page: HtmlElement = lxml_html.fromstring(render_lookback(_lookback(store)))
    cells = {}
    for row in page.xpath("//table[@id='outcomes']/tbody/tr"):
        for cell in row.xpath("td[@data-outcome]"):
            cells[(row.get("data-unit"), cell.get("data-outcome"))] = int(cell.text_content())
    assert cells[(OFFICE, "fixed_on_time")] == 1 and cells[(OFFICE, "open")] == 0
    assert cells[(DISCLOSURE, "open_overdue")] == 1 and cells[("", "waived")] == 1
    assert cells[("*", "total")] == 7 and cells[(DISCLOSURE, "total")] == 3
    rows = page.xpath("//table[@class='lookback-findings']/tbody/tr")
    assert len(rows) == 7
    d_row = page.get_element_by_id(fingerprint(ALL["D"]))
    assert d_row.get("data-outcome") == "reopened"
    assert len(d_row.xpath(".//ol[@class='history']/li")) == 3
    assert page.get_element_by_id("period").text_content() == "2026-11-01 — 2026-11-30"


def test_cli_json_and_html_in_english(store, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["lookback", "--db", store.url, "--since", "2026-11-01",
                                 "--until", "2026-11-30", "--as-of", "2026-11-25",
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "xuncha.lookback/1"
    units = {row["unit"]: row["counts"] for row in document["units"]}
    assert units[OFFICE]["fixed_late"] == 1 and units[None]["waived"] == 1
    assert document["totals"]["total"] == 7
    assert {f["outcome"] for f in document["findings"]} == set(OUTCOMES.values())
    out = tmp_path / "lookback.html"
    result = runner.invoke(cli, ["lookback", "--db", store.url, "--since", "2026-11-01",
                                 "--until", "2026-11-30", "--as-of", "2026-11-25",
                                 "--out", str(out), "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    page: HtmlElement = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    headers = [th.text_content() for th in page.xpath("//table[@id='outcomes']/thead/tr/th")]
    assert headers[:3] == ["Responsible unit", "fixed on time", "fixed late"]
    assert page.get("lang") == "en"


@pytest.mark.parametrize(
    ("args", "total"),
    [
        (["--since", "2026-10-01", "--until", "2026-10-31"], 1),  # only H
        (["--since", "2026-11-20", "--until", "2026-11-20"], 1),  # only G
        (["--since", "2026-12-01", "--until", "2026-12-31"], 0),
    ],
    ids=["october", "one-day", "empty"],
)
def test_the_period_bounds_are_inclusive(store, args, total):
    result = CliRunner().invoke(cli, ["lookback", "--db", store.url, *args, "--as-of",
                                      "2026-11-25", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["total"] == total


def test_a_bad_period_is_refused(store):
    result = CliRunner().invoke(cli, ["lookback", "--db", store.url, "--since", "2026-12-01",
                                      "--until", "2026-11-01"])  # fmt: skip
    assert result.exit_code == 2 and "after --until" in result.output
