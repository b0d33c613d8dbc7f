"""One big site's crawl on one core or several: ``xuncha run`` in one process against
``xuncha run --workers N`` (本机多进程巡查), into PostgreSQL, on the benchmark's portal.

One invocation: generate the portal (benchmarks/portal.py), serve it with nginx as
benchmarks/run.py does (its functions, the same configuration and access log), then run the
commands in turn, ``--rounds`` times each, alternating, each into a scratch PostgreSQL database
created for it and dropped afterwards, on its own Redis key prefix. It prints for each: wall
time of the command, the crawl's own time (the seeding crawl's ``elapsed_time_seconds``), CPU
seconds of the command and every process it waited for (``os.wait4``), how busy the whole
machine was meanwhile (``/proc/stat``: nginx, PostgreSQL and Redis share the cores), requests
and repeated requests as nginx logged them (a method and URL asked more than once), pages
stored, and the speed-up of each over one process. A script that prints figures, not a test.

    .venv/bin/python benchmarks/workers.py --articles 5000
    .venv/bin/python benchmarks/workers.py --articles 5000 --workers 1,2 --rounds 2

Needs nginx, a Redis (``--redis``, default ``$XUNCHA_REDIS_URL`` or the local one) and a
PostgreSQL server whose administrative URL (``--postgres``) may create databases.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.portal import PortalSpec, generate_portal  # noqa: E402
from benchmarks.run import (  # noqa: E402
    EXTERNAL_HOSTS,
    Result,
    _ensure_package,
    _free_port,
    _measure,
    _start_nginx,
)

POSTGRES = os.environ.get(
    "XUNCHA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS = os.environ.get("XUNCHA_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Figures:
    """One command's figures."""

    label: str
    workers: int  # 0: one process, no Redis
    wall_s: float
    crawl_s: float
    cpu_s: float
    machine_busy: float  # share of every core busy during the command, 0..1
    requests: int
    repeated: int  # requests beyond the first of a method and URL
    pages: int
    status: str
    shares: list[int]


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


@contextmanager
def _scratch_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"xuncha_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _latest_run(db_url: str) -> dict[str, object]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT status, complete, pages, stats FROM runs "
                                    "ORDER BY id DESC LIMIT 1")).one()  # fmt: skip
    finally:
        engine.dispose()
    return dict(row._mapping)


def _log_lines(log: Path, offset: int) -> list[list[str]]:
    with log.open("rb") as handle:
        handle.seek(offset)
        return [line.decode().rstrip("\n").split("\t") for line in handle]


