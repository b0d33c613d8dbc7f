"""Per-run Scrapy settings, derived from a site profile (and, for a worker of a distributed
run, from the run's shared frontier)."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from xuncha.profile import Profile


def settings_for(
    profile: Profile,
    *,
    db_url: str,
    run_id: int,
    concurrency: int | None,
    log_level: str,
    prior_run_id: int | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    politeness = profile.politeness
    settings: dict[str, Any] = {
        "XUNCHA_DB_URL": db_url,
        "XUNCHA_RUN_ID": run_id,
        "XUNCHA_PRIOR_RUN": prior_run_id or 0,
        "XUNCHA_AS_OF": as_of,
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


def distribute(settings: Settings, frontier: dict[str, Any]) -> None:
    """Make the crawl a worker of a run on a shared Redis frontier (crawler/distributed/frontier.py).

    ``frontier`` is the crawl request's: ``redis_url``, ``run_key``, ``namespace`` and
    ``seed`` (true for the run's own crawl, false for a joining worker). The page limit
    becomes the run's, counted over every worker (crawler/distributed/state.py).
    """
    from crawler.distributed.frontier import enable_frontier  # needs the distributed extra
    from crawler.distributed.state import SharedPageLimit

    enable_frontier(
        settings,
        frontier["redis_url"],
        frontier["run_key"],
        seed=frontier["seed"],
        namespace=frontier["namespace"],
        owned=True,
    )
    limit = settings.getint("CLOSESPIDER_PAGECOUNT")
    settings.set("XUNCHA_FRONTIER_MAX_PAGES", limit, priority="cmdline")
    settings.set("CLOSESPIDER_PAGECOUNT", 0, priority="cmdline")
    settings.set_in_component_priority_dict("EXTENSIONS", SharedPageLimit, 0)
