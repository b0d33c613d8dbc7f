"""Availability probes (可用性探测): one try of a site's home page, the way the 站点无法访问
indicator counts them.

国办秘函〔2019〕19号 probes the home page at least 20 times a day for a week; a try that fails,
or takes 15 seconds or more, is a failure, and 5 % failures is a single veto. ``xuncha probe``
(run hourly from cron or a systemd timer) makes one such try per site and stores it as a
``probes`` row; a run then judges the week (``site_unreachable``/``availability``).

One try is a GET of the first start URL, redirects followed, with a deadline of `timeout`
seconds for the whole of it — lookup, connection, TLS, every hop and the body. It obeys the
crawler's network rules: names resolve through the profile's ``network.hosts`` first (like
/etc/hosts), ``.invalid`` names never resolve, and every address must pass the
:class:`~crawler.network.policy.AddressPolicy` (the start URL's own network counts as allowed), so
a redirect into the intranet is a failed try with the error ``blocked``, never a connection.
The connection goes to the address that was judged (no second lookup), and environment
proxies are ignored: a proxy would make the judged address meaningless. Certificates are
verified against the system store plus the profile's ``tls.ca_file``, unless ``tls.verify``
is off. A host of the profile's ``auth`` gets its basic authentication, no other host does.

``error`` values: dns_error, blocked, timeout, connection_refused, connection_error,
tls_error, too_many_redirects, redirect_loop, redirect_error — the ``broken_link`` words where
they mean the same — or None; ``ok`` is no error and a status below 400.
"""

from __future__ import annotations

import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from checks.userinfo import split_credentials
from crawler.network.policy import AddressPolicy, IPAddress, literal_ip
from crawler.network.resolver import is_reserved_invalid, normalize_host
from xuncha.profile import Profile
from xuncha.store import Probe, Store

DEFAULT_TIMEOUT = 15.0  # standards §1: a try failing after ≥ 15 s counts as a failure
MAX_REDIRECTS = 10
MAX_BODY = 2 * 1024 * 1024  # enough of a home page to know it loads; the rest is not needed
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class ProbeResult:
    url: str
    at: datetime
    ok: bool
    status: int | None
    elapsed: float
    error: str | None
    detail: str | None = None  # for the log line; the store keeps the error word only


