"""What a loopback server answers: a :class:`Reply` per request, from a site.

A *site* is any callable ``site(request) -> Reply`` (the :class:`~loopback.recorder.Request`
is the one just recorded: method, target, ``Host``, headers). Most tests need no more than a
:class:`Routes` table; a test whose portal reasons about hosts, methods or counts writes the
callable itself.

The server answers HEAD with the reply the site gives for it — a site that does not look at
the method answers HEAD as GET (same status and headers, ``Content-Length`` of the GET body,
no body), as a real web server does. A site that must answer HEAD its own way (some portals
refuse it with 405, some lie with 404) reads ``request.method``; a server that must not
answer HEAD at all is started with ``methods=("GET",)``.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .recorder import Request


@dataclass(frozen=True)
class Reply:
    """One answer. ``body`` text is sent in ``encoding``; ``content_type`` None sends no
    ``Content-Type``. ``delay`` seconds pass before anything is sent (a slow server); with
    ``chunk``, the body goes out ``chunk`` bytes at a time, ``trickle`` seconds after each
    (a slow body: every read is quick, the whole is not). A reply whose ``ETag`` header the
    request names in ``If-None-Match`` is sent as ``304 Not Modified`` instead (without body
    or ``Content-Length``), as a web server revalidating a static page does."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: str | bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    encoding: str = "utf-8"
    delay: float = 0.0
    chunk: int = 0
    trickle: float = 0.0

    @property
    def data(self) -> bytes:
        return self.body.encode(self.encoding) if isinstance(self.body, str) else self.body

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), None when the reply has none."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


NOT_FOUND = Reply(404, body="<html><body>404</body></html>")

Site = Callable[[Request], Reply]
Route = Reply | str | Sequence[Reply] | Site
"""A route's answer: a reply; HTML text (a UTF-8 page, 200); replies in turn (the n-th request
of the route gets the n-th, the last one repeating: "429, then 200"); or a callable."""


class Routes:
    """A route table ``path -> Route``, used as a site.

    A request is matched by its whole target first, then by its path without the query: a
    route named with its query answers that query only, one without answers every query. No
    match gets ``default`` (a reply or a callable; :data:`NOT_FOUND` unless given). The table
    is kept, not copied: a test changes the site between crawls by changing it.
    """

    def __init__(self, table: MutableMapping[str, Route] | None = None,
                 default: Reply | Site = NOT_FOUND) -> None:  # fmt: skip
        self.table: MutableMapping[str, Route] = {} if table is None else table
        self.default = default
        self._lock = threading.Lock()
        self._asked: dict[str, int] = {}

    def __call__(self, request: Request) -> Reply:
        key = request.target if request.target in self.table else request.path
        route = self.table.get(key, self.default)
        if isinstance(route, Reply):
            return route
        if isinstance(route, str):
            return Reply(body=route)
        if callable(route):
            return route(request)
        with self._lock:
            nth = self._asked.get(key, 0)
            self._asked[key] = nth + 1
        return route[min(nth, len(route) - 1)]


def folder(root: Path) -> Site:
    """A static web server of ``root``: ``/a/`` is ``a/index.html``, the type is guessed from
    the file name, a path outside the folder or missing is :data:`NOT_FOUND`."""
    top = root.resolve()

    def answer(request: Request) -> Reply:
        target = (top / unquote(request.path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or top not in target.parents:
            return NOT_FOUND
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Reply(body=target.read_bytes(), content_type=kind)

    return answer
