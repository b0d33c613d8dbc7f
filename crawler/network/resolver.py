"""Name resolution that obeys the address policy (域名解析与访问策略).

Every name the crawler connects to goes through one gate, in this order:

1. a literal address (``127.0.0.1``, ``[::1]``, ``127.1``) is its own answer, no lookup;
2. the profile's static hosts map (``network.hosts`` → ``XUNCHA_HOSTS``), like /etc/hosts;
3. names under ``.invalid`` (RFC 6761) fail at once — they are guaranteed never to resolve,
   so asking a DNS server would only leak the name;
4. the system resolver (``getaddrinfo``) in the reactor's thread pool, bounded by
   ``DNS_TIMEOUT``, its answers (and its permanent failures) cached for the whole process.

Then every address of the answer is judged by the :class:`~crawler.network.policy.AddressPolicy`
built from ``XUNCHA_ALLOWED_NETWORKS`` and the networks of ``XUNCHA_START_URLS``; one blocked
address fails the whole name, since the connection could go to any of them.

Two components use the gate and share its cache, which pins each name to the answer that
was judged (no DNS-rebinding window between the check and the connection):

* :class:`~crawler.network.guard.AddressGuardMiddleware` asks it before a request is
  downloaded, and turns refusals into errors the spider's errback can read;
* :class:`XunchaResolver`, installed on the reactor through ``TWISTED_DNS_RESOLVER`` (the
  2.19 name of ``DNS_RESOLVER``, which still works but is deprecated), answers the download
  handler's own lookups and refuses the same addresses, so nothing connects around the guard.

Scrapy 2.19 builds the reactor resolver once per *process* from the settings given to
``CrawlerProcess`` (it passes the process where a crawler is expected), so the ``XUNCHA_*``
settings must be process settings, not only a spider's ``custom_settings``. Twisted's
``HostnameEndpoint`` reports any failed lookup as a plain "no results" ``DNSLookupError``;
the precise error (``.invalid``, blocked address) reaches the spider through the middleware.

Errors::

    OSError
    └── twisted DNSLookupError
        ├── NameNotResolved (also scrapy CannotResolveHostError)   .host .reason .transient
        └── BlockedAddressError                                    .host .ip .category
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import idna
from scrapy.exceptions import CannotResolveHostError
from scrapy.utils.datatypes import LocalCache
from twisted.internet import defer
from twisted.internet.address import IPv4Address as TxIPv4Address
from twisted.internet.address import IPv6Address as TxIPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolverSimple
from twisted.internet.threads import deferToThreadPool
from zope.interface import implementer

from crawler.network.policy import AddressPolicy, IPAddress, literal_ip

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings
    from twisted.internet.defer import Deferred
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

RESERVED_INVALID_TLD = "invalid"


class NameNotResolved(CannotResolveHostError, DNSLookupError):
    """A name has no usable address; ``transient`` when asking again later may help."""

    def __init__(self, host: str, reason: str, *, transient: bool = False) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason
        self.transient = transient

    def __str__(self) -> str:  # Twisted's would prefix "DNS lookup failed"
        return str(self.args[0])


class BlockedAddressError(DNSLookupError):
    """A name resolved to an address the policy refuses; never retried."""

    def __init__(self, host: str, ip: str, category: str) -> None:
        super().__init__(f"{host} resolves to {ip} ({category}), outside the allowed networks")
        self.host = host
        self.ip = ip
        self.category = category

    def __str__(self) -> str:  # not a lookup failure: the lookup succeeded
        return str(self.args[0])


@dataclass(frozen=True)
class _Miss:
    reason: str


Answer = tuple[IPAddress, ...]

# Shared by every gate in the process, as Scrapy shares ``scrapy.resolver.dnscache``.
_answers: LocalCache[str, Answer | _Miss] = LocalCache(10000)


def normalize_host(host: str) -> str:
    """Lower-case ASCII (IDNA) form without the trailing dot: the key of maps and caches."""
    text = host.strip().rstrip(".").lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.isascii():
        return text
    try:
        return idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError:
        return text


def is_reserved_invalid(host: str) -> bool:
    """True for ``invalid`` and every name under it (RFC 6761 §6.4)."""
    name = normalize_host(host)
    return name == RESERVED_INVALID_TLD or name.endswith("." + RESERVED_INVALID_TLD)


def _system_lookup(host: str) -> Answer:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = literal_ip(str(sockaddr[0]))
        if ip is not None:
            seen.setdefault(ip, None)
    return tuple(seen)


def _lookup_failure(host: str, error: BaseException | None) -> NameNotResolved:
    if isinstance(error, NameNotResolved):
        return error
    if isinstance(error, defer.TimeoutError):
        return NameNotResolved(host, "lookup timed out", transient=True)
    if isinstance(error, socket.gaierror):
        transient = error.errno == socket.EAI_AGAIN
        return NameNotResolved(host, error.strerror or str(error), transient=transient)
    # The test suite's network guard refuses lookups with a plain OSError, as would a
    # sandbox; either way the name is not resolvable from here.
    return NameNotResolved(host, f"lookup failed: {error}")


class HostLookup:
    """Literal → static map → ``.invalid`` → cache → system resolver (threaded, coalesced)."""

    def __init__(
        self,
        reactor: Any,
        hosts: Mapping[str, str] | None = None,
        *,
        timeout: float = 60.0,
        cache: LocalCache[str, Answer | _Miss] | None = None,
    ) -> None:
        self.reactor = reactor
        self.hosts: dict[str, IPAddress] = {}
        for name, address in (hosts or {}).items():
            ip = literal_ip(str(address))
            if ip is None:
                raise ValueError(f"hosts map: {name!r} must map to an IP address, not {address!r}")
            self.hosts[normalize_host(name)] = ip
        self.timeout = timeout
        self.cache = _answers if cache is None else cache
        self._waiting: dict[str, list[Deferred[Answer]]] = {}

    def lookup(self, host: str) -> Deferred[Answer]:
        """Fire with the name's addresses, or fail with :class:`NameNotResolved`."""
        name = normalize_host(host)
        ip = literal_ip(name)
        if ip is not None:
            return defer.succeed((ip,))
        if name in self.hosts:
            return defer.succeed((self.hosts[name],))
        if is_reserved_invalid(name):
            return defer.fail(NameNotResolved(name, "reserved .invalid name (RFC 6761)"))
        cached = self.cache.get(name)
        if isinstance(cached, _Miss):
            return defer.fail(NameNotResolved(name, cached.reason))
        if cached is not None:
            return defer.succeed(cached)
        waiter: Deferred[Answer] = defer.Deferred()
        if name in self._waiting:
            self._waiting[name].append(waiter)
        else:
            self._waiting[name] = [waiter]
            self._ask_system(name)
        return waiter

    def _ask_system(self, name: str) -> None:
        d = deferToThreadPool(self.reactor, self.reactor.getThreadPool(), _system_lookup, name)
        d.addTimeout(self.timeout, self.reactor)
        d.addCallbacks(self._answered, self._failed, callbackArgs=(name,), errbackArgs=(name,))

    def _answered(self, answer: Answer, name: str) -> None:
        if not answer:
            self._failed_with(name, NameNotResolved(name, "no addresses"))
            return
        self.cache[name] = answer
        for waiter in self._waiting.pop(name, []):
            waiter.callback(answer)

    def _failed(self, failure: Failure, name: str) -> None:
        self._failed_with(name, _lookup_failure(name, failure.value))

    def _failed_with(self, name: str, error: NameNotResolved) -> None:
        if not error.transient:
            self.cache[name] = _Miss(error.reason)
        for waiter in self._waiting.pop(name, []):
            waiter.errback(NameNotResolved(name, error.reason, transient=error.transient))


