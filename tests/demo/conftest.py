"""Fixtures of the demo portal tests: one running portal and one loopback client per module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from demo_client import XXGK, LoopbackClient

from xuncha.demo import DemoPortal


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPortal]:
    with DemoPortal(tmp_path_factory.mktemp("demo-portal")) as running:
        yield running


@pytest.fixture(scope="module")
def client(portal: DemoPortal) -> Iterator[LoopbackClient]:
    loopback = LoopbackClient(portal)
    yield loopback
    loopback.close()


@pytest.fixture(scope="module")
def soft_404_body(portal: DemoPortal, client: LoopbackClient) -> bytes:
    response = client.request("GET", portal.url(XXGK, "/no-such-page-f3a9c1.html"))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def on_night(portal: DemoPortal) -> Iterator[Callable[[int], DemoPortal]]:
    """``on_night(n)`` serves night ``n`` of the module's portal; back on night 1 afterwards."""

    def serve(night: int) -> DemoPortal:
        portal.set_night(night)
        return portal

    yield serve
    portal.set_night(1)
