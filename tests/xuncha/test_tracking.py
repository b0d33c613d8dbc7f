"""Finding lifecycle (整改跟踪) on SQLite and PostgreSQL: what runs do to findings."""

from __future__ import annotations

from datetime import date

import pytest
from tracking_world import (
    ARTICLE,
    ATTACHMENT,
    BROKEN,
    COLUMN,
    DAY,
    HOME,
    HTTP_IMAGE,
    IDENTITY,
    INTRANET,
    NOTHING,
    OTHER,
    ROOT,
    TARGET,
    WORDING,
    World,
    certificate,
    check,
    column,
    crawl,
    finding,
    page,
)

from xuncha import tracking
from xuncha.errors import ProfileError
from xuncha.profile import load_profile
from xuncha.store import Finding, Run
from xuncha.tracking import (
    add_working_days,
    fingerprint,
    lifecycle,
    queries,
    rechecked,
    responsible_unit,
)


@pytest.fixture
def world(store):
    return World(store)


WRITTEN = finding("wrong_link", "javascript_placeholder", "javascript:void(0)",
                  key="javascript_placeholder|javascript:void(0)", page=ARTICLE)  # fmt: skip
PRIVATE = finding("wrong_link", "private_address", INTRANET, key=f"private_address|{INTRANET}",
                  page=ARTICLE)  # fmt: skip
MIXED = finding("mixed_content", "image", HTTP_IMAGE, page=ARTICLE, pages=(ARTICLE, OTHER))
STALE = finding("stale_column", "notice", COLUMN, column="通知公告", evidence={"days": 200})
HOME_STALE = finding("stale_column", "home_page", HOME)
BLANK = finding("blank_column", "no_items", COLUMN, column="通知公告")
MISPLACED = finding("misplaced_content", "leader_info", ARTICLE, key=f"{COLUMN}|{ARTICLE}",
                    page=COLUMN, column="通知公告")  # fmt: skip
PRIVACY = finding("privacy_leak", "id_number", ATTACHMENT, key=f"{ATTACHMENT}|id_number",
                  page=ARTICLE)  # fmt: skip
TLS = finding("tls_certificate", "expiring", ROOT, key="expiring|CN=jtj",
              evidence={"hosts": ["jtj.example.gov.cn:443"]})  # fmt: skip
MANDATORY = finding("missing_mandatory", "overdue", ROOT, key="annual_report|2025")
UNREACHABLE = finding("site_unreachable", "start_url", ROOT)

FINISHED, INTERRUPTED, PAGE_LIMIT, FAILED = (
    ("finished", True),
    ("interrupted", False),
    ("finished", False),
    ("failed", False),
)

