"""Scrapy settings of the Xuncha crawler: the static part. Per-run values (from the site
profile) are layered on top by :func:`crawler.configure.settings_for`."""

from crawler.network import NETWORK_SETTINGS

BOT_NAME = "xuncha"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Behaviour of a monitor -----------------------------------------------------------------
# A monitor works for the site's owner or auditor: robots.txt is obeyed only on request.
ROBOTSTXT_OBEY = False
# Error pages are findings, not noise: every status reaches the spider.
HTTPERROR_ALLOW_ALL = True
# A government portal is not ours to stress: a few requests per host, adaptive throttling.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Redirect chains longer than this are treated as broken (a loop is detected separately).
REDIRECT_MAX_TIMES = 10
# Meta refreshes of 0 s are redirects in a browser too (Scrapy follows delays below this).
METAREFRESH_MAXDELAY = 1
# Over-long URLs are still links a visitor can click: check them rather than drop them.
URLLENGTH_LIMIT = 0
COOKIES_ENABLED = True
DOWNLOAD_TIMEOUT = 20
# Pages larger than this are not parsed; attachments get their own per-request limit.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0

# --- Components ------------------------------------------------------------------------------
# The network layer (address policy, static hosts, TLS inspection, Retry-After): see
# crawler/network/__init__.py for why each sits where it does.
DOWNLOADER_MIDDLEWARES = dict(NETWORK_SETTINGS["DOWNLOADER_MIDDLEWARES"])
TWISTED_DNS_RESOLVER = NETWORK_SETTINGS["TWISTED_DNS_RESOLVER"]
DOWNLOADER_CLIENTCONTEXTFACTORY = NETWORK_SETTINGS["DOWNLOADER_CLIENTCONTEXTFACTORY"]
# A proxy from the environment would route around the address policy: none unless configured.
HTTPPROXY_ENABLED = False
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# The spider yields one record batch per response and the pipeline is synchronous: Scrapy's
# default of 100 parallel item tasks per response only costs task creation.
CONCURRENT_ITEMS = 1
# No depth limit is used (the scope and the page limit bound a crawl), and each spider
# middleware wraps every output of every callback.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # A developer's warning about copied request meta: one more layer around every request
    # a page yields, and this spider builds each request's meta itself.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    # Scrapy's AutoThrottle, with 304 Not Modified counted like 200
    # (crawler/extensions/throttle.py).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.throttle.ConditionalAutoThrottle": 0,
    "crawler.extensions.progress.ProgressReporter": 500,
}

# --- Housekeeping -----------------------------------------------------------------------------
# Requests are deduplicated by the spider itself (each distinct target once per run).
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# No listening ports of our own: a monitor runs on shared servers.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