def _redis_calls(redis_url: str) -> Counter[str]:
    """Commands Redis has served since its start, by name (``INFO commandstats``)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return Counter({name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()})


def _leftover_keys(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return sum(1 for _ in client.scan_iter(match=f"{prefix}:*"))
    finally:
        client.close()


def crawl_once(work: Path, workers: int, args: argparse.Namespace) -> Figures:
    """``xuncha run`` (workers 0) or ``xuncha run --workers N`` into a scratch database."""
    label = "one process" if workers == 0 else f"--workers {workers}"
    prefix = f"xuncha-bench-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, XUNCHA_REDIS_PREFIX=prefix, XUNCHA_REDIS_URL=args.redis)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(ROOT)) if p)
    log = work / "access.log"
    out = work / f"out-{prefix}"
    with _scratch_database(args.postgres) as db_url:
        # The schema first, outside the figures (as every night after the first).
        _measure(Result("schema"), [sys.executable, "-m", "xuncha", "prune", "--db", db_url],
                 work, log, args.timeout, env)  # fmt: skip
        command = [sys.executable, "-m", "xuncha", "run", "--profile", "profile.yaml",
                   "--db", db_url, "--concurrency", str(args.concurrency), "--out", str(out),
                   "--as-of", args.as_of, "-q"]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        offset = log.stat().st_size if log.exists() else 0
        calls0 = _redis_calls(args.redis)
        busy0, total0 = _machine_ticks()
        result = Result(label.replace(" ", "-"))
        _measure(result, command, work, log, args.timeout, env)
        busy1, total1 = _machine_ticks()
        calls = _redis_calls(args.redis) - calls0
        if result.exit_code != 0:
            print((work / f"{result.tool}.out").read_text(errors="replace")[-3000:])
        run = _latest_run(db_url)
    lines = _log_lines(log, offset)
    seen = Counter((f[0], f[3], f[4]) for f in lines)
    stats = run["stats"] if isinstance(run["stats"], dict) else {}
    frontier = stats.get("frontier") or {}
    shares = [w["responses"] for w in frontier.get("workers", [])] or [len(lines)]
    if workers and args.redis_calls:
        top = ", ".join(f"{name} {n / max(1, len(lines)):.1f}" for name, n in calls.most_common(8))
        per = calls.total() / max(1, len(lines))
        print(f"  Redis commands per request, scripts' own included: {per:.1f} ({top})")
    leftovers = _leftover_keys(args.redis, prefix)
    if leftovers:
        print(f"  ! {leftovers} Redis keys left under {prefix}")
    return Figures(
        label=label,
        workers=workers,
        wall_s=result.wall_s or 0.0,
        crawl_s=float(stats.get("elapsed_time_seconds", 0.0)),
        cpu_s=result.cpu_s or 0.0,
        machine_busy=(busy1 - busy0) / max(1, total1 - total0),
        requests=len(lines),
        repeated=sum(n - 1 for n in seen.values() if n > 1),
        pages=int(str(run["pages"] or 0)),
        status=f"{run['status']}{'' if run['complete'] else ', incomplete'}",
        shares=shares,
    )


def _row(figures: Figures, base: Figures | None) -> str:
    speed = ""
    if base is not None and figures.wall_s and figures.crawl_s:
        speed = (f"  ×{base.wall_s / figures.wall_s:.2f} wall, "
                 f"×{base.crawl_s / figures.crawl_s:.2f} crawl")  # fmt: skip
    return (f"{figures.label:<13} wall {figures.wall_s:7.1f} s  crawl {figures.crawl_s:7.1f} s  "
            f"CPU {figures.cpu_s:7.1f} s  machine busy {figures.machine_busy:4.0%}  "
            f"requests {figures.requests:6d}  repeated {figures.repeated:3d}  pages "
            f"{figures.pages:6d}  {figures.status}  shares {figures.shares}{speed}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=5000, help="article pages (default 5000)")
    parser.add_argument("--concurrency", type=int, default=64,
                        help="concurrent requests of each process (default 64)")  # fmt: skip
    parser.add_argument("--workers", default="2", help="--workers values, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each command (default 1)")
    parser.add_argument("--postgres", default=POSTGRES, help="administrative PostgreSQL URL")
    parser.add_argument("--redis", default=REDIS, help="Redis URL")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--redis-calls", action="store_true",
                        help="print the Redis commands per request (INFO commandstats, which "
                        "counts the commands of scripts too; the Redis must serve nothing "
                        "else meanwhile)")  # fmt: skip
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n]

    _ensure_package("nginx", "nginx")
    spec = PortalSpec(articles=args.articles)
    args.as_of = spec.as_of.isoformat()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-workers-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx workers may run as another user
        port = _free_port()
        origin = f"http://127.0.0.1:{port}/"
        externals = [f"http://{host}:{port}/" for host in EXTERNAL_HOSTS]
        manifest = generate_portal(work / "site", spec, externals)
        profile = {
            "name": "示范县人民政府（多进程基准）",
            "start_urls": [origin],
            "politeness": {
                "concurrent_per_host": args.concurrency,
                "autothrottle": False,
                "delay": 0.0,
            },
            "limits": {"max_pages": max(100000, spec.articles * 3)},
        }
        (work / "profile.yaml").write_text(json.dumps(profile, ensure_ascii=False))
        print(f"portal: {manifest.html_pages:,} HTML pages, {manifest.files:,} files; "
              f"{args.concurrency} concurrent requests per process; {os.cpu_count()} CPUs; "
              "nginx, PostgreSQL and Redis on the same machine", flush=True)  # fmt: skip
        nginx = _start_nginx(work, port)
        rows: list[Figures] = []
        try:
            for _ in range(args.rounds):
                for workers in (0, *counts):
                    figures = crawl_once(work, workers, args)
                    rows.append(figures)
                    print(_row(figures, None), flush=True)
        finally:
            nginx.terminate()
            nginx.wait()
    print("\nmeans:")
    means = []
    for workers in (0, *counts):
        mine = [r for r in rows if r.workers == workers]
        mean = Figures(
            label=mine[0].label,
            workers=workers,
            **{field: sum(getattr(r, field) for r in mine) / len(mine)
               for field in ("wall_s", "crawl_s", "cpu_s", "machine_busy")},
            requests=mine[-1].requests,
            repeated=max(r.repeated for r in mine),
            pages=mine[-1].pages,
            status=mine[-1].status,
            shares=mine[-1].shares,
        )  # fmt: skip
        means.append(mean)
        print(_row(mean, means[0] if workers else None))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
