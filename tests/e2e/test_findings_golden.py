"""Speed work must not change what a run finds (issue 13, "Rules").

The demo portal and the unseen portal are inspected as their own end-to-end tests do, and each
``findings.json`` — every finding with its evidence, the score, the items not yet due, the link
rules and spider traps, the run's page and link counts — must equal the one kept under
``golden/``. Only what differs between two runs of the same code is taken out first: the
server's port (a fresh one each run), the finding ids (hashes of URLs that carry the port), the
run's clock times and id, the test certificate's random serial name, and which articles the
网站标识 check sampled (the first to arrive, an order the network decides: their number stays).

After a change that is meant to change findings (a new check, a fixed false positive), write the
files again and review their diff like any other change:

    XUNCHA_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/e2e/test_findings_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from unseen_portal import AS_OF, HOST, OUTSIDE_HOSTS, SITE_NAME, UnseenPortal

from xuncha.demo import DEMO_AS_OF, DemoPortal, demo_profile
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Store

GOLDEN = Path(__file__).with_name("golden")
_PORT = re.compile(r"((?://|\")[A-Za-z0-9.\-]+):\d{2,5}\b")
_TEST_CERTIFICATE = re.compile(r"Testing cert #[^,\"]+")
_CLOCK = ("id", "started_at", "finished_at")


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without what two runs of the same code may differ in."""
    text = _PORT.sub(r"\1:PORT", json.dumps(document, ensure_ascii=False, sort_keys=True))
    result = json.loads(_TEST_CERTIFICATE.sub("Testing cert #", text))
    result["run"] = {k: v for k, v in result["run"].items() if k not in _CLOCK}
    for finding in result["findings"]:
        finding.pop("id")
        if finding["check"] == "site_identity" and "missing_pages" in finding["evidence"]:
            finding["page"], finding["pages"] = None, len(finding["pages"])
    result["findings"].sort(key=lambda f: json.dumps(f, ensure_ascii=False, sort_keys=True))
    return result


def _compare(name: str, document: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    got = normalised(document)
    if os.environ.get("XUNCHA_WRITE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert len(got["findings"]) == len(expected["findings"])
    assert got == expected


def test_demo_findings_unchanged(tmp_path):
    with DemoPortal(tmp_path / "portal") as portal:
        profile = Profile.model_validate(demo_profile(portal))
        store = Store(f"sqlite:///{tmp_path / 'xuncha.db'}")
        outcome = inspect_site(
            profile, store, as_of=DEMO_AS_OF, out_dir=tmp_path / "out", progress="off"
        )
        store.dispose()
    assert outcome.findings_path is not None
    _compare("demo", json.loads(outcome.findings_path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_unseen_portal_findings_unchanged(tmp_path, request, db):
    db_url = (
        f"sqlite:///{tmp_path / 'xuncha.db'}"
        if db == "sqlite"
        else request.getfixturevalue("postgres_database_url")
    )
    outside = dict.fromkeys(OUTSIDE_HOSTS, "127.0.0.1")
    with UnseenPortal() as portal:
        profile = Profile.model_validate(
            {
                "name": SITE_NAME,
                "start_urls": [f"http://{HOST}:{portal.port}/"],
                "politeness": {"concurrent_per_host": 8, "delay": 0.0, "autothrottle": False},
                "timeouts": {"request": 5, "retries": 2},
                "network": {"hosts": {HOST: "127.0.0.1", **outside}},
            }
        )
        store = Store(db_url)
        outcome = inspect_site(
            profile, store, as_of=AS_OF, out_dir=tmp_path / "out", progress="off"
        )
        store.dispose()
    assert outcome.findings_path is not None
    _compare("unseen", json.loads(outcome.findings_path.read_text(encoding="utf-8")))
