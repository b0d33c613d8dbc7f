"""What the fault tests share: a small portal on loopback whose crawl raises findings, and a
fresh PostgreSQL database per test (a test that locks a table or restarts a run must touch
nothing but its own)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from loopback import Reply, Routes, Server
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ARTICLES = 6
ADMIN_URL = os.environ.get(
    "XUNCHA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_NAMES = itertools.count(1)

HOME = (
    "<html><head><title>某县人民政府</title></head><body>"
    '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div></body></html>'
)
SECTION = (
    "<html><body><ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul></body></html>"
)
# Every article is linked and missing: the crawl raises 链接不可用 findings each night.
LISTING = (
    "<html><body><ul class='list'>"
    + "".join(
        f"<li><a href='a{i}.html'>关于第{i}项工作的通知</a><span>2026-10-0{i}</span></li>"
        for i in range(1, ARTICLES + 1)
    )
    + "</ul></body></html>"
)


@pytest.fixture
def portal_url() -> Iterator[str]:
    routes = Routes(
        {"/": HOME, "/zwgk/": SECTION, "/zwgk/tzgg/": LISTING},
        Reply(404, body="<html><body>404</body></html>"),
    )
    with Server(routes, methods=("GET",)) as server:
        yield server.url("/")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own on the suite's PostgreSQL server, dropped after the test."""
    name = f"xuncha_faults_{os.getpid()}_{next(_NAMES)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
