"""What the spider remembers between responses: the interface (``base``), its one-process
variant (``local``), and what a crawl learns of hosts' HEAD answers (``head_trust``). The
Redis variant of a distributed run lives with the rest of that run, in crawler/distributed/.
"""

from __future__ import annotations

from typing import Any

from scrapy.utils.misc import load_object

from crawler.scope import CrawlScope
from crawler.state.base import CrawlState

DEFAULT_STATE_CLASS = "crawler.state.local.LocalState"


def state_for(settings: Any, scope: CrawlScope) -> CrawlState:
    """The spider's memory: ``XUNCHA_STATE_CLASS`` (a class or its import path), built with
    ``from_settings(settings, scope)``. One process by default; a distributed run sets
    :class:`~crawler.distributed.state.RedisState`."""
    state_class = load_object(settings.get("XUNCHA_STATE_CLASS") or DEFAULT_STATE_CLASS)
    state: CrawlState = state_class.from_settings(settings, scope)
    return state
