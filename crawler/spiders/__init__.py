"""The spider, PortalSpider (``portal``), and the parts it is composed of. Scrapy's spider
loader imports every module here: none may need an optional extra."""
