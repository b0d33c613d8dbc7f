"""Alembic on SQLite and PostgreSQL: a store made at any released schema upgrades to head with
every row intact and the added columns at their defaults; the migrated schema is the models';
the newest migration goes down one step and up again.

Rows are written through the tables as reflected at the old revision — the schema a real old
store has — never through today's models, whose new columns the old tables lack.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, select

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
    Probe,
    Run,
    RunLock,
    Site,
    SiteSearch,
    Store,
)
from xuncha.store.db import MIGRATIONS

# Every released schema, oldest first (0001 … head).
REVISIONS = [
    script.revision for script in reversed(list(ScriptDirectory(str(MIGRATIONS)).walk_revisions()))
]
HEAD = REVISIONS[-1]
T0 = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
BIG = 5_000_000_000  # pages.size is a BIGINT: an ISO image on a download page
HOME = "https://jtj.example.gov.cn/"
ARTICLE = "https://xxgk.example.gov.cn/tzgg/t20261101_1.html"
TARGET = "https://xxgk.example.gov.cn/files/附件.pdf"


def _since(revision: str, added_in: str) -> bool:
    return REVISIONS.index(revision) >= REVISIONS.index(added_in)


def _schema_diff(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, Base.metadata)


def _insert(conn, tables: MetaData, table: str, /, **values: Any) -> int:
    result = conn.execute(tables.tables[table].insert().values(**values))
    return int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0


def _seed(engine: Engine, revision: str) -> dict[str, int]:
    """A site, a finished run and a row of every table the schema at `revision` has."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as conn:
        site = _insert(conn, tables, "sites", key=HOME.rstrip("/"), name="辽源市交通运输局",
                       start_url=HOME)  # fmt: skip
        run = _insert(
            conn, tables, "runs", site_id=site, started_at=T0, finished_at=T0.replace(hour=2),
            as_of=date(2026, 11, 2), status="finished", complete=True, message=None, pages=3,
            links_checked=2, profile={"name": "辽源", "limits": {"max_pages": 100}},
            stats={"xuncha/pages/article": 1}, score={"verdict": "合格", "points": 97.5},
        )  # fmt: skip
        _insert(conn, tables, "pages", run_id=run, url=HOME, final_url=HOME, role="home",
                status=200, content_type="text/html", encoding="gbk", etag='"5f-1"',
                last_modified="Mon, 02 Nov 2026 01:00:00 GMT", content_hash="ab" * 32,
                size=12_345, fetched_at=T0, elapsed=0.25, title="首页", column_url=None,
                pub_date=None, date_source=None, meta={"keywords": "交通"})  # fmt: skip
        _insert(conn, tables, "pages", run_id=run, url=TARGET, role="attachment", status=200,
                size=BIG, fetched_at=T0, meta={})  # fmt: skip
        _insert(conn, tables, "columns", run_id=run, url="https://xxgk.example.gov.cn/tzgg/",
                name="通知公告", kind="notice", unit="办公室", source="navigation",
                list_pages=2, items=31, newest=date(2026, 11, 1))  # fmt: skip
        _insert(conn, tables, "list_items", run_id=run, column_url="https://xxgk.example.gov.cn/tzgg/",
                list_page="https://xxgk.example.gov.cn/tzgg/index_1.html", url=ARTICLE,
                title="关于开展交通安全检查的通知", list_date=date(2026, 11, 1))  # fmt: skip
        for target in (ARTICLE, TARGET):
            _insert(conn, tables, "links", run_id=run, page=HOME, target=target, raw=target,
                    tag="a", attr="href", kind="page", text="附件下载")  # fmt: skip
        _insert(conn, tables, "link_checks", run_id=run, target=TARGET, method="HEAD",
                status=404, error=None, redirects=["https://a/", "https://b/"],
                attempts=3, checked_at=T0, probe=False)  # fmt: skip
        _insert(conn, tables, "certificates", run_id=run, host="jtj.example.gov.cn", port=443,
                trusted=True, hostname_ok=True, not_after=datetime(2027, 1, 1, tzinfo=UTC),
                subject="CN=jtj.example.gov.cn", issuer="CN=某CA")  # fmt: skip
        finding = _insert(
            conn, tables, "findings", site_id=site, fingerprint="bl-0123456789abcdef",
            check="broken_link", subtype="http_404", severity="high", url=TARGET, page=HOME,
            pages=[HOME], column="通知公告", title="链接无法访问", detail="HTTP 404",
            evidence={"status": 404}, unit="办公室", status="open", first_seen=date(2026, 11, 2),
            last_seen=date(2026, 11, 2), deadline=date(2026, 11, 16), first_run_id=run,
            last_run_id=run,
        )  # fmt: skip
        event = dict(finding_id=finding, at=T0, run_id=run, actor=None, action="opened",
                     old_status=None, new_status="open", reason=None)  # fmt: skip
        _insert(conn, tables, "finding_events", **event)
        ids = {"site": site, "run": run, "finding": finding}
        if _since(revision, "0002"):
            _insert(conn, tables, "page_texts", run_id=run, url=ARTICLE, format="html",
                    text="身份证号 2204**********1234", error=None)  # fmt: skip
            _insert(conn, tables, "site_searches", run_id=run, form_found=True,
                    action="/search", query="政务公开", status=200, error=None,
                    result_links=7)  # fmt: skip
        if _since(revision, "0003"):
            _insert(conn, tables, "findings", site_id=site, fingerprint="wl-fedcba9876543210",
                    check="wording_error", subtype="miswriting", severity="medium", url=ARTICLE,
                    pages=[], title="t", detail="d", evidence={}, status="waived",
                    first_seen=date(2026, 11, 2), last_seen=date(2026, 11, 2), first_run_id=run,
                    last_run_id=run, unit_by_hand=True, person="张三", note="已核实",
                    status_reason="依法不予公开", evidence_digest="cd" * 32)  # fmt: skip
            _insert(conn, tables, "finding_events", **dict(event, action="assigned", run_id=None,
                    actor="张三", changes={"person": [None, "张三"]}))  # fmt: skip
        if _since(revision, "0004"):
            _insert(conn, tables, "probes", site_id=site, at=T0, url=HOME, ok=False, status=503,
                    elapsed=15.2, error="http_503")  # fmt: skip
            _insert(conn, tables, "run_locks", site_id=site, run_id=run, host="xuncha-1",
                    pid=4242, acquired_at=T0)  # fmt: skip
    return ids


