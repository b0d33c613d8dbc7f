"""What people do to findings (整改跟踪), on SQLite and PostgreSQL: their state survives later
runs, the history only grows, ids resolve by prefix, and a store of schema 0002 upgrades."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import func, select, text
from tracking_world import (
    ARTICLE,
    BROKEN,
    IDENTITY,
    ROOT,
    TARGET,
    WORDING,
    World,
    check,
    column,
    crawl,
    finding,
    page,
)

from xuncha import tracking
from xuncha.store import Finding, FindingEvent, Site, Store
from xuncha.tracking import FindingError, fingerprint


@pytest.fixture
def world(store):
    return World(store)


LATER_RUNS = [
    # found again with a volatile change, absent from a complete run that re-checked it, found
    ([BROKEN], crawl()),
    ([], crawl(checks=(check(TARGET),), pages=(page(ARTICLE),))),
    ([finding("broken_link", "http_404", TARGET, page=ARTICLE,
              evidence={"status": 404, "error_detail": "other words", "link_text": "新"})],
     crawl()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "kwargs", "status"),
    [
        (tracking.waive, {"reason": "依法不予公开"}, "waived"),
        (tracking.false_positive, {"reason": "服务器拒绝爬虫，人工核实可打开"}, "false_positive"),
    ],
    ids=["waived", "false-positive"],
)
def test_manual_state_survives_three_later_runs(world, action, kwargs, status):
    world.run([BROKEN])
    world.act(action, BROKEN, **kwargs)
    for found, data in LATER_RUNS:
        world.run(found, data)
        row = world.row(BROKEN)
        assert (row.status, row.status_reason) == (status, kwargs["reason"])
    events = [(e.action, e.actor, e.new_status, e.reason) for e in world.events(BROKEN)]
    assert events == [
        ("opened", None, "open", None),
        (status, "李四", status, kwargs["reason"]),
    ]


def test_assignment_and_notes_survive_three_later_runs(world):
    world.run([BROKEN], crawl(columns=(column(),), pages=(page(ARTICLE),)))
    assert world.row(BROKEN).unit == "办公室"  # from the column→unit map, through the page
    world.act(tracking.assign, BROKEN, unit="信息中心", person="张三",
              deadline=date(2026, 12, 31), reason="栏目由信息中心维护")  # fmt: skip
    world.act(tracking.note, BROKEN, text="已电话通知")
    remapped = (column(unit="综合科"),)  # the profile now names another unit
    later = [
        ([BROKEN], crawl(columns=remapped, pages=(page(ARTICLE),)), "open"),
        ([], crawl(columns=remapped, checks=(check(TARGET),)), "fixed"),
        ([BROKEN], crawl(columns=remapped, pages=(page(ARTICLE),)), "reopened"),
    ]
    for found, data, status in later:
        world.run(found, data)
        row = world.row(BROKEN)
        assert row.status == status
        assert (row.unit, row.unit_by_hand, row.person) == ("信息中心", True, "张三")
        assert (row.deadline, row.note) == (date(2026, 12, 31), "已电话通知")
    assigned = world.events(BROKEN)[1]
    assert (assigned.action, assigned.actor, assigned.reason) == (
        "assigned",
        "李四",
        "栏目由信息中心维护",
    )
    assert assigned.changes == {
        "unit": ["办公室", "信息中心"],
        "person": [None, "张三"],
        "deadline": ["2026-11-16", "2026-12-31"],
    }


def test_the_history_is_append_only_and_complete(world, store):
    def snapshot():
        with store.session() as s:
            events = [
                (e.id, e.action, e.old_status, e.new_status, e.run_id, e.actor, e.reason)
                for e in s.scalars(select(FindingEvent).order_by(FindingEvent.id))
            ]
            return events, s.scalar(select(func.count()).select_from(Finding))

    steps = [
        lambda: world.run([BROKEN, WORDING]),
        lambda: world.act(tracking.assign, BROKEN, unit="办公室"),
        lambda: world.run([WORDING], crawl(checks=(check(TARGET),))),
        lambda: world.run([BROKEN, WORDING]),
        lambda: world.act(tracking.waive, BROKEN, reason="依法不予公开", actor="王五"),
        lambda: world.act(tracking.reopen, BROKEN, reason="复核：应当公开"),
        lambda: world.act(tracking.false_positive, BROKEN, reason="人工核实可打开"),
        lambda: world.run(
            [finding("broken_link", "http_410", TARGET, page=ARTICLE, evidence={"status": 410})]
        ),  # fmt: skip
        lambda: world.act(tracking.note, BROKEN, text="再次核实"),
        lambda: world.run([], crawl(pages=(page(ARTICLE),))),
    ]
    before, count = snapshot()
    for step in steps:
        step()
        after, new_count = snapshot()
        assert after[: len(before)] == before  # nothing rewritten, nothing removed
        assert new_count >= count
        before, count = after, new_count
    assert count == 2
    broken = [(e.action, e.old_status, e.new_status, e.actor) for e in world.events(BROKEN)]
    assert broken == [
        ("opened", None, "open", None),
        ("assigned", None, None, "李四"),
        ("fixed", "open", "fixed", None),
        ("reopened", "fixed", "reopened", None),
        ("waived", "reopened", "waived", "王五"),
        ("reopened", "waived", "reopened", "李四"),
        ("false_positive", "reopened", "false_positive", "李四"),
        ("reopened", "false_positive", "reopened", None),
        ("note", None, None, "李四"),
        ("fixed", "reopened", "fixed", None),
    ]
    wording = [(e.action, e.new_status) for e in world.events(WORDING)]
    assert wording == [("opened", "open"), ("fixed", "fixed")]


@pytest.mark.parametrize(
    ("action", "kwargs", "message"),
    [
        (tracking.waive, {"reason": "  "}, "needs a reason"),
        (tracking.false_positive, {"reason": ""}, "needs a reason"),
        (tracking.reopen, {"reason": "x"}, "already open"),
        (tracking.note, {"text": ""}, "needs some text"),
        (tracking.assign, {}, "needs --unit, --person or --deadline"),
    ],
    ids=["waive-blank-reason", "false-positive-no-reason", "reopen-open", "empty-note",
         "assign-nothing"],
)  # fmt: skip
def test_a_refused_action_writes_nothing(world, action, kwargs, message):
    world.run([BROKEN])
    with pytest.raises(FindingError, match=message):
        world.act(action, BROKEN, **kwargs)
    assert [e.action for e in world.events(BROKEN)] == ["opened"]
    assert world.row(BROKEN).status == "open"


def test_waiving_twice_is_refused(world):
    world.run([BROKEN])
    world.act(tracking.waive, BROKEN, reason="依法不予公开")
    with pytest.raises(FindingError, match="already waived"):
        world.act(tracking.waive, BROKEN, reason="again")


def test_ids_unique_prefix_ambiguous_unknown_and_per_site(store, world):
    other = World(store, "另一局", "https://other.example.gov.cn/")
    world.run([BROKEN, WORDING, IDENTITY])
    other.run([IDENTITY])  # site-wide keys give the same id on every site
    fp = fingerprint(BROKEN)
    with store.session() as s:
        assert tracking.find_finding(s, fp[:6].upper()).fingerprint == fp
        with pytest.raises(FindingError, match="no finding with id 'zz-1'"):
            tracking.find_finding(s, "zz-1")
        with pytest.raises(FindingError, match="ambiguous"):
            tracking.find_finding(s, fingerprint(IDENTITY))
        found = tracking.find_finding(s, fingerprint(IDENTITY), site="另一局")
        assert found.site_id == other.site_id
        by_url = tracking.find_finding(s, fingerprint(IDENTITY), site="https://jtj.example.gov.cn")
        assert by_url.site_id == world.site_id
        with pytest.raises(FindingError, match="no site 'nowhere'"):
            tracking.find_finding(s, fp, site="nowhere")
        with pytest.raises(FindingError, match="give a finding id"):
            tracking.find_finding(s, " ")


def test_upgrade_from_0002_keeps_findings_and_their_history(db_url):
    store = Store(db_url, migrate=False)
    store.upgrade("0002")
    fp = fingerprint(BROKEN)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sites (key, name, start_url) VALUES "
                "('https://jtj.example.gov.cn', '辽源市交通运输局', :url)"
            ),
            {"url": ROOT},
        )
        conn.execute(
            text(
                "INSERT INTO runs (site_id, started_at, as_of, status, complete, pages, "
                "links_checked, profile, stats) VALUES (1, '2026-11-01 02:00:00', "
                "'2026-11-01', 'finished', true, 0, 0, '{}', '{}')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO findings (site_id, fingerprint, "check", subtype, severity,'
                " url, pages, title, detail, evidence, unit, status, first_seen, "
                "last_seen, deadline, first_run_id, last_run_id) VALUES (1, :fp, "
                "'broken_link', 'http_404', 'high', :url, '[]', '链接失效', '', "
                "'{\"status\": 404}', '办公室', 'open', '2026-11-01', '2026-11-01', "
                "'2026-11-13', 1, 1)"
            ),
            {"fp": fp, "url": TARGET},
        )
        conn.execute(
            text(
                "INSERT INTO finding_events (finding_id, at, run_id, action, "
                "new_status) VALUES (1, '2026-11-01 02:10:00', 1, 'opened', 'open')"
            )
        )
    store.upgrade("head")
    world = World.attach(store, 1)
    row = world.row(BROKEN)
    assert (row.unit, row.unit_by_hand, row.person, row.note, row.evidence_digest) == (
        "办公室", False, None, None, None,
    )  # fmt: skip
    world.run([BROKEN])
    world.act(tracking.waive, BROKEN, reason="依法不予公开")
    events = [(e.action, e.changes) for e in world.events(BROKEN)]
    assert events == [("opened", None), ("waived", None)]
    command.downgrade(store.alembic_config(), "0002")  # and back down, keeping the rows
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM findings")).scalar() == "waived"
    store.dispose()


def test_a_site_named_like_another_sites_address_does_not_take_its_findings(store, world):
    """A site's name may come from its crawled home page title: a first site calling itself
    by a second site's address must not receive what is done to the second site's finding."""
    other = World(store, "另一局", "https://other.example.gov.cn/")
    world.run([IDENTITY])
    other.run([IDENTITY])  # one fingerprint on both sites
    with store.session() as s, s.begin():
        first = s.get_one(Site, world.site_id)
        second = s.get_one(Site, other.site_id)
        first.name = second.key  # the title the first site gave itself
        target = tracking.find_finding(s, fingerprint(IDENTITY), site=second.key)
        assert target.site_id == other.site_id
        tracking.note(s, target, text="只写到另一局", actor="t")
    with store.session() as s:
        notes = {
            f.site_id: f.note for f in s.scalars(select(Finding).where(
                Finding.fingerprint == fingerprint(IDENTITY)))
        }  # fmt: skip
    assert notes == {world.site_id: None, other.site_id: "只写到另一局"}
