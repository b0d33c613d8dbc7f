"""保留 (retention) on SQLite and PostgreSQL: which runs lose their crawl rows, what always
stays (the runs, the latest complete run's rows, findings and their history), `xuncha prune`,
the profile setting, what a reader of a pruned run says, and the pruning at the end of a run.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from lxml.html import HtmlElement
from nightly_sites import serve
from sqlalchemy import func, select

from reports.run_report import render_run_report
from xuncha.cli import cli, main
from xuncha.errors import ProfileError, StoreError
from xuncha.profile import Profile, load_profile
from xuncha.run.outputs import run_report as build_run_report
from xuncha.run.outputs import upcoming_items
from xuncha.store import (
    Base,
    Certificate,
    Column,
    Finding,
    FindingEvent,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Run,
    Site,
    SiteSearch,
    Store,
    retention,
)
from xuncha.store.models import CRAWL_MODELS, table_of
from xuncha.store.retention import (
    TABLE_WORDS,
    RunPrunedError,
    prune_site,
    runs_to_prune,
    site_keep,
)
from xuncha.store.snapshot import load_crawl

T0 = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
ROOT = "https://jtj.example.gov.cn/"
OTHER = "https://other.example.gov.cn/"
# Rows one seeded run has in each crawl table.
PER_RUN = {"pages": 2, "page_texts": 1, "columns": 1, "list_items": 2, "links": 4,
           "link_checks": 2, "certificates": 1, "site_searches": 1}  # fmt: skip
# A night's outcome, one letter a run: C finished and complete, P finished but partial (page
# limit), F failed, I interrupted, R still running.
STATES = {
    "C": ("finished", True),
    "P": ("finished", False),
    "F": ("failed", False),
    "I": ("interrupted", False),
    "R": ("running", False),
}


def _score(points: float) -> dict:
    """A run's score as checks/scoring.py stores it."""
    return {"verdict": "合格", "points": points, "vetoes": [], "veto_reasons": [],
            "deductions": [], "warnings": [],
            "model": {"zh": "扣分模型", "en": "model"}}  # fmt: skip


def _add_site(store: Store, name: str, url: str) -> int:
    with store.session() as s, s.begin():
        site = Site(key=url.rstrip("/"), name=name, start_url=url)
        s.add(site)
        s.flush()
        return site.id


def _crawl_rows(run_id: int, links: int = PER_RUN["links"]) -> dict[type[Base], list[dict]]:
    page = f"{ROOT}r{run_id}/"
    return {
        Page: [dict(run_id=run_id, url=f"{page}{i}.html", role="article", status=200,
                    fetched_at=T0, column_url=f"{ROOT}tzgg/") for i in range(2)],
        PageText: [dict(run_id=run_id, url=f"{page}0.html", format="html", text="正文")],
        Column: [dict(run_id=run_id, url=f"{ROOT}tzgg/", name="通知公告", source="navigation")],
        ListItem: [dict(run_id=run_id, column_url=f"{ROOT}tzgg/", list_page=f"{ROOT}tzgg/",
                        url=f"{page}{i}.html", title=f"通知{i}") for i in range(2)],
        LinkOccurrence: [dict(run_id=run_id, page=f"{page}0.html", target=f"{ROOT}f{i}.pdf",
                              raw=f"f{i}.pdf", tag="a", attr="href", kind="page")
                         for i in range(links)],
        LinkCheck: [dict(run_id=run_id, target=f"{ROOT}f{i}.pdf", status=200, checked_at=T0)
                    for i in range(2)],
        Certificate: [dict(run_id=run_id, host="jtj.example.gov.cn", port=443, trusted=True,
                           hostname_ok=True)],
        SiteSearch: [dict(run_id=run_id, form_found=True)],
    }  # fmt: skip


