"""Retries: what is retried, how often, and the Retry-After wait, seen from the server's side.

Waits are asserted as facts the server logged (the retry arrived no earlier than the wait
after the first try), never as an upper bound on speed.
"""

from __future__ import annotations

import datetime as dt
import socket
from email.utils import format_datetime

import pytest
from netlab import Reply, run_crawl, serve
from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.network.guard import BlockedAddress
from crawler.network.resolver import NameNotResolved
from crawler.network.retry import classify_failure, retry_after_seconds

RETRY_AFTER_MAX = 2.0


def _routes() -> dict[str, list[Reply]]:
    later = format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), usegmt=True)
    return {
        "/busy": [Reply(429, (("Retry-After", "1"),)), Reply(200)],
        "/busy-capped": [Reply(429, (("Retry-After", "3600"),)), Reply(200)],
        "/busy-until": [Reply(503, (("Retry-After", later),)), Reply(200)],
        "/unavailable": [Reply(503), Reply(200)],
        "/broken": [Reply(500)],
        "/missing": [Reply(404)],
    }


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# (id, path, final status, requests the server saw, least gap between first and second)
SERVED = [
    ("retry_after_seconds", "/busy", 200, 2, 1.0),
    ("retry_after_capped", "/busy-capped", 200, 2, RETRY_AFTER_MAX),
    ("retry_after_http_date_capped", "/busy-until", 200, 2, RETRY_AFTER_MAX),
    ("unavailable_then_ok", "/unavailable", 200, 2, 0.0),
    ("persistent_500_gives_up", "/broken", 500, 3, 0.0),
    ("not_found_is_final", "/missing", 404, 1, 0.0),
]


@pytest.fixture(scope="module")
def retry_crawl(tmp_path_factory: pytest.TempPathFactory):
    with serve(_routes()) as site:
        probes = {case_id: site.url(path) for case_id, path, *_ in SERVED}
        probes.update(
            refused=f"http://127.0.0.1:{_closed_port()}/",
            blocked="http://10.0.0.7/",
            invalid="http://gone.invalid/",
        )
        settings = {
            "XUNCHA_START_URLS": [site.url("/")],
            "RETRY_TIMES": 2,
            "XUNCHA_RETRY_AFTER_MAX": RETRY_AFTER_MAX,
        }
        guard_log = tmp_path_factory.mktemp("guard") / "violations.log"
        result = run_crawl(probes, settings, guard_log)
        yield result, site


@pytest.mark.parametrize(
    ("case_id", "path", "status", "requests", "least_gap"),
    SERVED,
    ids=[case[0] for case in SERVED],
)
def test_served_cases(
    retry_crawl, case_id: str, path: str, status: int, requests: int, least_gap: float
) -> None:
    result, site = retry_crawl
    assert result.outcomes[case_id]["status"] == status
    hits = site.requests.matching(path=path)
    assert len(hits) == requests
    if requests > 1:
        assert hits[1].at - hits[0].at >= least_gap
    assert result.guard_log == ""


# (id, probe, error class, retries made)
FAILED = [
    ("refused_connection_retried", "refused", "DownloadConnectionRefusedError", 2),
    ("blocked_not_retried", "blocked", "BlockedAddress", 0),
    ("invalid_name_not_retried", "invalid", "NameNotResolved", 0),
]


@pytest.mark.parametrize(
    ("probe", "error", "retries"), [case[1:] for case in FAILED], ids=[case[0] for case in FAILED]
)
def test_failed_cases(retry_crawl, probe: str, error: str, retries: int) -> None:
    result, _site = retry_crawl
    outcome = result.outcomes[probe]
    assert (outcome["kind"], outcome["error"], outcome["retry_times"]) == (
        "failure",
        error,
        retries,
    )


def test_retry_stats(retry_crawl) -> None:
    result, _site = retry_crawl
    stats = result.stats
    assert stats["xuncha/retry/reason_count/http_429"] == 2
    assert stats["xuncha/retry/reason_count/http_503"] == 2
    assert stats["xuncha/retry/reason_count/http_500"] == 2
    assert stats["xuncha/retry/reason_count/connection"] == 2
    assert stats["xuncha/retry/count"] == 8
    assert stats["xuncha/retry/max_reached"] == 2  # the 500 and the refused port
    assert stats["xuncha/retry/waited"] == 3
    assert stats["xuncha/retry/wait_ms"] == 1000 + 2 * 1000 * RETRY_AFTER_MAX
    assert stats["xuncha/retry/skipped/blocked"] == 1
    assert stats["xuncha/retry/skipped/dns"] == 1
    assert "retry/count" not in stats  # Scrapy's own RetryMiddleware is off


NOW = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=dt.UTC)
RETRY_AFTER = [
    ("seconds", "7", 7.0),
    ("bytes", b"7", 7.0),
    ("zero", "0", 0.0),
    ("capped_seconds", "120", 30.0),
    ("http_date", "Sun, 01 Mar 2026 08:00:10 GMT", 10.0),
    ("http_date_capped", "Sun, 01 Mar 2026 09:00:00 GMT", 30.0),
    ("http_date_past", "Sun, 01 Mar 2026 07:59:00 GMT", 0.0),
    ("asctime_date", "Sun Mar  1 08:00:05 2026", 5.0),
    ("negative", "-5", None),
    ("garbage", "soon", None),
    ("empty", "", None),
    ("absent", None, None),
]


@pytest.mark.parametrize(
    ("value", "seconds"), [c[1:] for c in RETRY_AFTER], ids=[c[0] for c in RETRY_AFTER]
)
def test_retry_after_seconds(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW, cap=30.0) == seconds


def _tls_wrapped() -> DownloadFailedError:
    error = DownloadFailedError("handshake")
    ssl_error = SSL.Error([("SSL routines", "", "wrong version number")])
    error.__cause__ = ResponseNeverReceived([Failure(ssl_error)])
    return error


CLASSIFIED = [
    ("blocked", BlockedAddress("a", "10.0.0.1", "private"), (False, "blocked")),
    ("ignored", IgnoreRequest(), (False, "ignored")),
    ("dns_permanent", NameNotResolved("a.invalid", "reserved"), (False, "dns")),
    ("dns_transient", NameNotResolved("a.cn", "timed out", transient=True), (True, "dns")),
    ("dns_from_handler", CannotResolveHostError("no results"), (False, "dns")),
    ("tls_handshake", _tls_wrapped(), (False, "tls")),
    ("timeout", DownloadTimeoutError("slow"), (True, "timeout")),
    ("refused", DownloadConnectionRefusedError("refused"), (True, "connection")),
    ("lost", DownloadFailedError("connection lost"), (True, "connection")),
    ("unknown", ValueError("bug"), (False, "ValueError")),
]


@pytest.mark.parametrize(
    ("exception", "expected"), [c[1:] for c in CLASSIFIED], ids=[c[0] for c in CLASSIFIED]
)
def test_classify_failure(exception: BaseException, expected: tuple[bool, str]) -> None:
    assert classify_failure(exception) == expected
