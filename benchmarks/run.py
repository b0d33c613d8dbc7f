"""Benchmark Xuncha against linkinator and wget on one generated portal served by nginx.

One invocation: generate the portal (benchmarks/portal.py) in a temporary folder, start nginx on
127.0.0.1 with a configuration written there (benchmarks/serve.py; no system file touched), run
each tool in turn,
and print one table — wall time, CPU seconds (and per 1,000 requests), peak RSS, requests and
bytes as nginx logged them for that tool, broken links found — and, with --json, write it.
Beside the nightly re-run's requests it prints the necessary minimum (issue 13) and what the
requests were, grouped. --broken-shape chooses how the portal's broken links repeat (both: the
whole set twice, two tables); --slow serves everything through an emulated slow server and runs
every tool at 8 concurrent requests.

Needs nginx and wget (Debian packages; run as root, the script installs them with apt-get when
they are missing) and, for linkinator, npm with access to the npm registry (installed once into
~/.cache/xuncha-benchmarks; skipped with a printed reason when that fails). All benchmark traffic
stays on 127.0.0.0/8. A script that prints figures, not a test.

    .venv/bin/python benchmarks/run.py --articles 2000 --json bench.json
    .venv/bin/python benchmarks/run.py --articles 2000 --broken-shape both --slow
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.minimum import (  # noqa: E402
    NightlyMinimum,
    describe,
    nightly_minimum,
    nightly_requests,
)
from benchmarks.portal import (  # noqa: E402
    BROKEN_SHAPES,
    PortalManifest,
    PortalSpec,
    generate_portal,
)
from benchmarks.serve import (  # noqa: E402
    DEAD_HOSTS,
    SLOW_CHUNK,
    SLOW_CONCURRENCY,
    SLOW_RATE,
    slow_probe,
)

# What night.py and workers.py import from here: the serving moved to serve.py.
from benchmarks.serve import EXTERNAL_HOSTS as EXTERNAL_HOSTS  # noqa: E402
from benchmarks.serve import NGINX_CONF as NGINX_CONF  # noqa: E402
from benchmarks.serve import _ensure_package as _ensure_package  # noqa: E402
from benchmarks.serve import _free_port as _free_port  # noqa: E402
from benchmarks.serve import _start_nginx as _start_nginx  # noqa: E402

LINKINATOR = "linkinator@6"
CACHE = Path.home() / ".cache" / "xuncha-benchmarks"


@dataclass
class Result:
    """One tool's figures; ``note`` says why a figure is missing."""

    tool: str
    wall_s: float | None = None
    cpu_s: float | None = None
    cpu_s_per_1000_requests: float | None = None
    peak_rss_mb: float | None = None
    crawl_peak_rss_mb: float | None = None  # Xuncha: its crawl process alone
    requests: int | None = None
    pages: int | None = None
    bytes: int | None = None
    broken_found: int | None = None
    exit_code: int | None = None
    note: str = ""
    requests_minimum: int | None = None  # the nightly re-run: the necessary minimum (issue 13)


def _measure(result: Result, command: list[str], cwd: Path, log: Path, timeout: float,
             env: dict[str, str] | None = None) -> None:  # fmt: skip
    """Run ``command``, filling wall, CPU and peak RSS from ``wait4`` (the process and every
    descendant it waited for) and requests, pages and bytes from nginx's log lines it caused."""
    offset = log.stat().st_size if log.exists() else 0
    out = (cwd / f"{result.tool}.out").open("wb")
    started = time.perf_counter()
    # A session of its own, so a timeout kills the tool's children too (Xuncha crawls in one).
    process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)  # fmt: skip
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        os.killpg(process.pid, signal.SIGKILL)

    watchdog = threading.Timer(timeout, kill)
    watchdog.start()
    _, status, usage = os.wait4(process.pid, 0)
    result.wall_s = round(time.perf_counter() - started, 2)
    watchdog.cancel()
    if timed_out.is_set():
        result.note = f"killed after {timeout:g} s; "
    out.close()
    process.returncode = result.exit_code = os.waitstatus_to_exitcode(status)
    result.cpu_s = round(usage.ru_utime + usage.ru_stime, 2)
    result.peak_rss_mb = round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB
    time.sleep(0.3)  # let nginx write the last lines
    with log.open("rb") as handle:
        handle.seek(offset)
        lines = [line.decode().rstrip("\n").split("\t") for line in handle]
    result.requests = len(lines)
    result.bytes = sum(int(fields[2]) for fields in lines)
    result.pages = len(
        {
            (f[0], f[4])
            for f in lines
            if f[1] == "200" and f[3] == "GET" and f[4].endswith((".html", "/"))
        }
    )
    if result.requests:
        result.cpu_s_per_1000_requests = round(result.cpu_s * 1000 / result.requests, 2)