def _add_runs(store: Store, site_id: int, nights: str, profile: dict | None = None) -> list[int]:
    """One run per letter of `nights` (see STATES), oldest first, each with crawl rows, and a
    finding first seen in the first run and seen again in the last, with an event per run."""
    ids = []
    with store.session() as s, s.begin():
        for n, letter in enumerate(nights):
            status, complete = STATES[letter]
            run = Run(site_id=site_id, started_at=T0 + timedelta(days=n),
                      as_of=date(2026, 11, 1) + timedelta(days=n), status=status,
                      complete=complete, pages=2, links_checked=2, profile=profile or {},
                      stats={"night": n},
                      score=_score(90 + n) if complete else None)  # fmt: skip
            s.add(run)
            s.flush()
            ids.append(run.id)
            for model, rows in _crawl_rows(run.id).items():
                s.execute(table_of(model).insert(), rows)
        finding = Finding(site_id=site_id, fingerprint=f"bl-{ids[0]:016x}", check="broken_link",
                          subtype="http_404", severity="high", url=f"{ROOT}f0.pdf", pages=[ROOT],
                          title="t", detail="d", evidence={"status": 404}, status="open",
                          first_seen=date(2026, 11, 1), last_seen=date(2026, 11, 1),
                          first_run_id=ids[0], last_run_id=ids[-1])  # fmt: skip
        s.add(finding)
        s.flush()
        for run_id in ids:
            s.add(FindingEvent(finding_id=finding.id, at=T0, run_id=run_id, action="changed"))
    return ids


def _rows_of(store: Store, run_id: int) -> dict[str, int]:
    with store.session() as s:
        return {
            table.name: s.execute(
                select(func.count()).select_from(table).where(table.c.run_id == run_id)
            ).scalar_one()
            for table in map(table_of, CRAWL_MODELS)
        }


def _site_history(store: Store) -> list[tuple]:
    """Everything that must survive any prune: runs with their score, findings, events."""
    with store.session() as s:
        runs = s.execute(select(Run.id, Run.status, Run.score, Run.stats).order_by(Run.id)).all()
        findings = s.execute(select(Finding.id, Finding.first_run_id, Finding.last_run_id)).all()
        events = s.execute(select(FindingEvent.id, FindingEvent.run_id)).all()
    return [tuple(runs), tuple(findings), tuple(events)]


@pytest.mark.parametrize(
    ("nights", "keep", "pruned"),
    [
        ("CCCCCCC", 5, [1, 2]),
        ("CCC", 5, []),
        ("CCCC", 2, [1, 2]),
        ("CFFFF", 2, [2, 3]),  # 4 failed nights: the last complete run (#1) keeps its rows
        ("CCCIF", 2, [1, 2]),  # #3 is the latest complete run, #4 and #5 the newest
        ("CPPP", 2, [2]),  # a partial crawl (page limit) is no baseline
        ("CCCR", 2, [1]),  # the running run is not counted and never touched
    ],
    ids=["keep-5-of-7", "fewer-than-keep", "keep-2", "failed-nights-keep-the-baseline",
         "interrupted-then-failed", "partial-is-no-baseline", "running-is-left-alone"],
)  # fmt: skip
def test_prune_keeps_the_newest_runs_and_the_latest_complete_run(store, nights, keep, pruned):
    site = _add_site(store, "辽源市交通运输局", ROOT)
    ids = _add_runs(store, site, nights)
    other = _add_runs(store, _add_site(store, "另一局", OTHER), "CCCC")
    before = _site_history(store)

    result = prune_site(store, site, keep)

    expected = [ids[n - 1] for n in pruned]
    assert result.run_ids == expected
    assert result.rows == Counter({t: n * len(expected) for t, n in PER_RUN.items() if expected})
    for run_id in ids + other:
        assert _rows_of(store, run_id) == (
            dict.fromkeys(PER_RUN, 0) if run_id in expected else PER_RUN
        )
    with store.session() as s:
        stamped = s.scalars(select(Run.id).where(Run.pruned_at.is_not(None)).order_by(Run.id))
        assert list(stamped) == expected
    assert _site_history(store) == before  # runs, scores, findings, events: all still there
    assert prune_site(store, site, keep).run_ids == []  # a second prune has nothing to do


