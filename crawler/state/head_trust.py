"""HeadTrust: which hosts' HEAD answers a crawl believes without asking again with GET."""

from __future__ import annotations

from collections.abc import Iterable

# A host's HEAD "not found" is believed without the confirming GET once that many GETs answered
# as its HEAD did and none contradicted it. Many government servers answer every HEAD 404 or
# 405 while GET works, so one agreeing answer proves little; three cost three GETs per host,
# and from then on every broken link of a host whose HEAD is right saves one request.
HEAD_TRUST_AFTER = 3
# The HEAD answers that can stand alone: 找不到 (404) and 已删除 (410). 403/405/501 say HEAD is
# refused, 400 and 5xx are too often a server's HEAD handling failing: those are always asked
# again with GET.
TRUSTED_HEAD_STATUSES = frozenset({404, 410})
_UNRELIABLE = -1


# Even a trusted host gets a confirming GET for every this-many-th "not found" it answers: a
# server that starts lying mid-run (a new rule in front of it) is caught, at a tenth of the cost.
HEAD_SPOT_CHECK_EVERY = 10


class HeadTrust:
    """Which hosts' HEAD "not found" is final, learnt from the GETs that settle HEAD answers.

    A host earns trust only if its HEAD has also said "found" (< 400) to some link: a server
    that answers every HEAD with 404 would otherwise be trusted after three links that were
    really dead, and every working link of it reported broken.

    Kept per process, never shared: in a distributed run each worker learns on its own (a few
    more confirming GETs per host and worker, no round trip to Redis for every link)."""

    def __init__(self, after: int = HEAD_TRUST_AFTER, spot: int = HEAD_SPOT_CHECK_EVERY) -> None:
        self.after, self.spot = after, spot
        self.confirmed: dict[str, int] = {}  # host -> agreeing GETs, or _UNRELIABLE
        self.found: set[str] = set()  # hosts whose HEAD has said < 400
        self.trusted: dict[str, int] = {}  # host -> answers taken without a GET

    def remember(self, hosts: Iterable[str]) -> None:
        """Hosts whose HEAD said "found" in the previous run (an incremental night re-checks
        failures mostly, so its own HEADs rarely get to say it)."""
        self.found.update(hosts)

    def saw(self, host: str, head_status: int) -> None:
        """A HEAD answer of ``host``."""
        if head_status < 400:
            self.found.add(host)

    def is_final(self, host: str, head_status: int) -> bool:
        """A HEAD answer of ``host`` that needs no GET to confirm it (but for spot checks)."""
        if head_status not in TRUSTED_HEAD_STATUSES or host not in self.found:
            return False
        if self.confirmed.get(host, 0) < self.after:
            return False
        taken = self.trusted[host] = self.trusted.get(host, 0) + 1
        return taken % self.spot != 0

    def learn(self, host: str, head_status: int, get_status: int) -> None:
        """What the GET asked after a HEAD answer of ``host`` says of its HEAD: the same "not
        found" confirms it once; a working page makes its HEAD unreliable for the whole run."""
        held = self.confirmed.get(host, 0)
        if head_status not in TRUSTED_HEAD_STATUSES or held == _UNRELIABLE:
            return
        if get_status < 400:
            self.confirmed[host] = _UNRELIABLE
        elif get_status == head_status:
            self.confirmed[host] = held + 1
