"""A small lab for network-layer tests: loopback servers and crawls run in a subprocess.

Imported by the ``test_*`` modules beside it (pytest puts this folder on ``sys.path``) and run
as a script by :func:`run_crawl`: Twisted's reactor cannot restart inside one process, so
each crawl is a fresh ``python netlab.py CONFIG`` whose stdout's last line is a JSON report.
The child gets the suite's network guard through ``PYTHONPATH`` (``tests/netguard`` first)
and logs refused attempts to a file the caller checks. The servers are the shared
``loopback`` package's (:func:`serve`: a route table of replies in turn, GET only).
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
if str(TESTS) not in sys.path:  # run as a script (the crawl child): pytest did not add it
    sys.path.append(str(TESTS))

from loopback import Reply, Routes, Server  # noqa: E402

NOT_FOUND = Reply(404, body=b"not found")


@contextmanager
def serve(
    routes: dict[str, Sequence[Reply]], tls: ssl.SSLContext | None = None
) -> Iterator[Server]:
    """The loopback server of ``routes``: the n-th GET of a path gets its n-th reply (the last
    one repeating), an unknown path a 404. GET only: a HEAD gets 501, as from a server that
    does not implement it. Count what arrived with ``site.requests.matching(path=…)``."""
    with Server(Routes(dict(routes), NOT_FOUND), tls=tls, methods=("GET",)) as site:
        yield site


@dataclass
class CrawlResult:
    outcomes: dict[str, dict[str, Any]]
    stats: dict[str, Any]
    tls_reports: list[dict[str, Any]]
    guard_log: str
    log: str = field(repr=False)


def run_crawl(
    probes: dict[str, str], settings: dict[str, Any], guard_log: Path, timeout: float = 120
) -> CrawlResult:
    """Crawl each probe URL once (no link following) in a child process; report what happened."""
    env = dict(os.environ)
    python_path = [str(TESTS / "netguard"), str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in python_path if p)
    env["XUNCHA_NETGUARD_LOG"] = str(guard_log)
    env.pop("XUNCHA_NETGUARD", None)
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        env.pop(proxy, None)
    guard_log.touch()
    config = json.dumps({"probes": probes, "settings": settings})
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), config],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise AssertionError(f"crawl failed ({done.returncode}):\n{done.stderr[-6000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return CrawlResult(
        outcomes=report["outcomes"],
        stats=report["stats"],
        tls_reports=report["tls"],
        guard_log=guard_log.read_text(encoding="utf-8"),
        log=done.stderr,
    )


# --- the child process ---------------------------------------------------------------------


def _crawl(config: dict[str, Any]) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler.network import NETWORK_SETTINGS
    from crawler.network.resolver import NameNotResolved
    from crawler.network.tls import TlsInspector, tls_failure

    outcomes: dict[str, dict[str, Any]] = {}

    def report_dict(report: Any) -> dict[str, Any] | None:
        if report is None:
            return None
        data = dict(vars(report))
        data["not_before"] = report.not_before.isoformat()
        data["not_after"] = report.not_after.isoformat()
        return data

    class ProbeSpider(scrapy.Spider):
        name = "probe"

        async def start(self):
            for probe, url in config["probes"].items():
                yield scrapy.Request(
                    url,
                    callback=self.arrived,
                    errback=self.failed,
                    dont_filter=True,
                    meta={"probe": probe},
                )

        def arrived(self, response: Any) -> None:
            inspector = TlsInspector.of(self.crawler)
            outcomes[response.meta["probe"]] = {
                "kind": "response",
                "status": response.status,
                "url": response.url,
                "redirect_urls": response.meta.get("redirect_urls", []),
                "tls": report_dict(inspector.report_for_url(response.url)),
            }

        def failed(self, failure: Any) -> None:
            request = failure.request
            error = failure.value
            outcomes[request.meta["probe"]] = {
                "kind": "failure",
                "error": type(error).__name__,
                "error_types": [cls.__name__ for cls in type(error).__mro__],
                "message": str(error),
                "status": getattr(getattr(error, "response", None), "status", None),
                "category": getattr(error, "category", None),
                "host": getattr(error, "host", None),
                "ip": getattr(error, "ip", None),
                "transient": error.transient if isinstance(error, NameNotResolved) else None,
                "tls_failure": tls_failure(failure),
                "url": request.url,
                "redirect_urls": request.meta.get("redirect_urls", []),
                "retry_times": request.meta.get("retry_times", 0),
            }

    settings = {
        **NETWORK_SETTINGS,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "HTTPPROXY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 15,
        "DNS_TIMEOUT": 5,
        **config["settings"],
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    stats = {
        key: value
        for key, value in crawler.stats.get_stats().items()
        if isinstance(value, (int, float, str))
    }
    reports = [report_dict(r) for r in TlsInspector.of(crawler).reports()]
    return {"outcomes": outcomes, "stats": stats, "tls": reports}


if __name__ == "__main__":
    print(json.dumps(_crawl(json.loads(sys.argv[1]))))
