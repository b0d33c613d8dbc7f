"""What a loopback server was asked: one :class:`Request` per request its site answered.

Tests count at the server because the server cannot be fooled: a crawl's own statistics say
what the crawler believes it fetched, the record says what arrived (how many times a path was
asked, with which method, under which ``Host``, when, and what it was answered). A record is
taken when the request has been read — before any delay of its reply — so ``at`` is the
arrival time and a request still being answered is already counted.

A :class:`Recorder` is shared by every handler thread of a server (or of several servers, to
see one portal on several listeners as one log), hence the lock; readers get copies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message


@dataclass
class Request:
    """One request as read. ``target`` is the request target as sent (path and query, Latin-1
    text as ``http.server`` decodes it, percent-escapes left alone); ``host`` the ``Host``
    header as sent (port included); ``address`` and ``port`` the listener that read it; ``at``
    :func:`time.monotonic` of the server's process. ``status`` is filled in once the site has
    answered (None until then)."""

    n: int  # order of arrival at the recorder, from 0
    method: str
    target: str
    host: str
    headers: Message
    address: str
    port: int
    scheme: str
    at: float
    status: int | None = None

    @property
    def path(self) -> str:
        """The target without its query."""
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        """The target's query, without the ``?`` ("" when there is none)."""
        return self.target.partition("?")[2]

    @property
    def hostname(self) -> str:
        """The ``Host`` header without its port, lower case, no trailing dot."""
        name = self.host.rsplit(":", 1)[0] if not self.host.endswith("]") else self.host
        return name.rstrip(".").lower()


class Recorder:
    """A thread-safe log of requests, in order of arrival."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._arrived = 0

    def add(self, method: str, target: str, headers: Message, address: str, port: int,
            scheme: str) -> Request:  # fmt: skip
        """Record a request that has just been read (the server's handler calls this)."""
        with self._lock:
            request = Request(self._arrived, method, target, headers.get("Host", ""), headers,
                              address, port, scheme, time.monotonic())  # fmt: skip
            self._arrived += 1
            self._requests.append(request)
        return request

    def matching(
        self,
        method: str | None = None,
        path: str | None = None,
        host: str | None = None,
        before: Request | None = None,
    ) -> list[Request]:
        """The requests with this method, target (compared whole when ``path`` holds a ``?``,
        else without the query) and host name, read before ``before``; None matches any."""
        found = []
        for request in self:
            if method is not None and request.method != method:
                continue
            if path is not None and (request.target if "?" in path else request.path) != path:
                continue
            if host is not None and request.hostname != host:
                continue
            if before is not None and request.n >= before.n:
                continue
            found.append(request)
        return found

    def take(self) -> list[Request]:
        """Every request recorded so far, forgetting them."""
        with self._lock:
            taken, self._requests = self._requests, []
        return taken

    def clear(self) -> None:
        self.take()

    def __iter__(self) -> Iterator[Request]:
        with self._lock:
            return iter(list(self._requests))

    def __len__(self) -> int:
        with self._lock:
            return len(self._requests)