# (finding raised by a first complete run, what the second run saw without raising it,
#  how the second run ended, the status after it)
ABSENT_CASES = [
    (BROKEN, crawl(checks=(check(TARGET),)), FINISHED, "fixed"),
    (BROKEN, crawl(pages=(page(ARTICLE),)), FINISHED, "fixed"),
    (BROKEN, crawl(checks=(check(ARTICLE, 404),)), FINISHED, "fixed"),
    (BROKEN, crawl(pages=(page(OTHER),)), FINISHED, "open"),
    (BROKEN, crawl(checks=(check(TARGET),)), INTERRUPTED, "open"),
    (BROKEN, crawl(checks=(check(TARGET),)), PAGE_LIMIT, "open"),
    (BROKEN, crawl(checks=(check(TARGET),)), FAILED, "open"),
    (WRITTEN, crawl(pages=(page(ARTICLE),)), FINISHED, "fixed"),
    (WRITTEN, crawl(pages=(page(OTHER),)), FINISHED, "open"),
    (PRIVATE, crawl(checks=(check(INTRANET),)), FINISHED, "fixed"),
    (PRIVATE, crawl(pages=(page(OTHER),)), FINISHED, "open"),
    (MIXED, crawl(pages=(page(ARTICLE),)), FINISHED, "open"),
    (MIXED, crawl(pages=(page(ARTICLE), page(OTHER))), FINISHED, "fixed"),
    (STALE, crawl(columns=(column(),)), FINISHED, "fixed"),
    (STALE, crawl(columns=(column(list_pages=0, items=0),)), FINISHED, "open"),
    (STALE, crawl(pages=(page(ARTICLE),)), FINISHED, "open"),
    (HOME_STALE, crawl(pages=(page(HOME, "home", None),)), FINISHED, "fixed"),
    (HOME_STALE, crawl(columns=(column(),)), FINISHED, "open"),
    (BLANK, crawl(columns=(column(),)), FINISHED, "fixed"),
    (MISPLACED, crawl(columns=(column(),)), FINISHED, "fixed"),
    (MISPLACED, crawl(pages=(page(ARTICLE),)), FINISHED, "open"),
    (PRIVACY, crawl(texts={ATTACHMENT: "名单"}), FINISHED, "fixed"),
    (PRIVACY, crawl(checks=(check(ATTACHMENT, 410),)), FINISHED, "fixed"),
    (PRIVACY, crawl(pages=(page(ARTICLE),)), FINISHED, "open"),
    (WORDING, crawl(pages=(page(ARTICLE),)), FINISHED, "fixed"),
    (WORDING, crawl(pages=(page(OTHER),)), FINISHED, "open"),
    (TLS, crawl(certificates=(certificate(),)), FINISHED, "fixed"),
    (TLS, crawl(certificates=(certificate("www.example.gov.cn"),)), FINISHED, "open"),
    (IDENTITY, NOTHING, FINISHED, "fixed"),
    (IDENTITY, NOTHING, INTERRUPTED, "open"),
    (MANDATORY, NOTHING, FINISHED, "fixed"),
    (MANDATORY, NOTHING, PAGE_LIMIT, "open"),
    (UNREACHABLE, NOTHING, FINISHED, "fixed"),
    (UNREACHABLE, NOTHING, FAILED, "open"),
]
ABSENT_IDS = [
    "broken-target-checked", "broken-link-removed", "broken-page-gone", "broken-page-not-crawled",
    "broken-interrupted-run", "broken-page-limit-run", "broken-failed-run",
    "placeholder-page-refetched", "placeholder-page-not-crawled", "intranet-target-checked",
    "intranet-not-checked", "mixed-one-of-two-pages", "mixed-every-page", "stale-column-walked",
    "stale-column-list-failed", "stale-column-not-walked", "home-stale-home-fetched",
    "home-stale-home-not-fetched", "blank-column-walked", "misplaced-column-walked",
    "misplaced-only-article-fetched", "privacy-attachment-read", "privacy-attachment-gone",
    "privacy-attachment-not-read", "wording-page-fetched", "wording-page-not-crawled",
    "tls-host-seen", "tls-other-host", "identity-complete", "identity-interrupted",
    "mandatory-complete", "mandatory-page-limit", "unreachable-complete", "unreachable-again",
]  # fmt: skip


@pytest.mark.parametrize(("item", "data", "ending", "expected"), ABSENT_CASES, ids=ABSENT_IDS)
def test_an_absent_finding_is_fixed_only_by_a_complete_run_that_rechecked_it(
    world, item, data, ending, expected
):
    first = world.run([item])
    assert world.row(item).status == "open"
    second = world.run([], data, status=ending[0], complete=ending[1])
    row = world.row(item)
    assert row.status == expected
    assert row.last_run_id == first  # not seen by the second run
    events = [(e.action, e.old_status, e.new_status, e.run_id) for e in world.events(item)]
    if expected == "fixed":
        assert events == [("opened", None, "open", first), ("fixed", "open", "fixed", second)]
    else:
        assert events == [("opened", None, "open", first)]  # nothing written when unproven


def test_rechecked_knows_no_unknown_check(world):
    world.run([BROKEN])
    row = world.row(BROKEN)
    row.check = "future_check"
    assert rechecked(row, crawl(checks=(check(TARGET),))) is False


def test_seen_again_writes_no_event_but_moves_last_seen(world):
    first = world.run([BROKEN])
    second = world.run([BROKEN], crawl(checks=(check(TARGET, 404),)))
    row = world.row(BROKEN)
    assert (row.status, row.first_run_id, row.last_run_id) == ("open", first, second)
    assert (row.first_seen, row.last_seen) == (DAY, date(2026, 11, 3))
    assert [e.action for e in world.events(BROKEN)] == ["opened"]


