"""End to end: the demo portal's three nights inspected in turn, with one SQLite database.

One :class:`DemoPortal` (same ports, certificates and CA, so one site in the store) serves
night 1 (as published), night 2 (after the rectification) and night 3 (one fix undone); each
night is inspected on its own ``as_of`` by the real CLI path. Each run must see exactly the
defects :func:`xuncha.demo.nights.planted_for` lists for its night: the findings whose
``last_seen`` is that night's date. After each night the store's findings (every status,
read back through ``xuncha findings --format json``) must carry the statuses of
:func:`xuncha.demo.nights.lifecycle_expectations`: fixed on night 2, one reopened on night 3.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner

from xuncha.cli import cli
from xuncha.demo import DEMO_NIGHTS, DemoPortal, article_paths, demo_profile
from xuncha.demo.nights import NIGHTS, lifecycle_expectations, planted_for
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Store
from xuncha.store.prior import SAMPLED_PAGES, WATCH_MAX_PAGES


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """night -> (findings.json document, the GET requests the portal answered that night, the
    store's every finding after that night)."""
    work = tmp_path_factory.mktemp("demo-nights")
    db_url = f"sqlite:///{work / 'xuncha.db'}"
    store = Store(db_url)
    documents: dict[int | str, Any] = {}
    try:
        with DemoPortal(work / "portal") as portal:
            # 5 working days: night 1's findings fall due on night 2, so night 3's look-back
            # has every outcome the webmaster's week can give (on time, overdue, not yet due).
            profile = Profile.model_validate(
                {**demo_profile(portal), "tracking": {"deadline_working_days": 5}}
            )
            for night in NIGHTS:
                portal.set_night(night)
                portal.reset()
                outcome = inspect_site(
                    profile,
                    store,
                    as_of=DEMO_NIGHTS[night],
                    out_dir=work / f"night-{night}",
                    progress="off",
                )
                document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
                gets = Counter(
                    (r.host, r.path_with_query.split("?", 1)[0])
                    for r in portal.requests
                    if r.method == "GET"
                )
                every = CliRunner().invoke(cli, ["findings", "--db", db_url, "--format", "json"])
                assert every.exit_code == 0, every.output
                documents[night] = (document, gets, json.loads(every.output))
            lookback = CliRunner().invoke(
                cli,
                ["lookback", "--db", db_url, "--since", DEMO_NIGHTS[1].isoformat(),
                 "--until", DEMO_NIGHTS[3].isoformat(), "--as-of", DEMO_NIGHTS[3].isoformat(),
                 "--format", "json", "--out", str(work / "lookback.json")],
            )  # fmt: skip
            assert lookback.exit_code == 0, lookback.output
            ledger = CliRunner().invoke(
                cli, ["ledger", "--db", db_url, "--out", str(work / "ledger.xlsx")]
            )
            assert ledger.exit_code == 0, ledger.output
            documents["lookback"] = json.loads((work / "lookback.json").read_text("utf-8"))
            documents["ledger"] = work / "ledger.xlsx"
            yield portal, documents
    finally:
        store.dispose()


@pytest.mark.parametrize("night", NIGHTS, ids=[f"night-{n}" for n in NIGHTS])
def test_each_night_runs_complete_on_its_date(nights, night):
    _, documents = nights
    run = documents[night][0]["run"]
    assert (run["status"], run["complete"]) == ("finished", True)
    assert run["as_of"] == DEMO_NIGHTS[night].isoformat()


def test_the_three_runs_are_runs_of_one_site(nights):
    """Same ports, same start URL: the store holds one site with three runs, dated in order."""
    _, documents = nights
    runs = [documents[night][0]["run"] for night in NIGHTS]
    sites = {json.dumps(documents[night][0]["site"], sort_keys=True) for night in NIGHTS}
    assert len(sites) == 1
    assert [run["id"] for run in runs] == sorted({run["id"] for run in runs})
    assert [run["as_of"] for run in runs] == sorted({run["as_of"] for run in runs})


@pytest.mark.parametrize("night", NIGHTS, ids=[f"night-{n}" for n in NIGHTS])
def test_each_night_sees_exactly_its_planted_defects(nights, night):
    portal, documents = nights
    document = documents[night][0]
    seen = Counter(
        (f["check"], f["subtype"], f["url"])
        for f in document["findings"]
        if f["last_seen"] == DEMO_NIGHTS[night].isoformat()
    )
    expected = Counter((p.check, p.subtype, p.resolve(portal)) for p in planted_for(night))
    assert seen - expected == Counter(), "unexpected findings"
    assert expected - seen == Counter(), "planted defects not seen"


def _subject_pages(finding: dict) -> list[str]:
    return [] if finding["check"] in SAMPLED_PAGES else finding["pages"][:WATCH_MAX_PAGES]


@pytest.mark.parametrize("night", NIGHTS, ids=[f"night-{n}" for n in NIGHTS])
def test_each_night_fetches_what_it_must_and_no_article_twice(nights, night):
    """Night 1 fetches every article once. Nights 2 and 3 follow a complete run, so they are
    incremental (增量巡查): every new article and every article a finding of the night before
    names (open, or fixed lately: the 回头看) is fetched once; the rest are carried forward
    unfetched — the demo server sends no validators, and none of them is due for rotation."""
    _, documents = nights
    gets = documents[night][1]
    paths = article_paths(night)
    assert [path for path in sorted(paths) if gets[path] > 1] == []
    if night == 1:
        assert [path for path in sorted(paths) if gets[path] != 1] == []
        return
    before = documents[night - 1][2]  # every finding of the store after the night before
    named = {
        url
        for f in (before["findings"] if isinstance(before, dict) else before)
        if f["status"] in ("open", "reopened", "fixed")
        # a finding names its own pages; site_identity's are a sample, not its subject
        for url in (f["url"], f["page"], *_subject_pages(f))
        if url
    }
    watched = {path for path in paths if any(url.endswith(path[1]) for url in named)}
    must = (paths - article_paths(night - 1)) | watched
    assert [path for path in sorted(must) if gets[path] != 1] == []
    carried = paths - must
    assert len(carried) >= len(paths) // 2
    assert [path for path in sorted(carried) if gets[path]] == []


def test_a_finding_seen_again_keeps_its_id(nights):
    """The same defect on two nights is one finding: night 1's ids of what night 3 still
    reports are night 3's ids (the basis of 整改台账 and 回头看)."""
    portal, documents = nights
    ids = {
        night: {
            (f["check"], f["subtype"], f["url"]): f["id"]
            for f in documents[night][0]["findings"]
            if f["last_seen"] == DEMO_NIGHTS[night].isoformat()
        }
        for night in NIGHTS
    }
    both = ids[1].keys() & ids[3].keys()
    assert len(both) == len(planted_for(3)) - 1  # all but night 2's new defect
    assert {key: ids[3][key] for key in both} == {key: ids[1][key] for key in both}


@pytest.mark.parametrize("night", NIGHTS, ids=[f"night-{n}" for n in NIGHTS])
def test_every_finding_has_its_lifecycle_status_after_each_night(nights, night):
    """整改跟踪: fixed only when a complete run re-checked the thing; back → reopened; dates."""
    portal, documents = nights
    stored = documents[night][2]["findings"]
    got = Counter(
        (f["check"], f["subtype"], f["url"], f["status"], f["first_seen"], f["last_seen"])
        for f in stored
    )
    expected = Counter(
        (o.check, o.subtype, o.resolve(portal), o.status, o.first_seen_date.isoformat(),
         o.last_seen_date.isoformat())
        for o in lifecycle_expectations()[night]
    )  # fmt: skip
    assert got - expected == Counter(), "findings the lifecycle did not expect"
    assert expected - got == Counter(), "expected findings missing or in another state"


def test_look_back_after_three_nights(nights):
    """回头看 over the three nights, judged on night 3: 11 fixed on night 2 (on time: their
    deadline was night 2), the one that came back, 31 never fixed and overdue (issue 11 adds the
    blank 专项资金, the unanswered letter, the 暗链, the 外链变质 and the incomplete 办事指南), and
    night 2's new defect not yet due."""
    _, documents = nights
    totals = documents["lookback"]["totals"]
    assert totals["total"] == len(lifecycle_expectations()[3])
    counts = {key: n for key, n in totals["counts"].items() if n}
    assert counts == {"fixed_on_time": 11, "reopened": 1, "open_overdue": 31, "open": 1}
    assert sum(row["total"] for row in documents["lookback"]["units"]) == totals["total"]


LEDGER_HEADER = ["序号", "网站", "问题类型", "问题描述", "问题链接", "所在页面", "责任单位",
                 "责任人", "发现时间", "整改时限", "整改状态", "复核情况", "备注", "整改措施",
                 "整改情况", "编号"]  # fmt: skip


def test_ledger_after_three_nights(nights):
    """整改台账: one row per finding with the inspectors' columns and the re-check outcome."""
    from openpyxl import load_workbook

    portal, documents = nights
    sheet = load_workbook(documents["ledger"]).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == LEDGER_HEADER
    body = [dict(zip(LEDGER_HEADER, row, strict=True)) for row in rows[1:]]
    assert [row["序号"] for row in body] == list(range(1, len(body) + 1))
    assert len(body) == len(lifecycle_expectations()[3])
    by_url: dict[object, list[dict[str, Any]]] = {}
    for row in body:
        by_url.setdefault(row["问题链接"] or "", []).append(row)  # an empty href is an empty cell
    for outcome in lifecycle_expectations()[3]:
        rows_for = by_url.get(outcome.resolve(portal), [])
        assert rows_for, outcome.key
        review = " ".join(str(r["复核情况"] or "") for r in rows_for)
        if outcome.status == "fixed":
            assert "复核已整改" in review, (outcome.key, review)
        elif outcome.status == "reopened":
            assert "复发" in review, (outcome.key, review)