def _assert_survived(store: Store, revision: str, ids: dict[str, int]) -> None:
    with store.session() as s:
        site = s.get_one(Site, ids["site"])
        assert (site.key, site.name, site.start_url) == (HOME.rstrip("/"), "辽源市交通运输局", HOME)
        run = s.get_one(Run, ids["run"])
        assert (run.status, run.complete, run.pages, run.links_checked, run.as_of) == (
            "finished", True, 3, 2, date(2026, 11, 2),
        )  # fmt: skip
        assert run.profile == {"name": "辽源", "limits": {"max_pages": 100}}
        assert run.score == {"verdict": "合格", "points": 97.5}
        assert run.pruned_at is None  # 0005: every old run still has its crawl rows
        pages = {p.url: p for p in s.scalars(select(Page).where(Page.run_id == run.id))}
        assert (pages[HOME].encoding, pages[HOME].meta, pages[HOME].etag) == (
            "gbk", {"keywords": "交通"}, '"5f-1"',
        )  # fmt: skip
        assert pages[TARGET].size == BIG
        column = s.scalar(select(Column))
        assert column is not None
        assert (column.name, column.items, column.newest) == ("通知公告", 31, date(2026, 11, 1))
        assert s.scalar(select(ListItem.title)) == "关于开展交通安全检查的通知"
        links = s.execute(select(LinkOccurrence.page, LinkOccurrence.target)).all()
        assert sorted(links) == sorted([(HOME, ARTICLE), (HOME, TARGET)])
        check = s.scalar(select(LinkCheck))
        assert check is not None
        assert (check.status, check.attempts, check.redirects) == (
            404,
            3,
            ["https://a/", "https://b/"],
        )
        assert s.scalar(select(Certificate.issuer)) == "CN=某CA"
        finding = s.get_one(Finding, ids["finding"])
        assert (finding.fingerprint, finding.status, finding.pages, finding.evidence) == (
            "bl-0123456789abcdef", "open", [HOME], {"status": 404},
        )  # fmt: skip
        assert finding.deadline == date(2026, 11, 16)
        events = list(s.scalars(select(FindingEvent).order_by(FindingEvent.id)))
        assert events[0].action == "opened" and events[0].run_id == run.id
        if not _since(revision, "0003"):
            # Added by 0003: a finding that existed before keeps the profile's unit (no hand
            # assignment) and has no person, note, reason or digest; an event no changes.
            assert finding.unit_by_hand is False
            assert (finding.person, finding.note, finding.status_reason,
                    finding.evidence_digest) == (None, None, None, None)  # fmt: skip
            assert [e.changes for e in events] == [None]
        else:
            waived = s.scalar(select(Finding).where(Finding.status == "waived"))
            assert waived is not None
            assert (waived.unit_by_hand, waived.person, waived.status_reason) == (
                True, "张三", "依法不予公开",
            )  # fmt: skip
            assert events[1].changes == {"person": [None, "张三"]}
        if _since(revision, "0002"):
            assert s.scalar(select(PageText.text)) == "身份证号 2204**********1234"
            assert s.scalar(select(SiteSearch.result_links)) == 7
        if _since(revision, "0004"):
            assert s.scalar(select(Probe.status)) == 503
            assert s.scalar(select(RunLock.pid)) == 4242


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_store_at_any_revision_upgrades_to_head_with_its_rows(db_url, revision):
    store = Store(db_url, migrate=False)
    try:
        store.upgrade(revision)
        ids = _seed(store.engine, revision)
        store.upgrade("head")
        assert _schema_diff(store.engine) == []
        _assert_survived(store, revision, ids)
        with store.session() as s, s.begin():  # the sequences go on after the old rows
            s.add(LinkOccurrence(run_id=ids["run"], page=ARTICLE, target=HOME, raw="/",
                                 tag="a", attr="href", kind="page"))  # fmt: skip
        with store.session() as s:
            new_id = s.scalar(select(LinkOccurrence.id).where(LinkOccurrence.page == ARTICLE))
            assert new_id is not None and new_id > 2
    finally:
        store.dispose()