def test_fixed_then_seen_again_is_reopened(world):
    first = world.run([BROKEN])
    second = world.run([], crawl(checks=(check(TARGET),)))
    third = world.run([BROKEN])
    assert world.row(BROKEN).status == "reopened"
    events = [(e.action, e.old_status, e.new_status, e.run_id) for e in world.events(BROKEN)]
    assert events == [
        ("opened", None, "open", first),
        ("fixed", "open", "fixed", second),
        ("reopened", "fixed", "reopened", third),
    ]
    fourth = world.run([], crawl(checks=(check(TARGET),)))
    assert world.row(BROKEN).status == "fixed"
    assert world.events(BROKEN)[-1].run_id == fourth


def test_a_change_of_subtype_is_an_event_without_a_status_change(world):
    world.run([BROKEN])
    worse = finding("broken_link", "http_500", TARGET, page=ARTICLE, evidence={"status": 500})
    second = world.run([worse])
    last = world.events(BROKEN)[-1]
    assert (last.action, last.new_status, last.run_id) == ("changed", None, second)
    assert last.changes == {"subtype": ["http_404", "http_500"]}
    assert world.row(BROKEN).status == "open"


UNIT_DATA = crawl(
    columns=(column(), column(ROOT + "zwgk/zcwj/", "政策文件", unit="法规科")),
    pages=(page(ARTICLE), page(OTHER, column=None)),
)


@pytest.mark.parametrize(
    ("item", "unit"),
    [
        (BROKEN, "办公室"),
        (finding("broken_link", "http_404", TARGET, page=OTHER, pages=(OTHER, ARTICLE)), "办公室"),
        (finding("blank_column", "no_items", ROOT + "zwgk/zcwj/", column="政策文件"), "法规科"),
        (finding("stale_column", "notice", COLUMN, unit="信息科"), "信息科"),
        (finding("wording_error", "miswriting", COLUMN), "办公室"),
        (finding("site_identity", "meta_tags", ROOT, key="meta_tags", pages=(ARTICLE,)), None),
        (finding("broken_link", "http_404", TARGET, page=OTHER), None),
    ],
    ids=["article-of-column", "second-page-in-column", "column-by-name", "named-by-check",
         "column-list-page", "site-wide-has-none", "page-outside-columns"],
)  # fmt: skip
def test_responsible_unit(item, unit):
    assert responsible_unit(item, UNIT_DATA) == unit


def test_a_unit_from_the_profile_follows_the_profile_with_an_event(world):
    world.run([BROKEN], crawl(columns=(column(),), pages=(page(ARTICLE),)))
    second = world.run([BROKEN], crawl(columns=(column(unit="综合科"),), pages=(page(ARTICLE),)))
    assert world.row(BROKEN).unit == "综合科"
    last = world.events(BROKEN)[-1]
    assert (last.action, last.run_id, last.changes) == (
        "changed",
        second,
        {"unit": ["办公室", "综合科"]},
    )


def test_a_false_positive_comes_back_only_when_its_evidence_changes(world):
    stale = finding("stale_column", "notice", COLUMN, column="通知公告",
                    evidence={"kind": "notice", "window_days": 183, "days": 200})  # fmt: skip
    world.run([stale])
    world.act(tracking.false_positive, stale, reason="该栏目为历史存档")
    for days in (201, 202, 203):  # only the age moves: the same defect
        older = finding("stale_column", "notice", COLUMN, column="通知公告",
                        evidence={"kind": "notice", "window_days": 183, "days": days})  # fmt: skip
        world.run([older])
        assert world.row(stale).status == "false_positive"
    changed = finding("stale_column", "notice", COLUMN, column="通知公告",
                      evidence={"kind": "notice", "window_days": 90, "days": 204})  # fmt: skip
    run = world.run([changed])
    row = world.row(stale)
    assert (row.status, row.evidence_digest) == ("reopened", None)
    last = world.events(stale)[-1]
    assert (last.action, last.old_status, last.new_status, last.run_id) == (
        "reopened", "false_positive", "reopened", run,
    )  # fmt: skip
    assert last.changes == {"window_days": [183, 90]}
    assert "window_days: 183 → 90" in last.reason


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (date(2026, 11, 2), 10, date(2026, 11, 16)),
        (date(2026, 11, 6), 1, date(2026, 11, 9)),
        (date(2026, 11, 7), 1, date(2026, 11, 9)),
        (date(2026, 11, 4), 3, date(2026, 11, 9)),
    ],
    ids=["monday-plus-10", "friday-plus-1", "saturday-plus-1", "wednesday-plus-3"],
)
def test_working_days_skip_weekends(start, days, deadline):
    assert add_working_days(start, days) == deadline


