"""Boards: the portal's consultation channels (互动交流), walked for 互动回应差 even when the
crawl keeps to the disclosure sections — they usually sit outside them.

From the home page's links that name a channel (领导信箱, 在线咨询, 互动交流…) to each board
(a message list, or a hub listing boards), through the board's list pages while they still
show messages of the past year, to each message of that year. What is read goes into the
pages' meta: ``channels`` (home page, hub), ``messages`` (a board's rows), ``message`` (one
message page); the check ``interaction_response`` judges it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from crawler.parsing.content import says_placeholder
from crawler.parsing.interaction import MessageRow, channel_links, message_rows, read_message
from crawler.parsing.pagination import pagination_urls
from crawler.scope import CrawlScope, canonical
from crawler.spiders.requests import RequestFactory, Role
from crawler.state.base import CrawlState

# The rule looks at the past year; a little more keeps a message written just before the
# window's start from being taken for the board's oldest.
WINDOW = timedelta(days=400)
MAX_BOARDS = 20  # channels followed per crawl: a county portal has a handful
MAX_BOARD_PAGES = 40  # list pages read per board
MAX_MESSAGES = 600  # message pages fetched per board
BOARD_PRIORITY = 40


class Boards:
    def __init__(
        self,
        *,
        scope: CrawlScope,
        state: CrawlState,
        requests: RequestFactory,
        as_of: Callable[[], date],
    ) -> None:
        self.scope = scope
        self.state = state
        self.requests = requests
        self.as_of = as_of
        self.pages: Counter[str] = Counter()  # list pages read per board (per process)
        self.messages: Counter[str] = Counter()
        self.boards = 0

    def home(self, doc: Any, url: str) -> tuple[dict[str, Any], list[Any]]:
        """The home page's channels, and how many links it shows (``anchors``): a home page
        drawn by script shows next to none, and its lack of a channel proves nothing."""
        meta, requests = self.channels(doc, url)
        meta["anchors"] = sum(1 for _ in doc.iter("a"))
        return meta, requests

    def channels(self, doc: Any, url: str) -> tuple[dict[str, Any], list[Any]]:
        """A home or hub page's channels (meta ``channels``, outside ones included: a channel
        on the province's platform is a channel all the same) and the requests of the boards
        inside the site."""
        found = [c for c in channel_links(doc, url) if canonical(c.url) != canonical(url)]
        meta = (
            {
                "channels": [
                    {"url": c.url, "name": c.name, "in_site": self.scope.in_site(c.url)}
                    for c in found
                ]
            }
            if found
            else {}
        )
        requests = []
        for channel in found:
            if not self.scope.in_site(channel.url) or self.boards >= MAX_BOARDS:
                continue
            if self.state.claim(channel.url, "board", keep=("board",)):
                self.boards += 1
                requests.append(self._get(channel.url, "board", channel.url))
        return meta, requests

    def board(
        self, doc: Any, text: str, response_url: str, board: str
    ) -> tuple[dict[str, Any], list[Any]]:
        """A board's list page: its rows (meta ``messages``), the requests of the past year's
        messages and of the next list pages while they still reach into the year; a page with
        no rows is a hub: its channels are followed, as are the other boxes a board names.
        `board` is the board's first page (the channel's link): its next pages and its
        messages are recorded under it (their ``column_url``)."""
        rows = message_rows(doc, response_url)
        if not rows:
            meta, requests = self.channels(doc, response_url)
            # A page to write on is a channel even with no message shown yet; one that only
            # says 建设中 is not.
            meta["form"] = any(True for _ in doc.iter("textarea"))
            meta["placeholder"] = says_placeholder(doc)
            return meta, requests
        self.pages[board] += 1
        since = self.as_of() - WINDOW
        requests = []
        for row in rows:
            if row.asked is not None and row.asked < since:
                continue
            if not self.scope.in_site(row.url) or self.messages[board] >= MAX_MESSAGES:
                continue
            if self.state.claim(row.url, "message", keep=("message",)):
                self.messages[board] += 1
                requests.append(self._get(row.url, "message", board))
        dated = [row.asked for row in rows if row.asked is not None]
        if dated and min(dated) >= since and self.pages[board] < MAX_BOARD_PAGES:
            for next_url in pagination_urls(doc, text, response_url):
                if self.state.claim(next_url, "board", keep=("board",)):
                    requests.append(self._get(next_url, "board", board))
        # The other boxes a board's side menu names (书记信箱 beside 县长信箱).
        _, others = self.channels(doc, response_url)
        return {"messages": [_row(row) for row in rows]}, requests + others

    def _get(self, url: str, role: Role, board: str) -> Any:
        return self.requests.get(url, role, column=board, priority=BOARD_PRIORITY)

    @staticmethod
    def message(doc: Any) -> dict[str, Any]:
        """One message page (meta ``message``)."""
        read = asdict(read_message(doc))
        for key in ("asked", "replied"):
            read[key] = read[key].isoformat() if read[key] else None
        return {"message": read}


def _row(row: MessageRow) -> dict[str, Any]:
    return {
        "url": row.url,
        "title": row.title[:200],
        "asked": row.asked.isoformat() if row.asked else None,
        "replied": row.replied.isoformat() if row.replied else None,
        "state": row.state,
        "withheld": row.withheld,
    }