def test_the_migrated_schema_is_the_models(db_url):
    store = Store(db_url)
    try:
        assert _schema_diff(store.engine) == []
        indexes = {i["name"]: i["column_names"] for i in inspect(store.engine).get_indexes("links")}
        assert indexes["ix_links_run_page"] == ["run_id", "page"]
        assert indexes["ix_links_run_target"] == ["run_id", "target"]
        # link_checks is looked up by (run, target) through its unique constraint's index.
        uniques = inspect(store.engine).get_unique_constraints("link_checks")
        assert ["run_id", "target"] in [u["column_names"] for u in uniques]
    finally:
        store.dispose()


def test_the_newest_migration_goes_down_one_step_and_up_again(db_url):
    store = Store(db_url)
    try:
        ids = _seed(store.engine, HEAD)
        command.downgrade(store.alembic_config(), REVISIONS[-2])
        assert _schema_diff(store.engine) != []  # the step down undid what the newest added
        store.upgrade("head")
        assert _schema_diff(store.engine) == []
        _assert_survived(store, HEAD, ids)
    finally:
        store.dispose()


def test_0005_goes_down_to_0004_and_up_again(db_url):
    """Down: the pruned mark and the (run, page) index go, every row stays; up again: every
    run reads as not pruned (its crawl rows, if any are left, are there to read)."""
    store = Store(db_url)
    try:
        ids = _seed(store.engine, HEAD)
        with store.session() as s, s.begin():
            s.get_one(Run, ids["run"]).pruned_at = datetime(2026, 11, 20, tzinfo=UTC)
        command.downgrade(store.alembic_config(), "0004")
        assert "pruned_at" not in {c["name"] for c in inspect(store.engine).get_columns("runs")}
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("links")}
        assert "ix_links_run_page" not in indexes and "ix_links_run_target" in indexes
        store.upgrade("head")
        assert _schema_diff(store.engine) == []
        _assert_survived(store, HEAD, ids)  # pruned_at is back, as NULL
    finally:
        store.dispose()


def test_over_long_link_pages_are_clipped_where_the_index_needs_it(db_url):
    """PostgreSQL refuses btree entries over ~2.7 kB: 0005 clips links.page as the crawler
    clips other indexed URLs (2000 characters) before indexing it. SQLite needs no clip."""
    store = Store(db_url, migrate=False)
    try:
        store.upgrade("0004")
        ids = _seed(store.engine, "0004")
        runaway = HOME + "?s=" + secrets.token_hex(2000)  # random: no compression saves it
        tables = MetaData()
        tables.reflect(store.engine)
        with store.engine.begin() as conn:
            _insert(conn, tables, "links", run_id=ids["run"], page=runaway, target=TARGET,
                    raw=TARGET, tag="a", attr="href", kind="page", text="")  # fmt: skip
        store.upgrade("head")
        with store.session() as s:
            stored = s.scalar(
                select(LinkOccurrence.page).where(LinkOccurrence.page.startswith(HOME + "?s="))
            )
        expected = runaway[:2000] if store.engine.dialect.name == "postgresql" else runaway
        assert stored == expected
    finally:
        store.dispose()
