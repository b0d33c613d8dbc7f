"""Benchmark a night of many sites: ``xuncha run --all`` one site after another and several at
once.

One invocation: generate ``--sites`` portals of ``--articles`` articles each (benchmarks/
portal.py, each its own seed) in a temporary folder, serve each on its own port of 127.0.0.1
with one nginx (the configuration of benchmarks/run.py, one server block per site), write one
profile per site (the profile's default politeness: what a webmaster's night uses), then run
the night twice into fresh databases — ``--parallel 1`` and the default — and print the wall
time of each, their ratio (the target is 0.25 or less), how many sites ran at once, and the
peak resident memory per site and in all.

What it emulates: portals on slow servers, as benchmarks/run.py ``--slow`` does: each response's
first 1 kB goes out at once and the rest at ``--rate`` per connection (nginx's ``limit_rate``
with ``sendfile_max_chunk 1k``; the default 180k makes a 10 kB page take 50 ms and a generated
article page, about 4.3 kB with its headers, about 18 ms). No first-byte delay: a HEAD answer
is not slowed. A lower rate emulates slower servers (3k: an article page in about a second).
The politeness per site (4 requests at once, AutoThrottle) is the profile's default.

Memory is sampled from /proc every 0.2 s over the night's whole process tree: the peak of the
tree's summed resident sets (``total``), and each process's own high-water mark (``VmHWM``):
per site, its process (checks, tracking, reports) plus its crawl process; in a sequential
night the one process that judges every site. The crawl's exact peak (``ru_maxrss``) is also
read from each run's stats.

Needs nginx (the Debian package) and, by default, PostgreSQL on 127.0.0.1:5432 (``--admin-url``;
two databases are created and dropped); ``--sqlite`` uses SQLite files instead, and then the
parallel night is given the machine's default explicitly (on SQLite the default is 1). All
traffic stays on 127.0.0.0/8. A script that prints figures, not a test.

    .venv/bin/python benchmarks/night.py --sites 6 --articles 100    # a few minutes
    .venv/bin/python benchmarks/night.py --sites 8 --articles 50     # about 12 minutes
    .venv/bin/python benchmarks/night.py                             # 40 sites × 500 articles
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.portal import PortalSpec, generate_portal  # noqa: E402
from benchmarks.run import (  # noqa: E402
    EXTERNAL_HOSTS,
    NGINX_CONF,
    Result,
    _ensure_package,
    _free_port,
    _measure,
)
from benchmarks.serve import SLOW_CHUNK, SLOW_RATE  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SAMPLE_SECONDS = 0.2


@dataclass
class Sampled:
    """What /proc said of one process tree: each process's kind, parent and high-water mark
    (kB), and the largest sum of the tree's resident sets seen at one moment."""

    kinds: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    hwm_kb: dict[int, int] = field(default_factory=dict)
    total_kb: int = 0


def _status(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, VmRSS kB, VmHWM kB) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    try:
        return (int(fields["PPid"]), int(fields.get("VmRSS", "0 kB").split()[0]),
                int(fields.get("VmHWM", "0 kB").split()[0]))  # fmt: skip
    except (KeyError, ValueError):
        return None


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _kind(pid: int) -> str:
    command = _command(pid)
    if "xuncha.run.night_site" in command:
        return "site"
    if "crawler.crawl" in command:
        return "crawl"
    return "other"


def _sample(root: int, sampled: Sampled, done: threading.Event) -> None:
    while not done.is_set():
        statuses = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (status := _status(int(entry.name))) is not None:
                statuses[int(entry.name)] = status
        tree, total = {root}, 0
        for pid in sorted(statuses):  # a child's pid is larger than its parent's (no wrap here)
            if pid == root or statuses[pid][0] in tree:
                tree.add(pid)
                parent, rss, hwm = statuses[pid]
                total += rss
                if pid not in sampled.kinds:
                    sampled.kinds[pid] = "night" if pid == root else _kind(pid)
                    sampled.parents[pid] = parent
                sampled.hwm_kb[pid] = max(hwm, sampled.hwm_kb.get(pid, 0))
        sampled.total_kb = max(sampled.total_kb, total)
        done.wait(SAMPLE_SECONDS)


@dataclass
class Night:
    label: str
    parallel: int
    sampled: Sampled = field(default_factory=Sampled)
    crawl_peaks_mb: list[float] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.measured = Result(f"night-{self.label}")  # its output: WORK/night-LABEL.out


