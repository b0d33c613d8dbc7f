"""``xuncha users``: the workspace's accounts (用户管理).

    xuncha users add NAME --role admin|unit|auditor [--unit 办公室] [--password-stdin]
    xuncha users passwd NAME [--password-stdin]
    xuncha users disable NAME / enable NAME
    xuncha users list

Without ``--password-stdin`` a one-time password is printed once; it must be changed at the
first login. A password is never an argument: it would stay in the shell's history and in
``ps``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from xuncha import accounts
from xuncha.cli.common import DB_HELP
from xuncha.store import Store


@contextmanager
def _accounts_session(db: str | None) -> Iterator[Session]:
    """The store at `db`, created and migrated if need be: accounts may be made before the
    first inspection."""
    store = Store(db, create=True)
    try:
        with store.session() as session, session.begin():
            yield session
    finally:
        store.dispose()


def _stdin_password(read: bool) -> str | None:
    if not read:
        return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _said(result: accounts.NewPassword, what: str) -> str:
    if result.generated:
        return (
            f"{what}：{result.user.name}\n一次性密码（只显示这一次，首次登录后须修改）：\n"
            f"  {result.password}"
        )
    return f"{what}：{result.user.name}"


@click.group()
def users() -> None:
    """用户管理: the accounts of the workspace (xuncha serve)."""


@users.command()
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    required=True,
    help="admin: everything; unit: its unit's findings; auditor: read-only.",
)
@click.option("--unit", default=None, help="The 责任单位 of a unit user, as findings name it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--db", default=None, help=DB_HELP)
def add(name: str, role: str, unit: str | None, password_stdin: bool, db: str | None) -> None:
    """Add an account (a one-time password is printed unless --password-stdin)."""
    with _accounts_session(db) as session:
        result = accounts.add_user(session, name, role, unit, _stdin_password(password_stdin))
        text = _said(result, "已添加账号")
    click.echo(text)  # once committed


@users.command()
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--db", default=None, help=DB_HELP)
def passwd(name: str, password_stdin: bool, db: str | None) -> None:
    """Set a new password (a one-time one unless --password-stdin); its sessions end."""
    with _accounts_session(db) as session:
        result = accounts.set_password(session, name, _stdin_password(password_stdin))
        text = _said(result, "已重设密码")
    click.echo(text)


def _switch(name: str, disabled: bool, said: str, doc: str) -> None:
    """``users disable`` / ``users enable``: an account shut out (its sessions end) or let in."""

    @click.argument("account", metavar="NAME")
    @click.option("--db", default=None, help=DB_HELP)
    def command(account: str, db: str | None) -> None:
        with _accounts_session(db) as session:
            user = accounts.set_disabled(session, account, disabled)
            text = f"{said}：{user.name}"
        click.echo(text)

    command.__doc__ = doc
    users.command(name)(command)


_switch("disable", True, "已停用账号",
        "Disable an account: no more logins, its sessions end (its history stays).")  # fmt: skip
_switch("enable", False, "已启用账号", "Enable a disabled account again.")


@users.command(name="list")
@click.option("--db", default=None, help=DB_HELP)
def list_(db: str | None) -> None:
    """The accounts: name, role, unit, state."""
    with _accounts_session(db) as session:
        lines = [
            "\t".join(
                (
                    user.name,
                    accounts.ROLE_LABELS[user.role][0],
                    user.unit or "-",
                    "已停用" if user.disabled else "正常",
                )
            )
            for user in accounts.list_users(session)
        ]
    click.echo(
        "\n".join(lines) if lines else "还没有账号（添加：xuncha users add NAME --role admin）"
    )
