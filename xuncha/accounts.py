"""The workspace's accounts (用户): roles, Argon2id password hashes, and the login rate limit.

Three roles:

- ``admin`` (管理员): everything, including the decisions on a finding (unit, deadline, waive,
  误报, reopen);
- ``unit`` (责任单位用户): sees only its own unit's findings, and on them adds notes (整改措施,
  整改情况) and names its 责任人 — the office, not the unit, decides deadlines and waivers;
- ``auditor`` (审计/督查): reads everything, changes nothing.

A password nobody chose (``xuncha users add`` without one, ``passwd`` by an admin) is a one-time
password: it must be changed at the first login. Accounts are disabled, never deleted — the
history names who did what. Disabling an account or changing its password ends its sessions.

Logins are refused for :data:`LOCKOUT` after :data:`PAIR_FAILURES` failures on one account name
from one client address, :data:`ADDRESS_FAILURES` from one address, or :data:`NAME_FAILURES` on
one name from anywhere, within that window. The failures are rows of the database, written
before the password is checked, so every process serving the workspace counts the same and
attempts made at the same moment all count.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xuncha.errors import XunchaError
from xuncha.store import LoginFailure, Store, User

Role = Literal["admin", "unit", "auditor"]
ROLES: tuple[Role, ...] = ("admin", "unit", "auditor")
ROLE_LABELS = {
    "admin": ("管理员", "admin"),
    "unit": ("责任单位用户", "unit user"),
    "auditor": ("审计（只读）", "auditor (read-only)"),
}
MIN_PASSWORD = 10
PAIR_FAILURES = 5  # one name from one address
ADDRESS_FAILURES = 30  # any names from one address
NAME_FAILURES = 50  # one name from any address
LOCKOUT = timedelta(minutes=15)

_HASHER = PasswordHasher()  # Argon2id with the library's current parameters (RFC 9106 low-memory)
# Verified against when the name is unknown, so that a wrong name costs what a wrong password does.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(XunchaError):
    """An account command that cannot be done: unknown or existing name, bad role, weak password."""


class LoginRefused(XunchaError):
    """Wrong name or password, a disabled account: the message never says which."""


class LoginLocked(XunchaError):
    """Too many failed logins: refused until the window passes."""


@dataclass(frozen=True)
class NewPassword:
    user: User
    password: str  # shown once, never stored
    generated: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _clean_name(name: str) -> str:
    text = (name or "").strip()
    if not text or len(text) > 80 or any(c.isspace() or not c.isprintable() for c in text):
        raise AccountError(f"账号名 {name!r} 无效：1–80 个字符，不含空白")
    return text


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少 {MIN_PASSWORD} 个字符")
    return password


def one_time_password() -> str:
    """16 characters from an unambiguous alphabet, easy to read out and type once."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None:
        raise AccountError(f"没有账号 {name!r}（列出账号：xuncha users list）")
    return user


def add_user(
    session: Session, name: str, role: str, unit: str | None = None, password: str | None = None
) -> NewPassword:
    """A new account; without `password` a one-time password is made (and returned once)."""
    clean = _clean_name(name)
    if role not in ROLES:
        raise AccountError(f"角色 {role!r} 无效：admin、unit 或 auditor")
    unit_name = (unit or "").strip() or None
    if role == "unit" and unit_name is None:
        raise AccountError("责任单位用户需要 --unit（例如 --unit 办公室）")
    if role != "unit" and unit_name is not None:
        raise AccountError("只有责任单位用户（--role unit）属于一个单位")
    if session.scalar(select(User.id).where(User.name == clean)) is not None:
        raise AccountError(f"账号 {clean!r} 已存在（改密码：xuncha users passwd {clean}）")
    chosen = password is not None
    secret = _check_password(password) if password is not None else one_time_password()
    user = User(
        name=clean,
        role=role,
        unit=unit_name,
        password_hash=_HASHER.hash(secret),
        must_change_password=not chosen,
        disabled=False,
        session_version=1,
        created_at=_now(),
    )
    session.add(user)
    session.flush()
    return NewPassword(user, secret, generated=not chosen)


def set_password(
    session: Session, name: str, password: str | None = None, *, by_owner: bool = False
) -> NewPassword:
    """A new password (a one-time one without `password`); `by_owner`: the account's owner
    chose it, so it need not be changed at the next login. Every session of the account ends."""
    user = find_user(session, name)
    chosen = password is not None
    secret = _check_password(password) if password is not None else one_time_password()
    user.password_hash = _HASHER.hash(secret)
    user.must_change_password = not (chosen and by_owner)
    user.session_version += 1
    return NewPassword(user, secret, generated=not chosen)


def set_disabled(session: Session, name: str, disabled: bool = True) -> User:
    user = find_user(session, name)
    user.disabled = disabled
    user.session_version += 1
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def log_in(store: Store, name: str, password: str, address: str) -> tuple[int, int]:
    """(account id, session version) of the account whose password this is.

    Every attempt is first written down as a failure and committed, then counted, and only
    then is the password checked: attempts made at the same moment all count, so no burst gets
    more than the limits allow (:class:`LoginLocked`). A right password takes the attempt back
    and clears the account's failures from this address; anything else is
    :class:`LoginRefused`, saying nothing of which part was wrong."""
    name = (name or "").strip()[:80]
    keys = _failure_keys(name, address)
    with store.session() as session, session.begin():
        now = _now()
        attempt = [LoginFailure(key=key, at=now) for key in keys]
        session.add_all(attempt)
    with store.session() as session, session.begin():
        for key, limit in keys.items():
            recent = session.scalar(
                select(func.count(LoginFailure.id)).where(
                    LoginFailure.key == key, LoginFailure.at > now - LOCKOUT
                )
            )
            if (recent or 0) > limit:  # this attempt counted in
                raise LoginLocked(
                    f"登录失败次数过多，请 {int(LOCKOUT.total_seconds() // 60)} 分钟后再试"
                )
        user = session.scalar(select(User).where(User.name == name)) if name else None
        if not _verify(user.password_hash if user is not None else None, password or ""):
            user = None
        if user is None or user.disabled:
            raise LoginRefused("账号或密码不正确")
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        mine = [row.id for row in attempt]
        pair = next(key for key in keys if key.startswith("pair:"))
        session.execute(
            delete(LoginFailure).where(
                (LoginFailure.id.in_(mine)) | (LoginFailure.key == pair)
                | (LoginFailure.at <= now - LOCKOUT)
            )
        )  # fmt: skip
        user.last_login_at = now
        return user.id, user.session_version


def _failure_keys(name: str, address: str) -> dict[str, int]:
    """What failures are counted by, and how many each may have in the window: one name from
    one address (a guesser), one address (a guesser of many names) and one name from anywhere
    (many guessers; high, so that nobody can lock an account out with a few tries)."""
    lowered = name.strip()[:80].lower()
    return {
        f"pair:{lowered}|{address}": PAIR_FAILURES,
        f"addr:{address}": ADDRESS_FAILURES,
        f"name:{lowered}": NAME_FAILURES,
    }


def check_password(user: User, password: str) -> bool:
    """Whether `password` is the account's (a re-check before changing it)."""
    return _verify(user.password_hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
