"""The store on SQLite and PostgreSQL: migrations to head, rows round-trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from xuncha.store import Base, Finding, FindingEvent, LinkCheck, Run, Site, Store
from xuncha.store.models import table_of

# The migrations must create exactly the tables the models declare.
TABLES = sorted(["alembic_version", *Base.metadata.tables])


def test_migrates_to_head_and_round_trips(db_url):
    store = Store(db_url)
    assert store.table_names() == TABLES
    with store.session() as s, s.begin():
        site = Site(
            key="https://jtj.example.gov.cn",
            name="辽源市交通运输局",
            start_url="https://jtj.example.gov.cn/",
        )
        s.add(site)
        s.flush()
        run = Run(
            site_id=site.id,
            started_at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
            as_of=date(2026, 11, 26),
            status="running",
            profile={"name": "辽源"},
            stats={},
        )
        s.add(run)
        s.flush()
        s.add(
            LinkCheck(
                run_id=run.id,
                target="https://x/附件.pdf",
                checked_at=datetime.now(UTC),
                status=404,
                redirects=["a", "b"],
            )
        )
        run_id = run.id
    again = Store(db_url)  # a second open is a no-op migration
    with again.session() as s:
        run = s.get_one(Run, run_id)
        assert run.profile == {"name": "辽源"}
        check = s.scalar(select(LinkCheck).where(LinkCheck.run_id == run_id))
        assert check is not None
        assert (check.target, check.status, check.redirects) == (
            "https://x/附件.pdf",
            404,
            ["a", "b"],
        )
    store.dispose()
    again.dispose()


def test_findings_and_events_are_kept(db_url):
    store = Store(db_url)
    with store.session() as s, s.begin():
        site = Site(key="k", name="n", start_url="http://a/")
        s.add(site)
        s.flush()
        run = Run(
            site_id=site.id,
            started_at=datetime.now(UTC),
            as_of=date(2026, 1, 5),
            status="finished",
            profile={},
            stats={},
        )
        s.add(run)
        s.flush()
        f = Finding(
            site_id=site.id,
            fingerprint="bl-1",
            check="broken_link",
            subtype="http_404",
            severity="high",
            url="http://a/x",
            status="open",
            first_seen=date(2026, 1, 5),
            last_seen=date(2026, 1, 5),
            first_run_id=run.id,
            last_run_id=run.id,
            title="t",
            detail="d",
            pages=["http://a/"],
            evidence={"status": 404},
        )
        s.add(f)
        s.flush()
        s.add(
            FindingEvent(
                finding_id=f.id,
                at=datetime.now(UTC),
                run_id=run.id,
                action="opened",
                new_status="open",
            )
        )
    with store.session() as s:
        stored = s.scalar(select(Finding))
        assert stored is not None
        assert stored.evidence == {"status": 404} and stored.pages == ["http://a/"]
        assert [e.action for e in s.scalars(select(FindingEvent))] == ["opened"]
    store.dispose()


def test_upgrade_from_the_first_schema_keeps_rows(db_url):
    store = Store(db_url, migrate=False)
    store.upgrade("0001")
    with store.engine.begin() as conn:
        conn.execute(
            table_of(Site).insert().values(key="k", name="旧站", start_url="http://a.gov.cn/")
        )
    store.upgrade("head")
    assert "page_texts" in store.table_names() and "site_searches" in store.table_names()
    with store.session() as s:
        site = s.scalar(select(Site))
        assert site is not None and site.name == "旧站"
    store.dispose()
