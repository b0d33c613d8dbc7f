"""The site profile (站点配置) for crawling a running demo portal, as a YAML-ready dict.

Columns are left out on purpose: the crawler must discover them from the disclosure
section's side menu. Politeness is relaxed (it is our own server), the request timeout is
shorter than the slow host's delay, and ``network.hosts`` maps every demo name to loopback —
the outside sites of :mod:`xuncha.demo.harmful` (casinos, a partner, government sites) too —
except ``oa.example.gov.cn``, which maps to an intranet address the crawler must never reach.
``www.gone-site.invalid`` is deliberately absent: ``.invalid`` names never resolve.
"""

from __future__ import annotations

from typing import Any, Protocol

from xuncha.demo.catalog import DEMO_AS_OF
from xuncha.demo.harmful import OUTSIDE_HOSTS
from xuncha.demo.render import JTJ_HOST, PARTNER_HOST, SITE, XXGK_HOST
from xuncha.demo.site import CLOSED_HOST, OA_HOST, SELFSIGNED_HOST, SLOW_HOST

OA_ADDRESS = "10.20.30.40"
REQUEST_TIMEOUT = 2


class _Portal(Protocol):
    @property
    def https_port(self) -> int: ...
    @property
    def ca_pem_path(self) -> Any: ...
    def url(self, host: str, path: str = "/", scheme: str = "https") -> str: ...


def demo_profile(portal: _Portal) -> dict[str, Any]:
    """The profile for ``portal`` (started), in the schema of ``docs/profile.md``.

    The run's ``as_of`` date is not a profile key; pass :data:`DEMO_AS_OF` to the run.
    """
    loopback = [JTJ_HOST, XXGK_HOST, PARTNER_HOST, SELFSIGNED_HOST, SLOW_HOST, CLOSED_HOST]
    loopback += OUTSIDE_HOSTS  # the casinos, the partner and the government sites
    return {
        "name": SITE.name,
        "start_urls": [portal.url(JTJ_HOST, "/")],
        "scope": {"mode": "sections", "sections": [portal.url(XXGK_HOST, "/")]},
        "politeness": {"concurrent_per_host": 8, "delay": 0.0, "autothrottle": False},
        "timeouts": {"request": REQUEST_TIMEOUT, "retries": 2},
        "tls": {"verify": True, "ca_file": str(portal.ca_pem_path), "expiry_warning_days": 30},
        "network": {"hosts": {**dict.fromkeys(loopback, "127.0.0.1"), OA_HOST: OA_ADDRESS}},
        "units": DEMO_UNITS,
    }


# The demo bureau's 牵头单位 of its columns, by name (the columns themselves are discovered).
DEMO_UNITS = {
    "通知公告": "办公室", "工作动态": "办公室", "县区动态": "办公室", "公示公告": "办公室",
    "财政预决算": "财务审计科", "专项资金": "财务审计科", "政府采购": "财务审计科",
    "人事信息": "人事科", "规划计划": "综合规划科", "统计信息": "综合规划科",
    "权责清单": "政策法规科", "办事指南": "行政审批科",
}  # fmt: skip


__all__ = ["DEMO_AS_OF", "demo_profile"]
