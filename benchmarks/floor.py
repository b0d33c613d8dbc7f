"""The framework's floor: the least a Scrapy spider does to check a portal's links.

It fetches what ``xuncha run`` fetches — every page of the start host with GET, following its
links, and every other target (images, 附件, pages on other hosts) once with HEAD — and does
nothing else: one lxml parse per page for its ``href`` and ``src`` values, its own set of seen
URLs (no request fingerprints), no items, no storage. What Xuncha costs above this row is its
own work (issue 13).

    python benchmarks/floor.py http://127.0.0.1:8080/ --concurrency 64            # trimmed
    python benchmarks/floor.py http://127.0.0.1:8080/ --concurrency 64 --defaults # as shipped

``--defaults`` keeps every middleware and extension Scrapy enables by default (the row "bare
spider, default middlewares"); without it the spider runs with only what fetching needs.
Prints one JSON line of counts at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

PAGE_SUFFIXES = (".html", ".htm", "/")

# Everything Scrapy enables by default that a link check does not use: robots.txt (the
# benchmark portal has none), authentication, default headers, the user-agent setter, retries,
# redirects, cookies, compression, statistics of the downloader, the referer and URL-length
# spider middlewares, depth, telnet, memory usage and log statistics.
TRIMMED: dict[str, Any] = {
    "DOWNLOADER_MIDDLEWARES_BASE": {
        "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware": 350,
    },
    "SPIDER_MIDDLEWARES_BASE": {},
    "EXTENSIONS_BASE": {"scrapy.extensions.corestats.CoreStats": 0},
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
    "TELNETCONSOLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "RETRY_ENABLED": False,
    "REDIRECT_ENABLED": False,
}


class FloorSpider(scrapy.Spider):
    name = "floor"

    def __init__(self, origin: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.origin = origin
        self.host = urlsplit(origin).netloc
        self.seen: set[str] = {origin}
        self.counts = {"pages": 0, "targets": 0, "failed": 0}

    async def start(self) -> Any:
        yield scrapy.Request(self.origin, callback=self.page, dont_filter=True)

    def page(self, response: Response) -> Iterator[scrapy.Request]:
        self.counts["pages"] += 1
        if response.status != 200 or not response.body:
            return
        tree = lxml.html.fromstring(response.body)
        values = tree.xpath("//a/@href | //img/@src | //link/@href | //script/@src")
        # A node-set expression: always a list (the stubs type every XPath result).
        assert isinstance(values, list)
        for value in values:
            url = urldefrag(urljoin(response.url, str(value).strip()))[0]
            if not url.startswith(("http://", "https://")) or url in self.seen:
                continue
            self.seen.add(url)
            if urlsplit(url).netloc == self.host and url.endswith(PAGE_SUFFIXES):
                yield scrapy.Request(url, callback=self.page, dont_filter=True,
                                     errback=self.failed)  # fmt: skip
            else:
                yield scrapy.Request(url, method="HEAD", callback=self.target, dont_filter=True,
                                     errback=self.failed)  # fmt: skip

    def target(self, response: Response) -> None:
        self.counts["targets"] += 1

    def failed(self, failure: Any) -> None:
        self.counts["failed"] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("origin")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--defaults", action="store_true", help="Scrapy's default components")
    args = parser.parse_args(argv)
    settings: dict[str, Any] = {
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "WARNING",
        "HTTPERROR_ALLOW_ALL": True,
        "ROBOTSTXT_OBEY": False,
    }
    if not args.defaults:
        settings.update(TRIMMED)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FloorSpider)
    process.crawl(crawler, origin=args.origin)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, FloorSpider)
    print(json.dumps(spider.counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
