"""AutoThrottle lowers a host's delay on 304 Not Modified as on 200 (an incremental night is
almost all 304s), and still never on an error page — Scrapy's own extension and slots."""

from __future__ import annotations

import inspect

import pytest
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler import settings as crawl_settings
from crawler.extensions.throttle import ConditionalAutoThrottle

START = crawl_settings.AUTOTHROTTLE_START_DELAY
# A slot whose delay is not randomised: Scrapy 2.19 says it with `jitter`, 2.18 (the lowest the
# crawler supports) with `randomize_delay`.
NO_RANDOM_DELAY = (
    {"jitter": 0}
    if "jitter" in inspect.signature(Slot.__init__).parameters
    else {"randomize_delay": False}
)
FAST = 0.01  # a server answering in 10 ms


def _delay_after(extension: type[AutoThrottle], status: int, answers: int = 5) -> float:
    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True,
                                         "AUTOTHROTTLE_START_DELAY": START,
                                         "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0})  # fmt: skip
    throttle = extension(crawler)
    # What the extension reads when the spider opens (the engine's part left out).
    throttle.mindelay, throttle.maxdelay = throttle._min_delay(), throttle._max_delay()
    slot = Slot(concurrency=2, delay=START, **NO_RANDOM_DELAY)
    for _ in range(answers):
        throttle._adjust_delay(slot, FAST, Response("http://127.0.0.1/a.html", status=status))
    return slot.delay


@pytest.mark.parametrize(
    ("status", "lowered"), [(200, True), (304, True), (404, False), (500, False), (301, False)]
)
def test_which_answers_lower_the_delay(status, lowered):
    delay = _delay_after(ConditionalAutoThrottle, status)
    assert (delay < START / 10) is lowered
    assert delay <= START


def test_scrapy_alone_keeps_the_start_delay_on_304():
    assert _delay_after(AutoThrottle, 304) == START


def test_the_crawl_uses_it():
    assert crawl_settings.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "crawler.extensions.throttle.ConditionalAutoThrottle" in crawl_settings.EXTENSIONS
