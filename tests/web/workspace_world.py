"""A workspace to test against: the demo inspected into a database, its findings given to two
units, four accounts, and ``xuncha serve``'s app on a loopback port, served by uvicorn in a
thread. Clients are real HTTP clients with their own cookie jars."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import select

from xuncha import accounts, tracking
from xuncha.demo.run import run_demo
from xuncha.store import Finding, Store
from xuncha.web.app import Settings, create_app

PASSWORDS = {
    "admin": "admin-password-1",
    "bgs": "bangongshi-pass",
    "gk": "gongkai-password",
    "audit": "auditor-password",
}
UNITS = ("办公室", "政务公开科")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOSTILE_TITLE = '<script>alert("标题")</script><img src=x onerror=alert(1)>'
HOSTILE_URL = "javascript:alert(document.cookie)"


@dataclass
class World:
    base: str
    db_url: str
    store: Store
    hostile_id: int
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self) -> httpx.Client:
        """A new browser, as it were: its own cookies. Closed by :meth:`close_clients`."""
        client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=30)
        self.clients.append(client)
        return client

    def close_clients(self) -> None:
        while self.clients:
            self.clients.pop().close()

    def login(self, name: str, password: str | None = None) -> httpx.Client:
        client = self.client()
        response = log_in(client, name, password or PASSWORDS[name])
        assert response.status_code == 303, response.text[:500]
        return client

    def findings_of(self, unit: str) -> list[Finding]:
        with self.store.session() as session:
            return list(session.scalars(select(Finding).where(Finding.unit == unit)))


def csrf_of(client: httpx.Client, path: str = "/login") -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF field on {path}: {page.status_code} {page.text[:300]}"
    return found.group(1)


def log_in(client: httpx.Client, name: str, password: str) -> httpx.Response:
    token = csrf_of(client)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def _prepare(db_url: str) -> int:
    """Units for the demo's findings (alternately), the accounts, one hostile finding."""
    store = Store(db_url, create=False)
    try:
        with store.session() as session, session.begin():
            findings = list(session.scalars(select(Finding).order_by(Finding.id)))
            for index, finding in enumerate(findings):
                tracking.assign(session, finding.fingerprint, unit=UNITS[index % 2], actor="setup")
            for name, role, unit in (
                ("admin", "admin", None),
                ("bgs", "unit", "办公室"),
                ("gk", "unit", "政务公开科"),
                ("audit", "auditor", None),
            ):
                accounts.add_user(session, name, role, unit, PASSWORDS[name])
            model = findings[0]
            hostile = Finding(
                site_id=model.site_id, fingerprint="bl-hostile0000", check=model.check,
                subtype=model.subtype, severity="high", url=HOSTILE_URL, page=HOSTILE_URL,
                pages=[HOSTILE_URL], column=HOSTILE_TITLE, title=HOSTILE_TITLE,
                detail=HOSTILE_TITLE, evidence={"link_text": HOSTILE_TITLE}, unit="办公室",
                status="open", first_seen=model.first_seen, last_seen=model.last_seen,
                deadline=model.deadline, first_run_id=model.first_run_id,
                last_run_id=model.last_run_id, unit_by_hand=True,
            )  # fmt: skip
            session.add(hostile)
            session.flush()
            return hostile.id
    finally:
        store.dispose()


@contextmanager
def serving(app: object) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, in a thread; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the workspace did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@contextmanager
def workspace(folder: Path, db_url: str | None = None) -> Iterator[World]:
    url = db_url or f"sqlite:///{folder / 'xuncha.db'}"
    run_demo(folder / "demo", db_url=url, progress="off")
    hostile_id = _prepare(url)
    app = create_app(Settings(db_url=url, secret="s" * 48))
    with serving(app) as base:
        store = Store(url, create=False)
        try:
            yield World(base, url, store, hostile_id)
        finally:
            store.dispose()
            app.state.store.dispose()