def _mb(kb: float) -> float:
    return round(kb / 1024, 1)


def _night_pid(done: threading.Event) -> int | None:
    """The pid of the ``xuncha run`` this script started (run.py's ``_measure`` starts it)."""
    me = os.getpid()
    while not done.is_set():
        for entry in Path("/proc").iterdir():
            pid = int(entry.name) if entry.name.isdigit() else 0
            status = _status(pid) if pid else None
            if status is not None and status[0] == me and " xuncha run " in _command(pid):
                return pid
        done.wait(0.05)
    return None


def _watch(sampled: Sampled, done: threading.Event) -> None:
    root = _night_pid(done)
    if root is not None:
        _sample(root, sampled, done)


def run_night(work: Path, night: Night, db_url: str, as_of: str, parallel_args: list[str],
              timeout: float) -> None:  # fmt: skip
    """One night, measured by run.py's ``_measure`` (wall, CPU of the whole tree, nginx's log)
    while a thread samples the tree's memory."""
    command = [sys.executable, "-m", "xuncha", "run", "--all", str(work / "profiles"),
               "--db", db_url, "--out", str(work / f"out-{night.label}"), "--as-of", as_of,
               "-q", *parallel_args]  # fmt: skip
    done = threading.Event()
    sampler = threading.Thread(target=_watch, args=(night.sampled, done))
    sampler.start()
    try:
        _measure(night.measured, command, work, work / "access.log", timeout)
    finally:
        done.set()
        sampler.join()
    _read_runs(night, db_url)


def _read_runs(night: Night, db_url: str) -> None:
    from sqlalchemy import select

    from xuncha.store import Run, Store

    store = Store(db_url, migrate=False)
    with store.session() as session:
        for run in session.scalars(select(Run)):
            night.runs[run.status] = night.runs.get(run.status, 0) + 1
            peak = (run.stats or {}).get("xuncha/crawl_peak_rss_mb")
            if peak:
                night.crawl_peaks_mb.append(float(peak))
    store.dispose()


def _per_site_mb(sampled: Sampled) -> tuple[list[float], list[float], float]:
    """(each site process's peak, each site process + its crawl's peak, the night's own)."""
    sites, pairs = [], []
    for pid, kind in sampled.kinds.items():
        if kind != "site":
            continue
        crawls = [sampled.hwm_kb[c] for c, p in sampled.parents.items() if p == pid
                  and sampled.kinds[c] == "crawl"]  # fmt: skip
        sites.append(_mb(sampled.hwm_kb[pid]))
        pairs.append(_mb(sampled.hwm_kb[pid] + max(crawls, default=0)))
    night = [_mb(hwm) for pid, hwm in sampled.hwm_kb.items() if sampled.kinds[pid] == "night"]
    return sites, pairs, max(night, default=0.0)


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values):.0f}, max {max(values):.0f}"


