"""``xuncha demo``: serve the bundled demo portal on 127.0.0.1, inspect it, print where the
report is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xuncha import accounts
from xuncha.cli.common import lang_option, progress_mode, run_summary
from xuncha.demo.run import run_demo
from xuncha.store import Store

DEMO_ADMIN = "admin"


@click.command()
@click.option("--db", default=None, help="Database URL (default: sqlite in the output folder).")
@click.option(
    "--out", "out_dir", default="demo-out", type=click.Path(file_okay=False), show_default=True
)
@lang_option
def demo(db: str | None, out_dir: str, lang: str) -> None:
    """Serve the bundled demo portal on 127.0.0.1, inspect it, print the report's path."""
    outcome = run_demo(Path(out_dir), db_url=db, lang=lang, progress=progress_mode())
    click.echo(run_summary(outcome, lang))
    url = db or f"sqlite:///{Path(out_dir) / 'xuncha.db'}"
    click.echo(_workspace_login(url, lang))
    sys.exit(outcome.exit_code)


def _workspace_login(url: str, lang: str) -> str:
    """The demo's workspace account: ``admin`` with a new one-time password each demo."""
    store = Store(url, create=False)
    try:
        with store.session() as session, session.begin():
            try:
                made = accounts.set_password(session, DEMO_ADMIN)
            except accounts.AccountError:
                made = accounts.add_user(session, DEMO_ADMIN, "admin")
    finally:
        store.dispose()
    if lang == "en":
        return (
            f"Workspace: xuncha serve --db {url}  then open http://127.0.0.1:8000/\n"
            f"  account {DEMO_ADMIN}, one-time password {made.password} (change it at first login)"
        )
    return (
        f"工作台：xuncha serve --db {url}  然后打开 http://127.0.0.1:8000/\n"
        f"  账号 {DEMO_ADMIN}，一次性密码 {made.password}（首次登录后须修改）"
    )
