"""Loopback test servers (回环测试站点) the suite shares, as Scrapy's ``tests/mockserver`` is.

A test that crawls needs a web server it controls: a portal (门户网站) with known pages and
known defects, answering on 127.0.0.1 only (the suite's network guard refuses anything else).
This package is that server, once, so that a test file describes its site and nothing else:

- :mod:`loopback.server` — :class:`Server`, one listener on a free port in a daemon thread,
  plain or TLS, a context manager that stops cleanly; ``url(path, host=…)``;
- :mod:`loopback.routes` — :class:`Reply` (status, headers, body, delay, slow body; ETag
  revalidation to 304) and :class:`Routes`, a live route table ``path -> reply``, replies in
  turn, or ``callable(request) -> reply``; :func:`folder` serves a directory;
- :mod:`loopback.recorder` — :class:`Recorder`, every request the site answered (method,
  target, ``Host``, headers, arrival time, status), for counting at the server.

``tests/`` is on ``sys.path`` under pytest (``tests/conftest.py`` lives there), so this is
``import loopback`` from any test. A helper run as a script (a crawl child, a ``measure``)
puts ``tests/`` on its path first.
"""

from __future__ import annotations

from .recorder import Recorder, Request
from .routes import NOT_FOUND, Reply, Route, Routes, Site, folder
from .server import Server

__all__ = [
    "NOT_FOUND",
    "Recorder",
    "Reply",
    "Request",
    "Route",
    "Routes",
    "Server",
    "Site",
    "folder",
]
