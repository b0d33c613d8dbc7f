"""The week of probes a run judges: which rows count (SQLite and PostgreSQL), and real probes
of a loopback portal turning into — and out of — the 站点无法访问 veto."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from click.testing import CliRunner
from nightly_sites import serve
from sqlalchemy import select

from checks.config import ScoringConfig
from xuncha.cli import cli
from xuncha.profile import profile_for_url
from xuncha.run.night import site_id_for
from xuncha.run.probe import ProbeResult, probe_home, record_probe
from xuncha.store import Finding, Run, Site, Store
from xuncha.store.snapshot import load_availability

END = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_the_window_is_the_days_before_the_run_ended(db_url):
    store = Store(db_url)
    with store.session() as s, s.begin():
        site, other = (
            Site(key="a", name="甲", start_url="http://a/"),
            Site(key="b", name="乙", start_url="http://b/"),
        )
        s.add_all([site, other])
        s.flush()
        run = Run(site_id=site.id, started_at=END - timedelta(hours=1), finished_at=END,
                  as_of=date(2026, 11, 20), status="finished", complete=True, profile={},
                  stats={})  # fmt: skip
        s.add(run)
    # (site, age before the end of the run, ok): only this site's rows of the 7 days count.
    rows = [
        (site, timedelta(days=8), False),  # before the window
        (site, timedelta(days=7), False),  # the window's open edge
        (site, timedelta(days=6, hours=23), False),
        (site, timedelta(days=3), True),
        (site, timedelta(minutes=30), True),  # during the run
        (site, timedelta(0), False),  # the moment it ended
        (site, -timedelta(minutes=5), False),  # after it
        (other, timedelta(days=1), False),
    ]
    for owner, age, ok in rows:
        record_probe(store, owner.id, ProbeResult("http://a/", END - age, ok, 200 if ok else None,
                                                  0.1, None if ok else "timeout"))  # fmt: skip
    with store.session() as s:
        week = load_availability(s, s.get_one(Run, run.id), ScoringConfig(availability_min_tries=1))
        three_days = load_availability(s, s.get_one(Run, run.id),
                                       ScoringConfig(availability_days=3,
                                                     availability_min_tries=1))  # fmt: skip
        # Fewer probes than the minimum: no verdict either way (the probe cron stopped?).
        assert load_availability(s, s.get_one(Run, run.id), ScoringConfig()) is None
    store.dispose()
    assert week is not None and three_days is not None
    assert (week.tries, week.failures, week.since, week.until) == (4, 2, END - timedelta(7), END)
    assert (three_days.tries, three_days.failures) == (2, 1)  # day 3 itself is the open edge


def test_probes_bring_the_veto_and_take_it_away(tmp_path):
    """24 good tries: no finding. 2 failed of 26 (7.7 %): 站点无法访问 by availability, the
    verdict 不合格. 40 more good tries (3 %): a complete run marks the finding fixed."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    store = Store(db)
    with serve() as portal:
        profile = profile_for_url(portal.url())
        site_id = site_id_for(store, profile)

        def probes(count: int) -> list[bool]:
            results = [probe_home(profile, timeout=5) for _ in range(count)]
            for result in results:
                record_probe(store, site_id, result)
            return [r.ok for r in results]

        def night(n: int) -> tuple[int, dict]:
            out = tmp_path / str(n)
            args = ["run", "--url", portal.url(), "--db", db, "--out", str(out)]
            result = CliRunner().invoke(cli, [*args, "--as-of", "2026-10-10"])
            return result.exit_code, json.loads((out / "findings.json").read_text("utf-8"))

        def availability(document: dict) -> list[dict]:
            return [f for f in document["findings"] if f["subtype"] == "availability"]

        assert probes(24) == [True] * 24
        code, first = night(1)
        assert code == 0 and availability(first) == []
        assert "站点无法访问" not in first["score"]["vetoes"]

        portal.state.down = True
        assert probes(2) == [False, False]
        portal.state.down = False
        code, second = night(2)
        [finding] = availability(second)
        assert code == 0  # findings are not errors; --fail-on decides
        assert (finding["check"], finding["severity"], finding["status"]) == (
            "site_unreachable", "high", "open",
        )  # fmt: skip
        evidence = finding["evidence"]
        assert (evidence["tries"], evidence["failures"], evidence["percent"]) == (26, 2, 7.7)
        assert (evidence["standard_tries"], evidence["fewer_tries_than_standard"]) == (140, True)
        assert finding["title"] == "首页可访问性不达标：7天内探测26次，失败2次（7.7%，否决线5%）"
        assert (second["score"]["verdict"], second["score"]["vetoes"]) == (
            "不合格",
            ["站点无法访问"],
        )

        assert all(probes(40))
        code, third = night(3)
    store.dispose()
    assert availability(third) == []
    assert "站点无法访问" not in third["score"]["vetoes"]
    store = Store(db)
    with store.session() as s:
        status = s.scalar(select(Finding.status).where(Finding.subtype == "availability"))
    assert status == "fixed"
    store.dispose()