class NetworkGate:
    """A lookup whose answers must pass the address policy."""

    def __init__(
        self,
        lookup: HostLookup,
        *,
        allowed: Iterable[str] = (),
        start_urls: Iterable[str] = (),
    ) -> None:
        self.lookup = lookup
        self.allowed = tuple(allowed)
        AddressPolicy(self.allowed)  # fail early on a malformed CIDR
        self.start_hosts = tuple(
            host for host in (urlsplit(url).hostname for url in start_urls) if host
        )
        self._policy: AddressPolicy | None = None

    def admit(self, host: str) -> Deferred[Answer]:
        """Fire with the addresses of ``host`` if all are allowed; else fail.

        Fails with :class:`NameNotResolved` or :class:`BlockedAddressError`. Literal and
        mapped names are answered at once, without the reactor.
        """
        return defer.Deferred.fromCoroutine(self._admitted(host))

    async def _admitted(self, host: str) -> Answer:
        policy = await self._crawl_policy()
        answer = await self.lookup.lookup(host)
        return self._judge(answer, policy, normalize_host(host))

    async def _crawl_policy(self) -> AddressPolicy:
        """The policy, built on first use once the start URLs' names are resolved."""
        if self._policy is None:
            start_ips: list[IPAddress] = []
            for host in self.start_hosts:
                try:
                    start_ips.extend(await self.lookup.lookup(host))
                except NameNotResolved:
                    continue  # the start request itself will report the failure
            if self._policy is None:
                self._policy = AddressPolicy.for_start_urls(start_ips, self.allowed)
                logger.debug("address policy: %r (start addresses %s)", self._policy, start_ips)
        return self._policy

    @staticmethod
    def _judge(answer: Answer, policy: AddressPolicy, host: str) -> Answer:
        for ip in answer:
            verdict = policy.verdict(ip)
            if not verdict.allowed:
                raise BlockedAddressError(host, str(ip), verdict.category)
        return answer