def _absolute(url: str, origin: str) -> str:
    return origin.rstrip("/") + url if url.startswith("/") else url


def run_xuncha(work: Path, origin: str, spec: PortalSpec, concurrency: int, timeout: float,
               expected: set[str], source: Path | None = None) -> list[Result]:  # fmt: skip
    """The first run (everything), then the nightly re-run of the unchanged portal into the
    same database (incremental: conditional requests, cached link results, carried rows).
    The nightly's lines of nginx's log are kept in ``xuncha/nightly-access.log``. With
    ``source``, Xuncha is imported from that source tree (``--compare``), in a folder of its own."""
    suffix = f" @{source.name}" if source is not None else ""
    folder = work / ("xuncha" + suffix.replace(" @", "-"))
    env = None if source is None else {**os.environ, "PYTHONPATH": str(source.resolve())}
    folder.mkdir()
    profile = {
        "name": "示范县人民政府（基准测试）",
        "start_urls": [origin],
        "politeness": {"concurrent_per_host": concurrency, "autothrottle": False, "delay": 0.0},
        "limits": {"max_pages": max(100000, spec.articles * 3)},
    }
    (folder / "profile.yaml").write_text(json.dumps(profile, ensure_ascii=False))
    results = []
    for tool, out in (("xuncha", "out"), ("xuncha nightly re-run", "out-nightly")):
        result = Result(tool + suffix)
        db = f"sqlite:///{folder / 'xuncha.db'}"
        command = [sys.executable, "-m", "xuncha", "run", "--profile", "profile.yaml",
                   "--db", db, "--concurrency", str(concurrency), "--out", out,
                   "--as-of", spec.as_of.isoformat(), "-q"]  # fmt: skip
        log = work / "access.log"
        offset = log.stat().st_size if log.exists() else 0
        _measure(result, command, folder, log, timeout, env=env)
        if out == "out-nightly":
            with log.open("rb") as handle:
                handle.seek(offset)
                (folder / "nightly-access.log").write_bytes(handle.read())
        _judge_broken(result, folder / out / "findings.json", expected)
        result.crawl_peak_rss_mb = _crawl_peak(folder / "xuncha.db")
        results.append(result)
    return results


def _crawl_peak(db: Path) -> float | None:
    """The crawl process's peak RSS, as the latest run's stats hold it (the tool's own peak is
    the larger of the crawl and of the checks and reports that follow it)."""
    if not db.exists():
        return None
    connection = sqlite3.connect(db)
    try:
        row = connection.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    stats = json.loads(row[0]) if row and row[0] else {}
    return stats.get("xuncha/crawl_peak_rss_mb")


def _judge_broken(result: Result, findings: Path, expected: set[str]) -> None:
    if not findings.exists():
        result.note += f"no findings.json (see xuncha/{result.tool}.out)"
        return
    found = {f["url"] for f in json.loads(findings.read_text())["findings"]
             if f["check"] == "broken_link"}  # fmt: skip
    result.broken_found = len(found & expected)
    missed = len(expected - found)
    result.note += f"{missed} broken missed" if missed else "every broken link found"


def run_floor(work: Path, origin: str, concurrency: int, timeout: float) -> list[Result]:
    """The bare Scrapy spider (benchmarks/floor.py), trimmed and with Scrapy's defaults."""
    results = []
    for tool, extra in (("scrapy floor", []), ("scrapy floor, default components", ["--defaults"])):
        result = Result(tool)
        folder = work / tool.replace(" ", "-").replace(",", "")
        folder.mkdir()
        command = [sys.executable, str(Path(__file__).with_name("floor.py")), origin,
                   "--concurrency", str(concurrency), *extra]  # fmt: skip
        _measure(result, command, folder, work / "access.log", timeout)
        results.append(result)
    return results


