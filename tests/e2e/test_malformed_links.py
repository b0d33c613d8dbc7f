"""A link no browser can open (a colon typed for a slash, a port past 65535) is reported as a
错链 and costs the page nothing: the links after it on the same page are still checked, and
the crawl raises no error — a real crawl of a loopback page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from loopback import Routes, Server

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Run, Store

MALFORMED = ["http://127.0.0.1:8099gone_12.html", "http://127.0.0.1:99999/a.html"]


@pytest.fixture(scope="module")
def inspected(tmp_path_factory):
    work = tmp_path_factory.mktemp("malformed")
    routes = Routes()
    server = Server(routes, methods=("GET",)).start()
    links = "".join(f'<li><a href="{url}">通知{n}</a></li>' for n, url in enumerate(MALFORMED))
    links += f'<li><a href="{server.url("/missing.html")}">附件</a></li>'
    routes.table["/"] = f"<html><head><title>示范县人民政府</title></head><body><ul>{links}</ul>"
    profile = Profile.model_validate(
        {"name": "示范县人民政府", "start_urls": [server.url("/")],
         "politeness": {"autothrottle": False, "delay": 0}}
    )  # fmt: skip
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=date(2026, 11, 26), out_dir=work / "out",
                               progress="off")  # fmt: skip
        with store.session() as session:
            stats = session.get_one(Run, outcome.run_id).stats
        yield outcome, json.loads(outcome.findings_path.read_text("utf-8")), stats
    finally:
        server.stop()
        store.dispose()


def test_a_malformed_link_is_a_wrong_link_and_the_page_is_still_read(inspected):
    outcome, document, stats = inspected
    assert (outcome.status, outcome.complete) == ("finished", True)
    assert not any(key.startswith("spider_exceptions") for key in stats)
    wrong = {(f["subtype"], f["url"]) for f in document["findings"] if f["check"] == "wrong_link"}
    assert wrong == {("malformed_url", url) for url in MALFORMED}
    broken = [f["url"] for f in document["findings"] if f["check"] == "broken_link"]
    assert [url.rsplit("/", 1)[-1] for url in broken] == ["missing.html"]  # after them on the page