def test_big_runs_are_deleted_in_chunks(store, monkeypatch):
    """Each chunk is its own transaction; the loop goes on until the run has no row left."""
    monkeypatch.setattr(retention, "DELETE_CHUNK", 3)
    site = _add_site(store, "辽源市交通运输局", ROOT)
    ids = _add_runs(store, site, "CCC")
    with store.session() as s, s.begin():
        s.execute(table_of(LinkOccurrence).insert(), _crawl_rows(ids[0], links=10)[LinkOccurrence])
    result = prune_site(store, site, 2)
    assert result.run_ids == [ids[0]]
    assert result.rows["links"] == PER_RUN["links"] + 10
    assert _rows_of(store, ids[0])["links"] == 0
    assert _rows_of(store, ids[1]) == PER_RUN


def test_every_table_of_run_rows_is_pruned_or_kept_on_purpose():
    """A new table keyed by run must be added to CRAWL_MODELS (or to the site's tables here):
    the crawl tables are exactly those whose rows die with their run (ON DELETE CASCADE)."""
    by_run = {
        table.name: fk.ondelete
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "runs"
    }
    crawl = {model.__tablename__ for model in CRAWL_MODELS}
    assert {name for name, ondelete in by_run.items() if ondelete == "CASCADE"} == crawl
    # Kept with the site: its findings and their history, the run lock, and the digests sent
    # to its units (整改通知: what was told to whom stays as long as the findings do).
    assert set(by_run) - crawl == {"findings", "finding_events", "run_locks", "notice_deliveries"}


@pytest.mark.parametrize("keep", [0, 1])
def test_fewer_than_two_runs_is_refused(store, keep):
    site = _add_site(store, "辽源市交通运输局", ROOT)
    _add_runs(store, site, "CCC")
    with store.session() as s, pytest.raises(ValueError, match="at least 2"):
        runs_to_prune(s, site, keep)


@pytest.mark.parametrize(
    ("stored", "keep"),
    [({"retention": {"runs": 3}}, 3), ({}, 5), ({"retention": {"runs": 1}}, 5),
     ({"retention": {"runs": True}}, 5), ({"retention": None}, 5)],
    ids=["set", "unset", "below-minimum", "not-a-number", "null"],
)  # fmt: skip
def test_a_site_keeps_what_its_latest_profile_said(store, stored, keep):
    site = _add_site(store, "辽源市交通运输局", ROOT)
    _add_runs(store, site, "C", profile={"retention": {"runs": 9}})
    _add_runs(store, site, "C", profile=stored)
    with store.session() as s:
        assert site_keep(s, site) == keep


@pytest.mark.parametrize(
    ("text", "runs", "error"),
    [
        ("", 5, None),
        ("retention:\n  runs: 3\n", 3, None),
        ("retention:\n  runs: 1\n", None,
         "site.yaml:3: retention.runs: Input should be greater than or equal to 2"),
        ("retention:\n  keep: 3\n", None, "site.yaml:3: retention.keep: unknown key"),
    ],
    ids=["default", "three", "one-is-too-few", "unknown-key"],
)  # fmt: skip
def test_the_profile_setting(tmp_path, text, runs, error):
    path = tmp_path / "site.yaml"
    path.write_text(f"start_urls: [{ROOT}]\n{text}", encoding="utf-8")
    if error is None:
        assert load_profile(path).retention.runs == runs
        return
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    assert str(raised.value).startswith(str(tmp_path / error))


# --- readers of a pruned run -------------------------------------------------------------


@pytest.fixture
def pruned(store):
    """A site with three complete runs, the first one pruned (keep 2)."""
    site = _add_site(store, "辽源市交通运输局", ROOT)
    ids = _add_runs(store, site, "CCC")
    assert prune_site(store, site, 2).run_ids == [ids[0]]
    return ids


