"""``xuncha users``: accounts made, re-keyed, shut out and listed from the command line, each
error one line and exit status 2; a password is read from standard input, never an argument."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from xuncha import accounts
from xuncha.store import Store, User


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'xuncha.db'}"  # made by the first command


def test_accounts_from_the_command_line(xuncha_main, db):
    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return xuncha_main("users", *args, stdin=stdin)

    code, out, _ = run("add", "admin", "--role", "admin", "--db", db)
    assert code == 0
    password = re.search(r"一次性密码（只显示这一次，首次登录后须修改）：\n  (\S+)", out)
    assert password and len(password.group(1)) == 16
    code, out, _ = run("add", "bgs", "--role", "unit", "--unit", "办公室",
                       "--password-stdin", "--db", db, stdin="chosen-password\n")  # fmt: skip
    assert (code, out) == (0, "已添加账号：bgs\n")
    store = Store(db, create=False)
    try:
        with store.session() as session:
            bgs = session.scalars(select(User).where(User.name == "bgs")).one()
            assert (bgs.role, bgs.unit, bgs.must_change_password) == ("unit", "办公室", False)
            assert accounts.check_password(bgs, "chosen-password")
            assert "chosen-password" not in bgs.password_hash
            version = bgs.session_version
        assert run("disable", "bgs", "--db", db)[:2] == (
            0,
            "已停用账号：bgs\n",
        )
        code, out, _ = run("list", "--db", db)
        assert out.splitlines() == ["admin\t管理员\t-\t正常", "bgs\t责任单位用户\t办公室\t已停用"]
        assert run("enable", "bgs", "--db", db)[0] == 0
        code, out, _ = run("passwd", "bgs", "--db", db)
        assert code == 0 and "一次性密码" in out
        with store.session() as session:
            bgs = session.scalars(select(User).where(User.name == "bgs")).one()
            assert not bgs.disabled and bgs.must_change_password
            assert bgs.session_version == version + 3  # disable, enable, passwd: sessions end
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "x", "--role", "unit"], "", "责任单位用户需要 --unit"),
        (["add", "x", "--role", "admin", "--unit", "办公室"], "", "只有责任单位用户"),
        (["add", "x y", "--role", "admin"], "", "账号名 'x y' 无效"),
        (["add", "x", "--role", "admin", "--password-stdin"], "short\n", "密码太短"),
        (["passwd", "nobody"], "", "没有账号 'nobody'"),
        (["disable", "nobody"], "", "没有账号 'nobody'"),
    ],
)
def test_errors_are_one_line(xuncha_main, db, args, stdin, message):
    code, out, err = xuncha_main("users", *args, "--db", db, stdin=stdin)
    assert code == 2 and out == ""
    assert err.startswith("xuncha: ") and err.count("\n") == 1 and message in err
