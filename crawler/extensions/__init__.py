"""Scrapy extensions of the crawl: AutoThrottle counting 304 like 200, progress lines."""