def test_loading_a_pruned_crawl_says_it_was_pruned(store, pruned):
    today = datetime.now(UTC).date().isoformat()
    with store.session() as s:
        with pytest.raises(RunPrunedError) as raised:
            load_crawl(s, s.get_one(Run, pruned[0]), Profile(start_urls=[ROOT]))
        assert isinstance(raised.value, StoreError)  # the CLI prints it as one line
        assert str(raised.value) == (
            f"检测 #{pruned[0]}（2026-11-01）的抓取明细已于 {today} 按保留设置清理，无法再读取"
            "页面和链接；问题、评分和整改记录仍完整保留（见 xuncha findings）"
        )
        kept = load_crawl(s, s.get_one(Run, pruned[1]), Profile(start_urls=[ROOT]))
        assert len(kept.pages) == PER_RUN["pages"]
        assert sum(1 for _ in kept.links) == PER_RUN["links"]  # streamed: counted by reading


@pytest.mark.parametrize(
    ("lang", "notice"),
    [("zh", "本次检测的抓取明细（页面、链接、栏目等）已于 {day} 按保留设置清理"),
     ("en", "This run's crawl details (pages, links, columns…) were pruned on {day}")],
    ids=["zh", "en"],
)  # fmt: skip
def test_the_report_of_a_pruned_run_says_so(store, pruned, lang, notice):
    today = datetime.now(UTC).date().isoformat()
    with store.session() as s:
        old = s.get_one(Run, pruned[0])
        report = build_run_report(s, old, lang)
        assert report.pruned_on == today
        assert report.counts_by_column == []  # no pages left to place the findings
        assert (report.pages, report.links_checked, report.score) == (2, 2, _score(90))
        assert upcoming_items(s, old) == []  # not recomputed from an empty crawl
        page: HtmlElement = lxml_html.fromstring(render_run_report(report))
        newest: HtmlElement = lxml_html.fromstring(
            render_run_report(build_run_report(s, s.get_one(Run, pruned[-1]), lang))
        )
    assert page.get_element_by_id("run-pruned").text_content().startswith(notice.format(day=today))
    assert newest.xpath('//*[@id="run-pruned"]') == []
    assert page.xpath('//*[@id="counts-by-column"]') == []


# --- xuncha prune ------------------------------------------------------------------------


@pytest.fixture
def two_sites(db_url):
    store = Store(db_url)
    _add_runs(store, _add_site(store, "辽源市交通运输局", ROOT), "CCCCCF",
              profile={"retention": {"runs": 3}})  # fmt: skip
    _add_runs(store, _add_site(store, "另一局", OTHER), "CCCC")
    store.dispose()
    return db_url