def report(nights: list[Night], sites: int, articles: int, rate: str) -> None:
    print(f"\n{sites} sites × {articles} articles, nginx limit_rate {rate}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    for night in nights:
        site_mb, pair_mb, own_mb = _per_site_mb(night.sampled)
        measured = night.measured
        print(f"\n{night.label}: --parallel {night.parallel}, exit {measured.exit_code}, "
              f"runs {night.runs}, {measured.requests} requests")  # fmt: skip
        print(f"  wall                     {measured.wall_s:8.1f} s")
        print(f"  CPU, whole night         {measured.cpu_s:8.1f} s (user + system)")
        print(f"  peak RSS, whole night    {_mb(night.sampled.total_kb):8.1f} MB (sampled sum)")
        print(f"  the night's own process  {own_mb:8.1f} MB")
        print(f"  crawl process, per site  {_spread(night.crawl_peaks_mb)} MB (ru_maxrss)")
        if site_mb:
            print(f"  site process, per site   {_spread(site_mb)} MB (checks, tracking, reports)")
            print(f"  site + its crawl         {_spread(pair_mb)} MB")
    walls = [night.measured.wall_s for night in nights]
    if len(walls) == 2 and walls[0] and walls[1]:
        ratio = walls[1] / walls[0]
        print(f"\nparallel / sequential wall time: {ratio:.3f} (target ≤ 0.25)")


def _databases(args: argparse.Namespace, work: Path) -> tuple[list[str], object]:
    if args.sqlite:
        return [f"sqlite:///{work / 'sequential.db'}", f"sqlite:///{work / 'parallel.db'}"], None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    urls = []
    with admin.connect() as connection:
        for label in ("sequential", "parallel"):
            name = f"xuncha_bench_night_{label}_{os.getpid()}"
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(args.admin_url).set(database=name)
            urls.append(url.render_as_string(hide_password=False))
    return urls, admin


def _drop(admin: object, urls: list[str]) -> None:
    from sqlalchemy import Engine, text
    from sqlalchemy.engine import make_url

    assert isinstance(admin, Engine)
    with admin.connect() as connection:
        for url in urls:
            database = make_url(url).database
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def serve(work: Path, ports: list[int], rate: str) -> subprocess.Popen[bytes]:
    """One nginx: site 0 is run.py's main server block, the others and the two outside hosts
    blocks of their own; every response sent at `rate`."""
    blocks = [f"    limit_rate {rate}; sendfile_max_chunk {SLOW_CHUNK};"]
    blocks += [f"    server {{ listen 127.0.0.1:{port}; root {work}/site-{n}; index index.html; }}"
               for n, port in enumerate(ports) if n]  # fmt: skip
    blocks += [f"    server {{ listen {host}:{ports[0]}; root {work}/ext{n}; index index.html; }}"
               for n, host in enumerate(EXTERNAL_HOSTS)]  # fmt: skip
    (work / "tmp").mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=ports[0], externals="\n".join(blocks)))
    nginx = subprocess.Popen(["nginx", "-e", str(work / "nginx-error.log"), "-p", str(work),
                              "-c", str(conf)])  # fmt: skip
    for port in ports:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            nginx.kill()
            sys.exit(f"nginx did not start: see {work / 'nginx-error.log'}")
    return nginx


def generate(work: Path, sites: int, articles: int) -> list[int]:
    """The portals and their profiles; the port of each."""
    ports = [_free_port() for _ in range(sites)]
    externals = [f"http://{host}:{ports[0]}/" for host in EXTERNAL_HOSTS]
    profiles = work / "profiles"
    profiles.mkdir()
    for n, port in enumerate(ports):
        spec = PortalSpec(articles=articles, seed=PortalSpec.seed + n)
        generate_portal(work / ("site" if n == 0 else f"site-{n}"), spec, externals)
        (profiles / f"site-{n:03d}.yaml").write_text(
            f"name: 示范县{n}（基准测试）\nstart_urls: ['http://127.0.0.1:{port}/']\n",
            encoding="utf-8",
        )
    return ports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sites", type=int, default=40, help="sites (default 40)")
    parser.add_argument("--articles", type=int, default=500, help="articles a site (default 500)")
    parser.add_argument("--rate", default=SLOW_RATE,
                        help=f"limit_rate after the first 1 kB (default {SLOW_RATE})")  # fmt: skip
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, not PostgreSQL")
    parser.add_argument("--admin-url", default=ADMIN_URL, help=f"PostgreSQL (default {ADMIN_URL})")
    parser.add_argument("--only", choices=["sequential", "parallel"], help="run one night only")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds per night")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    from xuncha.run.night_pool import available_mb, default_parallel, usable_cores

    _ensure_package("nginx", "nginx")
    work = Path(tempfile.mkdtemp(prefix="xuncha-bench-night-"))
    work.chmod(0o755)  # nginx workers may run as another user
    started = time.perf_counter()
    ports = generate(work, args.sites, args.articles)
    print(f"generated {args.sites} portals in {time.perf_counter() - started:.1f} s: {work}",
          flush=True)  # fmt: skip
    parallel = default_parallel(cores=usable_cores(), available_mb=available_mb(),
                                sites=args.sites, sqlite=False)  # fmt: skip
    nights = [Night("sequential", 1), Night("parallel", parallel)]
    if args.only:
        nights = [night for night in nights if night.label == args.only]
    as_of = PortalSpec().as_of.isoformat()
    nginx = serve(work, ports, args.rate)
    urls, admin = _databases(args, work)
    try:
        for night in nights:
            db_url = urls[0] if night.label == "sequential" else urls[1]
            print(f"running the {night.label} night (--parallel {night.parallel}) …", flush=True)
            explicit = night.parallel == 1 or args.sqlite  # else the default, as cron runs it
            given = ["--parallel", str(night.parallel)] if explicit else []
            run_night(work, night, db_url, as_of, given, args.timeout)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        if admin is not None:
            _drop(admin, urls)
    report(nights, args.sites, args.articles, args.rate)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
