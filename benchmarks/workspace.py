"""Measure the workspace (xuncha serve) over a store of `--findings` findings (issue 14).

The findings list must page in under 300 ms with 100,000 findings. This script fills a store
straight (no crawl): `--sites` sites with a run each, findings spread over the checks,
severities, statuses, 12 units and 60 columns, one history event each. It then serves the app
under uvicorn on loopback, logs in as an admin and as a unit user over HTTP, and times each
request of a list a webmaster would open, `--repeat` times, printing min / median / max in
milliseconds. A script that prints figures, not a test.

    .venv/bin/python benchmarks/workspace.py --findings 100000
    .venv/bin/python benchmarks/workspace.py --findings 100000 --db postgresql+psycopg://…/bench
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from workspace_world import csrf_of, serving  # noqa: E402

from checks.registry import REGISTRY  # noqa: E402
from xuncha import accounts  # noqa: E402
from xuncha.store import Finding, FindingEvent, Run, Site, Store  # noqa: E402
from xuncha.store.models import table_of  # noqa: E402
from xuncha.web.app import Settings, create_app  # noqa: E402

UNITS = [f"单位{n:02d}" for n in range(12)]
COLUMNS = [f"栏目{n:02d}" for n in range(60)]
STATUSES = ["open"] * 6 + ["reopened", "fixed", "fixed", "waived", "false_positive"]
SEVERITIES = ["high", "medium", "medium", "low", "low", "low"]
AS_OF = date(2026, 11, 20)


def fill(store: Store, count: int, sites: int) -> None:
    rng = random.Random(14)
    checks = sorted(REGISTRY)
    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        run_ids = []
        for n in range(sites):
            site = Site(key=f"https://site{n}.example.gov.cn", name=f"站点{n}（基准）",
                        start_url=f"https://site{n}.example.gov.cn/")  # fmt: skip
            session.add(site)
            session.flush()
            run = Run(site_id=site.id, started_at=now, finished_at=now, as_of=AS_OF,
                      status="finished", complete=True, profile={}, stats={},
                      score={"verdict": "不合格", "vetoes": [], "points": None})  # fmt: skip
            session.add(run)
            session.flush()
            run_ids.append((site.id, run.id))
        accounts.add_user(session, "bench", "admin", None, "bench-password")
        accounts.add_user(session, "unit", "unit", UNITS[3], "unit-password-1")
    batch: list[dict[str, object]] = []
    with store.engine.begin() as connection:
        for number in range(count):
            site_id, run_id = run_ids[number % sites]
            check = checks[number % len(checks)]
            first = AS_OF - timedelta(days=rng.randrange(0, 200))
            home = f"https://site{site_id}.example.gov.cn"
            batch.append(
                {
                    "site_id": site_id, "fingerprint": f"{check[:2]}-{number:012x}",
                    "check": check, "subtype": "bench", "severity": rng.choice(SEVERITIES),
                    "url": f"{home}/col{number % 60}/art_{number}.html",
                    "page": f"{home}/col{number % 60}/",
                    "pages": [], "column": rng.choice(COLUMNS),
                    "title": f"链接失效（404）第 {number} 号",
                    "detail": "所见：404。修复或删除失效链接。",
                    "evidence": {"status": 404}, "unit": rng.choice(UNITS),
                    "status": rng.choice(STATUSES), "first_seen": first, "last_seen": AS_OF,
                    "deadline": first + timedelta(days=14), "first_run_id": run_id,
                    "last_run_id": run_id, "unit_by_hand": False, "person": None, "note": None,
                    "status_reason": None, "evidence_digest": None,
                }
            )  # fmt: skip
            if len(batch) == 5000:
                connection.execute(insert(table_of(Finding)), batch)
                batch.clear()
        if batch:
            connection.execute(insert(table_of(Finding)), batch)
        ids = [row[0] for row in connection.execute(select(table_of(Finding).c.id))]
        events = [{"finding_id": i, "at": now, "run_id": run_ids[0][1], "actor": None,
                   "action": "opened", "old_status": None, "new_status": "open", "reason": None,
                   "changes": None} for i in ids]  # fmt: skip
        for start in range(0, len(events), 5000):
            connection.execute(insert(table_of(FindingEvent)), events[start : start + 5000])


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[float, float, float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        size = len(response.content)
    return min(times), statistics.median(times), max(times), size


def log_in(base: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    token = csrf_of(client)
    answer = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    assert answer.status_code == 303, answer.text[:300]
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--db", default=None, help="an empty database (default: SQLite in a temp dir)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store(url)
        started = time.perf_counter()
        fill(store, args.findings, args.sites)
        print(f"filled {args.findings:,} findings over {args.sites} sites in "
              f"{time.perf_counter() - started:.1f} s ({store.engine.dialect.name})")  # fmt: skip
        store.dispose()
        app = create_app(Settings(db_url=url, secret="b" * 48))
        with serving(app) as base:
            admin = log_in(base, "bench", "bench-password")
            unit = log_in(base, "unit", "unit-password-1")
            listing = admin.get("/findings").text
            first_id = re.search(r'href="/findings/(\d+)"', listing)
            assert first_id, "the list shows no finding"
            cases = [
                ("admin", admin, "/findings"),
                ("admin", admin, "/findings?page=1000"),
                ("admin", admin, "/findings?status=open&status=reopened&severity=high"),
                ("admin", admin, f"/findings?unit={UNITS[5]}&overdue=1&sort=deadline&desc=1"),
                ("admin", admin, "/findings?q=%E7%AC%AC+77777"),
                ("admin", admin, "/findings?sort=first_seen&desc=1&page=500"),
                ("unit", unit, "/findings"),
                ("admin", admin, f"/findings/{first_id.group(1)}"),
                ("admin", admin, "/"),
            ]
            print(f"{'who':6} {'request':64} {'min':>7} {'median':>7} {'max':>7}  bytes")
            for who, client, path in cases:
                low, middle, high, size = timed(client, path, args.repeat)
                print(f"{who:6} {path[:64]:64} {low:7.1f} {middle:7.1f} {high:7.1f}  {size:,}")
            admin.close()
            unit.close()
        app.state.store.dispose()


if __name__ == "__main__":
    main()
