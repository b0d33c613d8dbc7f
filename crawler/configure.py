"""The Scrapy settings of one crawl: the project's (crawler/settings.py), what the site profile
decides (politeness, timeouts, limits, the network gate), and what the run asks (its store,
its previous run, how it reports progress, and, for a distributed run, its seat on the shared
frontier)."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from crawler.job import CrawlRequest
from xuncha.profile import Profile


def profile_settings(profile: Profile) -> dict[str, Any]:
    """What a site profile decides. ``scrapy crawl portal -a profile=FILE`` gets these from
    the spider (at spider priority); a run sets them on the command line's."""
    politeness = profile.politeness
    return {
        "XUNCHA_HOSTS": dict(profile.network.hosts),
        "XUNCHA_ALLOWED_NETWORKS": list(profile.network.allow),
        "XUNCHA_START_URLS": list(profile.start_urls),
        "XUNCHA_TLS_CA_FILE": profile.tls.ca_file,
        "XUNCHA_LINK_RULES": profile.links.model_dump(mode="json"),
        # Hosts, users and the names of the variables holding the passwords: no password.
        "XUNCHA_AUTH": [entry.model_dump(mode="json") for entry in profile.auth],
        "USER_AGENT": politeness.user_agent,
        "ROBOTSTXT_OBEY": politeness.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrent_per_host,
        "DOWNLOAD_DELAY": politeness.delay,
        "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
        "DOWNLOAD_TIMEOUT": profile.timeouts.request,
        "RETRY_TIMES": profile.timeouts.retries,
        "CLOSESPIDER_PAGECOUNT": profile.limits.max_pages,
    }


def run_settings(request: CrawlRequest) -> dict[str, Any]:
    """What the run asks: where its records go and what it reads of the previous run."""
    settings: dict[str, Any] = {
        "XUNCHA_DB_URL": request.db_url,
        "XUNCHA_RUN_ID": request.run_id,
        "XUNCHA_PRIOR_RUN": request.prior_run_id or 0,
        "XUNCHA_AS_OF": request.as_of.isoformat() if request.as_of else None,
        "LOG_LEVEL": request.log_level,
        "XUNCHA_PROGRESS": request.progress,
    }
    if request.concurrency:
        settings["CONCURRENT_REQUESTS"] = request.concurrency
    if request.progress_interval:
        settings["XUNCHA_PROGRESS_INTERVAL"] = request.progress_interval
    return settings


def settings_for(request: CrawlRequest, profile: Profile) -> Settings:
    """The settings of the crawl ``request`` asks for."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(profile_settings(profile), priority="cmdline")
    settings.update(run_settings(request), priority="cmdline")
    if request.frontier is not None:
        # A worker of a distributed run: only then is the distributed extra needed.
        from crawler.distributed.frontier import join_frontier

        join_frontier(settings, request.frontier)
    return settings