def _lines(table: dict[str, int], runs: int) -> str:
    words = "、".join(f"{word} {table[name] * runs} 行" for name, word in TABLE_WORDS.items())
    return f"{words}，共 {sum(table.values()) * runs} 行。"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--keep", "2"], [
            f"已清理 6 次巡查的抓取明细：{_lines(PER_RUN, 6)}",
            "  辽源市交通运输局：巡查 #1、#2、#3、#4，保留最近 2 次",
            "  另一局：巡查 #7、#8，保留最近 2 次",
        ]),
        ([], [  # each site's own setting: 3 for 辽源 (its profile), 5 for 另一局 (default)
            f"已清理 3 次巡查的抓取明细：{_lines(PER_RUN, 3)}",
            "  辽源市交通运输局：巡查 #1、#2、#3，保留最近 3 次",
        ]),
        (["--site", "另一局", "--keep", "3"], [
            f"已清理 1 次巡查的抓取明细：{_lines(PER_RUN, 1)}",
            "  另一局：巡查 #7，保留最近 3 次",
        ]),
        (["--keep", "10"], ["无需清理：各网站的抓取明细都在保留范围内（保留最近 10 次巡查）。"]),
    ],
    ids=["keep-2", "each-site-its-own", "one-site", "nothing-to-do"],
)  # fmt: skip
def test_prune_command(two_sites, args, expected):
    result = CliRunner().invoke(cli, ["prune", "--db", two_sites, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == expected
    again = CliRunner().invoke(cli, ["prune", "--db", two_sites, *args], catch_exceptions=False)
    assert again.output.startswith("无需清理：")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "不存在的局"],
         "xuncha: no site '不存在的局' in the database (sites: 辽源市交通运输局、另一局)"),
        (["--keep", "1"], "Error: Invalid value for '--keep': 1 is not in the range x>=2."),
    ],
    ids=["unknown-site", "keep-one"],
)  # fmt: skip
def test_prune_errors_are_one_line_and_exit_2(two_sites, monkeypatch, capsys, args, message):
    monkeypatch.setattr(sys, "argv", ["xuncha", "prune", "--db", two_sites, *args])
    with pytest.raises(SystemExit) as raised:
        main()
    captured = capsys.readouterr()
    assert raised.value.code == 2
    assert captured.out == ""
    assert captured.err.strip().splitlines()[-1] == message
    store = Store(two_sites)
    with store.session() as s:
        assert s.scalar(select(func.count()).where(Run.pruned_at.is_not(None))) == 0
    store.dispose()


# --- at the end of a run -----------------------------------------------------------------


def _pruned_and_pages(db_url: str) -> list[tuple[str, bool, int]]:
    """(status, pruned, pages stored) of every run, oldest first."""
    store = Store(db_url)
    with store.session() as s:
        runs = s.execute(select(Run.id, Run.status, Run.pruned_at).order_by(Run.id)).all()
    rows = [(status, pruned_at is not None, _rows_of(store, run_id)["pages"])
            for run_id, status, pruned_at in runs]  # fmt: skip
    store.dispose()
    return rows


def test_each_run_prunes_its_site_and_keeps_the_last_complete_crawl(db_url, tmp_path):
    """Five nights with `retention.runs: 2`: the portal is up three nights, then down two.
    The third night prunes #1, the fourth #2; the fifth prunes nothing: #3, the last complete
    crawl, keeps its rows though two failed runs are newer."""
    profile = tmp_path / "site.yaml"
    snapshots = []
    with serve() as portal:
        profile.write_text(
            f"name: 某县人民政府\nstart_urls: [{portal.url()}]\ntimeouts:\n  retries: 0\n"
            "retention:\n  runs: 2\n",
            encoding="utf-8",
        )
        for night in range(5):
            portal.state.down = night >= 3
            result = CliRunner().invoke(
                cli,
                ["run", "--profile", str(profile), "--db", db_url, "--out", str(tmp_path / "out"),
                 "--as-of", f"2026-10-1{night}", "--quiet"],
            )  # fmt: skip
            assert result.exit_code == (2 if portal.state.down else 0), result.output
            snapshots.append(_pruned_and_pages(db_url))
    crawled = snapshots[0][0][2]
    assert crawled >= 3  # home, section, column list at least
    assert snapshots[1] == [("finished", False, crawled)] * 2
    assert snapshots[2] == [("finished", True, 0)] + [("finished", False, crawled)] * 2
    assert snapshots[3] == [
        ("finished", True, 0), ("finished", True, 0), ("finished", False, crawled),
        ("failed", False, 0),
    ]  # fmt: skip
    assert snapshots[4] == snapshots[3] + [("failed", False, 0)]
    store = Store(db_url)
    with store.session() as s:  # every run's findings history is still there
        written = set(s.scalars(select(FindingEvent.run_id)))
        assert {run_id for run_id in written if run_id is not None} >= {1, 4}
        assert s.execute(select(func.count()).select_from(Finding)).scalar_one() > 0
    store.dispose()