def run_linkinator(work: Path, origin: str, timeout: float, concurrency: int = 100) -> Result:
    result = Result("linkinator")
    binary = CACHE / "node_modules" / ".bin" / "linkinator"
    if not binary.exists():
        if not shutil.which("npm"):
            result.note = "skipped: npm is not installed"
            return result
        CACHE.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(["npm", "install", "--prefix", str(CACHE), LINKINATOR],
                                 capture_output=True, text=True)  # fmt: skip
        if install.returncode != 0 or not binary.exists():
            result.note = f"skipped: npm install {LINKINATOR} failed: {install.stderr[-200:]}"
            return result
    folder = work / "linkinator"
    folder.mkdir()
    command = [str(binary), origin, "--recurse", "--concurrency", str(concurrency)]
    _measure(result, command, folder, work / "access.log", timeout)
    output = (folder / "linkinator.out").read_text(errors="replace")
    # Linkinator lists a broken link as it meets it and again in its summary: count targets.
    broken = re.findall(r"^\s*\[(?:[45]\d\d|0)\] (\S+)", output, re.MULTILINE)
    result.broken_found = len(set(broken))
    return result


def run_wget(work: Path, origin: str, timeout: float) -> Result:
    result = Result("wget --spider")
    folder = work / "wget"
    folder.mkdir()
    command = ["wget", "--spider", "-r", "-l", "inf", "-nd", "-nv", origin]
    _measure(result, command, folder, work / "access.log", timeout)
    output = (folder / "wget --spider.out").read_text(errors="replace")
    match = re.search(r"Found (\d+) broken link", output)
    result.broken_found = int(match.group(1)) if match else 0
    result.note += "own host only (no -H): links to other hosts unchecked"
    return result


def _table(results: list[Result], manifest: PortalManifest, shape: str = "unique") -> str:
    def cell(value: object) -> str:
        return "n/a" if value is None else f"{value:,}" if isinstance(value, int) else str(value)

    head = ("tool", "wall s", "CPU s", "CPU s/1k req", "peak RSS MB", "crawl peak MB", "requests",
            "req minimum", "req/min", "pages", "MB sent", "broken found", "exit",
            "note")  # fmt: skip
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        sent = None if r.bytes is None else round(r.bytes / 1e6, 1)
        ratio = (round(r.requests / r.requests_minimum, 2)
                 if r.requests is not None and r.requests_minimum else None)  # fmt: skip
        minimum = "" if r.requests_minimum is None else cell(r.requests_minimum)
        rows.append(tuple(cell(v) for v in (r.tool, r.wall_s, r.cpu_s, r.cpu_s_per_1000_requests,
                                             r.peak_rss_mb, r.crawl_peak_rss_mb, r.requests,
                                             minimum, "" if ratio is None else ratio, r.pages,
                                             sent, r.broken_found, r.exit_code,
                                             r.note)))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    shared = ""
    if shape == "shared":
        shared = (f"; {manifest.shared_broken_links:,} of them in column blocks, to "
                  f"{len(manifest.shared_broken_urls):,} targets")  # fmt: skip
    portal = (f"portal ({shape} broken links): {manifest.html_pages:,} HTML pages, "
              f"{manifest.files:,} files, {manifest.links:,} links, {manifest.broken_links:,} "
              f"broken ({len(manifest.broken_urls):,} distinct targets{shared})")  # fmt: skip
    return portal + "\n" + "\n".join(lines)


