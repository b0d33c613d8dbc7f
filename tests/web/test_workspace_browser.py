"""The workspace in a real browser: Playwright driving Debian's Chromium (no browser download),
logged in through the login form as each role.

- the admin waives a finding through its form, and the history names the admin;
- a unit user gets 403 for another unit's finding, by editing the URL and by a form posted by
  hand from the page (with the page's own CSRF token);
- a form whose CSRF field was taken out is refused;
- crawled titles carrying ``<script>``, ``onerror`` and ``javascript:`` run nothing: no dialog,
  no script element, no link to ``javascript:``;
- the XLSX export holds the findings the filter showed, no more.

Each role's pages are also saved as screenshots (``XUNCHA_SCREENSHOTS=DIR`` keeps them).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Dialog, sync_playwright
from workspace_world import HOSTILE_TITLE, PASSWORDS, UNITS, World, workspace

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with workspace(tmp_path_factory.mktemp("browser-workspace")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (make test installs it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    kept = os.environ.get("XUNCHA_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Person:
    """One person at one browser: a context of its own (cookies), the dialogs it saw."""

    def __init__(self, browser: Browser, world: World, name: str) -> None:
        self.world = world
        self.context = browser.new_context(
            base_url=world.base, locale="zh-CN", accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dismiss)
        self.page.goto("/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", PASSWORDS[name])
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, self.page.content()[:500]

    def _dismiss(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser: Browser, world: World) -> Iterator[dict[str, Person]]:
    opened: dict[str, Person] = {}

    class Opener(dict[str, Person]):
        def __missing__(self, name: str) -> Person:
            opened[name] = Person(browser, world, name)
            return opened[name]

    yield Opener()
    for person in opened.values():
        person.close()
    world.close_clients()


def test_admin_waives_through_the_form_and_the_history_names_the_admin(world, people, shots):
    admin = people["admin"]
    page = admin.page
    page.screenshot(path=str(shots / "admin-sites.png"), full_page=True)
    target = world.findings_of(UNITS[1])[0]
    page.goto(f"/findings/{target.id}")
    page.fill("#waive-form input[name=reason]", "依法不予公开（浏览器）")
    page.click("#waive-form button[type=submit]")
    page.wait_for_load_state()
    assert page.text_content("#flash").strip() == "已保存。"
    assert "不予整改" in page.text_content("#finding-status")
    last = page.locator("#history tbody tr").last
    assert last.locator("td.actor").text_content() == "admin"
    assert "依法不予公开（浏览器）" in last.text_content()
    page.screenshot(path=str(shots / "admin-finding.png"), full_page=True)


def test_unit_user_is_refused_another_units_finding_by_url_and_by_hand(world, people, shots):
    unit = people["bgs"]
    page = unit.page
    foreign = world.findings_of(UNITS[1])[1]
    response = page.goto(f"/findings/{foreign.id}")
    assert response is not None and response.status == 403
    assert page.text_content("h1") == "无权访问"
    own = world.findings_of(UNITS[0])[0]
    page.goto(f"/findings/{own.id}")
    page.screenshot(path=str(shots / "unit-finding.png"), full_page=True)
    # A form made by hand in the page (the policy refuses fetch(); a form may still post to
    # this site), carrying the page's own valid CSRF token.
    with page.expect_response(re.compile(rf"/findings/{foreign.id}/note$")) as answer:
        page.evaluate(
            """(id) => {
                const token = document.querySelector('input[name=csrf_token]').value;
                const form = document.createElement('form');
                form.method = 'post';
                form.action = `/findings/${id}/note`;
                for (const [name, value] of [['csrf_token', token], ['text', '越权备注']]) {
                    const input = document.createElement('input');
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            foreign.id,
        )
    assert answer.value.status == 403
    page.wait_for_load_state()
    assert page.text_content("h1") == "无权访问"
    with world.store.session() as session:
        from sqlalchemy import select

        from xuncha.store import FindingEvent

        notes = session.scalars(
            select(FindingEvent.reason).where(
                FindingEvent.finding_id == foreign.id, FindingEvent.action == "note"
            )
        ).all()
    assert "越权备注" not in notes
    page.goto("/findings")
    units = {cell.strip() for cell in page.locator("#findings td.unit").all_text_contents()}
    assert units == {UNITS[0]}
    page.screenshot(path=str(shots / "unit-findings.png"), full_page=True)


def test_a_form_stripped_of_its_csrf_token_is_refused(world, people):
    page = people["admin"].page
    own = world.findings_of(UNITS[0])[2]
    page.goto(f"/findings/{own.id}")
    page.evaluate("document.querySelector('#note-form input[name=csrf_token]').remove()")
    page.fill("#note-form textarea[name=text]", "没有令牌的备注")
    with page.expect_response(re.compile(r"/note$")) as answer:
        page.click("#note-form button[type=submit]")
    assert answer.value.status == 403
    assert page.text_content("h1") == "表单已失效"


def test_crawled_script_and_javascript_links_stay_inert(world, people, shots):
    admin = people["admin"]
    page = admin.page
    for path in (f"/findings/{world.hostile_id}", "/findings?q=bl-hostile"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.images.length") == 0
        javascript_links = page.evaluate(
            "[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length"
        )
        assert javascript_links == 0
        assert HOSTILE_TITLE in page.text_content("body")  # shown as text, whole
    page.screenshot(path=str(shots / "admin-hostile.png"), full_page=True)
    assert admin.dialogs == []


def test_the_xlsx_export_holds_what_the_filter_showed(world, people, shots):
    page = people["audit"].page
    page.goto("/findings")
    page.select_option("select[name=severity]", "medium")
    page.click("#finding-filters button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("#findings tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.finding)"
    )
    assert shown
    page.screenshot(path=str(shots / "auditor-findings-medium.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    severity = rows[0].index("严重程度")
    assert sorted(str(row[0]) for row in rows[1:]) == sorted(shown)
    assert {row[severity] for row in rows[1:]} == {"中"}
