"""Pure parsers for Chinese government pages: no network, no Scrapy, no database.

Every function here takes decoded HTML (or an lxml tree from :func:`parse_html`) and the
page's URL, and returns plain dataclasses. The spider calls them; tests feed them saved pages.
"""
