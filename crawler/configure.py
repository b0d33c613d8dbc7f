"""Per-run Scrapy settings, derived from a site profile."""

from __future__ import annotations

from typing import Any

from xuncha.profile import Profile


def settings_for(
    profile: Profile, *, db_url: str, run_id: int, concurrency: int | None, log_level: str
) -> dict[str, Any]:
    politeness = profile.politeness
    settings: dict[str, Any] = {
        "XUNCHA_DB_URL": db_url,
        "XUNCHA_RUN_ID": run_id,
        "XUNCHA_HOSTS": dict(profile.network.hosts),
        "XUNCHA_ALLOWED_NETWORKS": list(profile.network.allow),
        "XUNCHA_START_URLS": list(profile.start_urls),
        "XUNCHA_TLS_CA_FILE": profile.tls.ca_file,
        "USER_AGENT": politeness.user_agent,
        "ROBOTSTXT_OBEY": politeness.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrent_per_host,
        "DOWNLOAD_DELAY": politeness.delay,
        "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
        "DOWNLOAD_TIMEOUT": profile.timeouts.request,
        "RETRY_TIMES": profile.timeouts.retries,
        "CLOSESPIDER_PAGECOUNT": profile.limits.max_pages,
        "LOG_LEVEL": log_level,
    }
    if concurrency:
        settings["CONCURRENT_REQUESTS"] = concurrency
    return settings
