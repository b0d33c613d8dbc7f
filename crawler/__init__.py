"""The Scrapy project of Xuncha: ``scrapy.cfg`` at the checkout's root names
``crawler.settings``. See docs/architecture.md for the parts and their rules."""