def run_shape(args: argparse.Namespace, shape: Literal["unique", "shared"],
              tools: set[str]) -> dict[str, object]:  # fmt: skip
    """Generate the portal in ``shape``, serve it, run each tool; print and return the figures."""
    work = Path(tempfile.mkdtemp(prefix=f"xuncha-bench-{shape}-"))
    work.chmod(0o755)  # nginx workers may run as another user
    port = _free_port()
    origin = f"http://127.0.0.1:{port}/"
    spec = PortalSpec(articles=args.articles, seed=args.seed, broken_shape=shape,
                      shared_share=args.shared_share)  # fmt: skip
    started = time.perf_counter()
    manifest = generate_portal(work / "site", spec,
                               [f"http://{host}:{port}/" for host in EXTERNAL_HOSTS],
                               [f"http://{host}:{port}/" for host in DEAD_HOSTS])  # fmt: skip
    print(f"generated {manifest.files:,} files in {time.perf_counter() - started:.1f} s: {work}",
          flush=True)  # fmt: skip
    expected = {_absolute(url, origin) for url in manifest.broken_urls}
    nginx = _start_nginx(work, port, slow=args.slow)
    results: list[Result] = []
    minimum: NightlyMinimum | None = None
    probe = ""
    try:
        if args.slow:
            probe = slow_probe(work, port)
            print(probe, flush=True)
        if "xuncha" in tools:
            print("running xuncha …", flush=True)
            results.extend(run_xuncha(work, origin, spec, args.concurrency, args.timeout,
                                      expected))  # fmt: skip
            minimum = nightly_minimum(work / "xuncha" / "out" / "findings.json", origin,
                                      manifest, expected)  # fmt: skip
            if minimum is not None and len(results) == 2:
                results[1].requests_minimum = minimum.total
            for source in args.compare:
                print(f"running xuncha from {source} …", flush=True)
                results.extend(run_xuncha(work, origin, spec, args.concurrency, args.timeout,
                                          expected, source))  # fmt: skip
        if "floor" in tools:
            print("running the bare Scrapy spider …", flush=True)
            results.extend(run_floor(work, origin, args.concurrency, args.timeout))
        if "linkinator" in tools:
            print("running linkinator …", flush=True)
            results.append(run_linkinator(work, origin, args.timeout,
                                          args.linkinator_concurrency))  # fmt: skip
        if "wget" in tools:
            print("running wget --spider …", flush=True)
            results.append(run_wget(work, origin, args.timeout))
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    print(_table(results, manifest, shape))
    if minimum is not None:
        counts = nightly_requests(work / "xuncha" / "nightly-access.log", origin, minimum)
        print(describe(minimum, results[1].requests, counts))
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return {"broken_shape": shape, "portal": manifest.as_dict(), "slow_server": probe or None,
            "nightly_minimum": minimum.as_dict() if minimum else None,
            "results": [asdict(r) for r in results]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=20000, help="article pages (default 20000)")
    parser.add_argument("--seed", type=int, default=PortalSpec.seed)
    parser.add_argument("--concurrency", type=int,
                        help=f"Xuncha's and the floor's, in all and per host (default 64; "
                             f"{SLOW_CONCURRENCY} with --slow)")  # fmt: skip
    parser.add_argument("--linkinator-concurrency", type=int,
                        help=f"linkinator's --concurrency (default 100; with --slow "
                             f"{SLOW_CONCURRENCY}, or --concurrency when given)")  # fmt: skip
    parser.add_argument("--broken-shape", choices=[*BROKEN_SHAPES, "both"], default="unique",
                        help="unique (default, as the earlier figures), shared (broken links "
                             "repeat in column blocks, dead partner sites) or both: the whole "
                             "set once for each, two tables")  # fmt: skip
    parser.add_argument("--shared-share", type=float, default=PortalSpec.shared_share,
                        help="the shared shape: the share of broken links (by occurrence) in "
                             f"column blocks (default {PortalSpec.shared_share})")  # fmt: skip
    parser.add_argument("--slow", action="store_true",
                        help=f"an emulated slow server: each response after its first "
                             f"{SLOW_CHUNK} at {SLOW_RATE}/s per connection (a 10 kB page: "
                             f"50 ms); every tool at {SLOW_CONCURRENCY} concurrent "
                             "requests")  # fmt: skip
    parser.add_argument(
        "--tools",
        default="xuncha,floor,linkinator,wget",
        help="comma-separated subset of xuncha,floor,linkinator,wget",
    )
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="SRC",
                        help="also run Xuncha from the source tree SRC (a `git worktree` of an "
                        "earlier commit): before and after in one run; repeatable")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per tool")
    parser.add_argument("--json", type=Path, help="write the table and portal figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.concurrency is None:
        args.concurrency = SLOW_CONCURRENCY if args.slow else 64
    if args.linkinator_concurrency is None:
        explicit = "--concurrency" in (argv if argv is not None else sys.argv)
        args.linkinator_concurrency = args.concurrency if args.slow or explicit else 100
    tools = set(args.tools.split(","))

    _ensure_package("nginx", "nginx")
    if "wget" in tools:
        _ensure_package("wget", "wget")
    shapes: list[Literal["unique", "shared"]] = (
        ["unique", "shared"] if args.broken_shape == "both" else [args.broken_shape]
    )
    runs = [run_shape(args, shape, tools) for shape in shapes]
    if args.json:
        document: dict[str, object] = {
            "articles": args.articles, "seed": args.seed, "cpus": os.cpu_count(),
            "slow": args.slow, "concurrency": args.concurrency,
            "linkinator_concurrency": args.linkinator_concurrency,
        }  # fmt: skip
        # One shape: its figures at the top, as before; both: one entry per shape.
        document.update(runs[0] if len(runs) == 1 else {"runs": runs})
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