def process_network_settings(process: Any) -> BaseSettings:
    """The settings of the reactor's one resolver: the process's, with the network settings of
    each of its crawls added. A run sets them for the process; ``scrapy crawl portal -a
    profile=FILE`` has the spider add its profile's to its own crawl only."""
    own: BaseSettings = process.settings
    crawls = [c.settings for c in getattr(process, "crawlers", ()) if c.settings is not None]
    if not crawls:
        return own
    settings = own.copy()
    hosts = dict(settings.getdict("XUNCHA_HOSTS"))
    allowed = list(settings.getlist("XUNCHA_ALLOWED_NETWORKS"))
    starts = list(settings.getlist("XUNCHA_START_URLS"))
    for crawl in crawls:
        hosts.update(crawl.getdict("XUNCHA_HOSTS"))
        allowed += [n for n in crawl.getlist("XUNCHA_ALLOWED_NETWORKS") if n not in allowed]
        starts += [u for u in crawl.getlist("XUNCHA_START_URLS") if u not in starts]
    settings.update(
        {"XUNCHA_HOSTS": hosts, "XUNCHA_ALLOWED_NETWORKS": allowed, "XUNCHA_START_URLS": starts},
        priority="cmdline",
    )
    return settings


def gate_from_settings(settings: BaseSettings, reactor: Any) -> NetworkGate:
    """The gate of ``XUNCHA_HOSTS``, ``XUNCHA_ALLOWED_NETWORKS`` and ``XUNCHA_START_URLS``."""
    cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
    if _answers.limit != cache_size:
        _answers.limit = cache_size
    lookup = HostLookup(
        reactor,
        settings.getdict("XUNCHA_HOSTS"),
        timeout=settings.getfloat("DNS_TIMEOUT", 60.0),
    )
    return NetworkGate(
        lookup,
        allowed=settings.getlist("XUNCHA_ALLOWED_NETWORKS"),
        start_urls=settings.getlist("XUNCHA_START_URLS"),
    )


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # Twisted never cancels; required by the interface
        raise NotImplementedError


@implementer(IHostnameResolver, IResolverSimple)
class XunchaResolver:
    """The reactor's resolver (``TWISTED_DNS_RESOLVER``): the gate, IPv4 and IPv6."""

    def __init__(self, reactor: Any, gate: NetworkGate | Callable[[], NetworkGate]) -> None:
        self.reactor = reactor
        self._gate = gate

    @property
    def gate(self) -> NetworkGate:
        """Built at the first lookup, when every crawl of the process has its settings."""
        if not isinstance(self._gate, NetworkGate):
            self._gate = self._gate()
        return self._gate

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> XunchaResolver:
        # ``crawler`` is the CrawlerProcess in Scrapy 2.19; its crawls may not have their
        # spiders (and a spider's profile settings) yet when the reactor gets its resolver.
        return cls(reactor, lambda: gate_from_settings(process_network_settings(crawler), reactor))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: Any,  # IResolutionReceiver; zope interfaces are opaque to mypy
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[Any]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        wanted = tuple(addressTypes) if addressTypes else (TxIPv4Address, TxIPv6Address)
        defer.Deferred.fromCoroutine(
            self._deliver(resolutionReceiver, hostName, portNumber, wanted)
        )
        return resolution

    async def _deliver(
        self, receiver: Any, host: str, port: int, wanted: tuple[type[Any], ...]
    ) -> None:
        answer: Answer = ()
        try:
            answer = await self.gate.admit(host)
        except BlockedAddressError as error:
            logger.warning("refused to connect: %s", error)
        except DNSLookupError as error:
            logger.debug("lookup failed: %s", error)
        except Exception:
            logger.exception("lookup of %s failed unexpectedly", host)
        for ip in answer:
            if ip.version == 4 and TxIPv4Address in wanted:
                receiver.addressResolved(TxIPv4Address("TCP", str(ip), port))
            elif ip.version == 6 and TxIPv6Address in wanted:
                receiver.addressResolved(TxIPv6Address("TCP", str(ip), port))
        receiver.resolutionComplete()

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """First IPv4 address of ``name``, failing with the gate's precise error."""
        return defer.Deferred.fromCoroutine(self._first_ipv4(name))

    async def _first_ipv4(self, name: str) -> str:
        for ip in await self.gate.admit(name):
            if ip.version == 4:
                return str(ip)
        raise NameNotResolved(normalize_host(name), "no IPv4 address")