class _Failed(Exception):
    def __init__(self, error: str, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise _Failed("timeout", f"no answer within {self.seconds:g} s")
        return left


def _system_lookup(host: str) -> tuple[IPAddress, ...]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    found = (literal_ip(str(info[4][0])) for info in infos)
    return tuple(dict.fromkeys(ip for ip in found if ip is not None))


def resolve(host: str, hosts: dict[str, str], deadline: _Deadline) -> tuple[IPAddress, ...]:
    """Literal → the profile's hosts map → ``.invalid`` refused → the system resolver, bounded
    by the deadline (the same order as the crawler's gate, crawler/network/resolver.py)."""
    name = normalize_host(host)
    ip = literal_ip(name)
    if ip is not None:
        return (ip,)
    mapped = {normalize_host(key): value for key, value in hosts.items()}
    mapped_ip = literal_ip(mapped.get(name, ""))
    if mapped_ip is not None:
        return (mapped_ip,)
    if is_reserved_invalid(name):
        raise _Failed("dns_error", f"{name}: reserved .invalid name (RFC 6761)")
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        answer = pool.submit(_system_lookup, name).result(timeout=deadline.left())
    except LookupTimeout:
        raise _Failed("timeout", f"{name}: lookup did not answer in time") from None
    except OSError as exc:
        raise _Failed("dns_error", f"{name}: {exc}") from None
    finally:
        pool.shutdown(wait=False)
    if not answer:
        raise _Failed("dns_error", f"{name}: no addresses")
    return answer


def _admit(host: str, answer: tuple[IPAddress, ...], policy: AddressPolicy) -> IPAddress:
    for ip in answer:
        verdict = policy.verdict(ip)
        if not verdict.allowed:
            raise _Failed("blocked", f"{host} resolves to {ip} ({verdict.category}), "
                          "outside the allowed networks")  # fmt: skip
    return answer[0]


def _tls(profile: Profile) -> ssl.SSLContext | bool:
    if not profile.tls.verify:
        return False
    context = ssl.create_default_context()
    if profile.tls.ca_file:
        context.load_verify_locations(cafile=profile.tls.ca_file)
    return context


def _transport_error(exc: httpx.TransportError) -> _Failed:
    if isinstance(exc, httpx.TimeoutException):
        return _Failed("timeout", str(exc) or "timed out")
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return _Failed("tls_error", str(cause))
        if isinstance(cause, ConnectionRefusedError):
            return _Failed("connection_refused", str(cause))
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return _Failed("tls_error", text)
    if "refused" in text.lower():
        return _Failed("connection_refused", text)
    return _Failed("connection_error", text or type(exc).__name__)


def _hop(url: str, ip: IPAddress, profile: Profile, deadline: _Deadline) -> tuple[int, str | None]:
    """One GET of `url` at the judged address: (status, Location)."""
    logical = httpx.URL(url)
    headers = {"Host": logical.netloc.decode("ascii"), "User-Agent": profile.politeness.user_agent}
    credentials = profile.credentials().get(logical.host.rstrip(".").lower())
    if credentials is not None:  # the profile's host only: a redirect elsewhere gets none
        headers["Authorization"] = credentials.basic_authorization()
    extensions = {}
    if logical.scheme == "https" and literal_ip(logical.host) is None:
        extensions["sni_hostname"] = logical.host
    with httpx.Client(verify=_tls(profile), trust_env=False) as client:
        try:
            with client.stream(
                "GET",
                logical.copy_with(host=str(ip)),
                headers=headers,
                extensions=extensions,
                timeout=httpx.Timeout(deadline.left()),
            ) as response:
                read = 0
                for chunk in response.iter_raw():
                    read += len(chunk)
                    deadline.left()
                    if read >= MAX_BODY:
                        break
                return response.status_code, response.headers.get("location")
        except httpx.TransportError as exc:
            raise _transport_error(exc) from None


def _try(profile: Profile, deadline: _Deadline) -> int:
    url = profile.start_urls[0]
    hosts = profile.network.hosts
    start_host = urlsplit(url).hostname or ""
    start_ips = resolve(start_host, hosts, deadline)
    policy = AddressPolicy.for_start_urls(start_ips, profile.network.allow)
    seen = {url}
    for _ in range(MAX_REDIRECTS + 1):
        host = urlsplit(url).hostname or ""
        ip = _admit(host, resolve(host, hosts, deadline), policy)
        status, location = _hop(url, ip, profile, deadline)
        if status not in REDIRECTS or not location:
            return status
        # A Location with credentials in it is followed without them, as the crawl does.
        url = split_credentials(urljoin(url, location))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            raise _Failed("redirect_error", f"redirect to {url!r}, which a browser cannot load")
        if url in seen:
            raise _Failed("redirect_loop", f"redirects back to {url}")
        seen.add(url)
    raise _Failed("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")


def probe_home(profile: Profile, *, timeout: float = DEFAULT_TIMEOUT) -> ProbeResult:
    """One try of the site's home page (its first start URL); never raises for the site's
    own failures — they are the result."""
    at = datetime.now(UTC)
    started = time.monotonic()
    deadline = _Deadline(timeout)
    status: int | None = None
    error = detail = None
    try:
        status = _try(profile, deadline)
    except _Failed as failure:
        error, detail = failure.error, failure.detail
    elapsed = time.monotonic() - started
    if error is None and elapsed >= timeout:
        error, detail = "timeout", f"answered after {elapsed:.1f} s (limit {timeout:g} s)"
    ok = error is None and status is not None and status < 400
    if error is None and not ok:
        detail = f"HTTP {status}"
    return ProbeResult(profile.start_urls[0], at, ok, status, round(elapsed, 3), error, detail)


def record_probe(store: Store, site_id: int, result: ProbeResult) -> None:
    with store.session() as session, session.begin():
        session.add(
            Probe(
                site_id=site_id,
                at=result.at,
                url=result.url,
                ok=result.ok,
                status=result.status,
                elapsed=result.elapsed,
                error=result.error,
            )
        )