def test_the_deadline_follows_the_profile(world):
    world.run([BROKEN], profile={"tracking": {"deadline_working_days": 3}})
    world.run([WORDING])
    assert world.row(BROKEN).deadline == date(2026, 11, 5)
    assert world.row(WORDING).deadline == date(2026, 11, 17)  # first seen Tuesday, default 10


@pytest.mark.parametrize(
    ("yaml_tail", "expected"),
    [("", 10), ("tracking:\n  deadline_working_days: 15\n", 15)],
    ids=["default", "set"],
)
def test_profile_tracking_section(tmp_path, yaml_tail, expected):
    path = tmp_path / "site.yaml"
    path.write_text(f"start_urls: [{ROOT}]\n{yaml_tail}", encoding="utf-8")
    assert load_profile(path).tracking.deadline_working_days == expected


def test_profile_refuses_a_deadline_of_no_days(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(f"start_urls: [{ROOT}]\ntracking:\n  deadline_working_days: 0\n", "utf-8")
    with pytest.raises(ProfileError, match=":3: tracking.deadline_working_days"):
        load_profile(path)


def test_run_changes_name_new_fixed_and_reopened(world, store):
    world.run([BROKEN, WORDING])
    world.run([WORDING], crawl(checks=(check(TARGET),)))
    third = world.run([BROKEN, PRIVACY], crawl(pages=(page(ARTICLE),)))
    with store.session() as s:
        changes = tracking.run_changes(s, third)
        assert [f.fingerprint for f in changes.opened] == [fingerprint(PRIVACY)]
        assert [f.fingerprint for f in changes.reopened] == [fingerprint(BROKEN)]
        assert [f.fingerprint for f in changes.fixed] == [fingerprint(WORDING)]


def test_availability_finding_is_rechecked_only_over_enough_probes():
    """Without a week of probes (the probe cron stopped) a run proves nothing about 站点无法访问."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from checks.model import AvailabilityView, CrawlData
    from xuncha.tracking import rechecked

    finding = SimpleNamespace(
        check="site_unreachable", subtype="availability", url="https://a.gov.cn/",
        page=None, pages=[], evidence={},
    )  # fmt: skip
    now = datetime.now(UTC)
    bare = CrawlData("站", ("https://a.gov.cn/",), ("a.gov.cn",), now)
    week = AvailabilityView(tries=30, failures=0, since=now, until=now)
    probed = CrawlData("站", ("https://a.gov.cn/",), ("a.gov.cn",), now, availability=week)
    assert rechecked(finding, bare) is False
    assert rechecked(finding, probed) is True


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_findings_are_recorded_and_read_back_a_chunk_at_a_time(world, store, monkeypatch, chunk):
    """However many findings a run raises, the session holds one chunk of rows at a time: the
    outcome (statuses, events, the report's order) is the same for every chunk size."""
    monkeypatch.setattr(lifecycle, "RECORD_CHUNK", chunk)
    monkeypatch.setattr(queries, "LOAD_CHUNK", chunk)
    many = [
        finding("wrong_link", "private_address", f"http://10.0.0.{n}/", page=ARTICLE,
                key=f"private_address|http://10.0.0.{n}/", severity=("low", "high")[n % 2])
        for n in range(10)
    ]  # fmt: skip
    world.run([*many, many[3]])  # one defect raised twice is one finding
    assert list(world.raised) == [fingerprint(f) for f in many] and world.held == []
    second = world.run(many[4:], crawl(pages=(page(ARTICLE),)))  # the first four are gone
    assert world.raised == dict.fromkeys(map(fingerprint, many[4:]), "open") and world.held == []
    with store.session() as s:
        order = [(f.severity, f.url) for f in tracking.run_findings(s, s.get(Run, second))]
        held = [o for o in s.identity_map.values() if isinstance(o, Finding)]
    high_first = sorted(((f.severity, f.url) for f in many[4:]), key=lambda k: (k[0] != "high", k))
    assert order == high_first
    assert held == []
    assert [world.row(f).status for f in many[:4]] == ["fixed"] * 4
    assert [e.action for e in world.events(many[0])] == ["opened", "fixed"]
