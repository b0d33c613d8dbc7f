"""Who may do what, checked on the server for every request: the logged-in account, the CSRF
token of every form, the roles of each page and action, and a unit user's own findings.

A page is a plain function of a :class:`Page` (the request, its database session, the account,
the form) run in a worker thread; :func:`page` wraps it into an endpoint that first finds the
account (or sends to the login page), refuses a role the page does not allow (403), and refuses
a POST whose CSRF token is missing or wrong (403) before anything is read or written.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from xuncha.store import Finding, Store, User

CSRF_FIELD = "csrf_token"
READERS = frozenset({"admin", "unit", "auditor"})
ACTORS = frozenset({"admin", "unit"})


class Refused(Exception):
    """A request refused: 403 (a role, another unit's finding, a bad CSRF token) or 404."""

    def __init__(self, status: int, word: str) -> None:
        super().__init__(word)
        self.status, self.word = status, word


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the login form has one too)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: FormData) -> None:
    expected = request.session.get("csrf")
    given = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise Refused(403, "csrf")


def language(request: Request) -> str:
    """``?lang=en`` or ``?lang=zh`` switches and is remembered in the session; 中文 by default."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        request.session["lang"] = asked
    lang = request.session.get("lang")
    if lang in ("zh", "en"):
        return str(lang)
    return str(request.app.state.lang)


@dataclass
class Page:
    request: Request
    session: Session
    user: User
    form: FormData | None
    lang: str

    @property
    def actor(self) -> str:
        return self.user.name

    def may_see(self, finding: Finding) -> bool:
        return self.user.role != "unit" or (
            self.user.unit is not None and finding.unit == self.user.unit
        )

    def finding(self, finding_id: int) -> Finding:
        """The finding, if this account may see it: 404 when there is none, 403 when it is
        another unit's (a unit user editing the URL gets no further)."""
        finding = self.session.get(Finding, finding_id)
        if finding is None:
            raise Refused(404, "not_found")
        if not self.may_see(finding):
            raise Refused(403, "forbidden")
        return finding

    def field(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""


PageFunction = Callable[[Page], Response]


def page(
    roles: Collection[str] = READERS, *, fields: int = 200
) -> Callable[[PageFunction], Callable[[Request], Awaitable[Response]]]:
    """The endpoint of a page function, open to `roles`; a form it takes has at most `fields`
    fields and one file."""

    def wrap(function: PageFunction) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                if not isinstance(request.session.get("uid"), int):
                    raise Refused(403, "csrf")  # no session: no form of ours was sent
                form = await request.form(max_files=1, max_fields=fields)
            try:
                if form is not None:
                    check_csrf(request, form)
                lang = language(request)
                return await run_in_threadpool(_run, function, request, form, lang, roles)
            finally:
                if form is not None:
                    await form.close()  # an uploaded file's temporary file

        endpoint.__name__ = function.__name__
        endpoint.__doc__ = function.__doc__
        return endpoint

    return wrap


def _run(
    function: PageFunction,
    request: Request,
    form: FormData | None,
    lang: str,
    roles: Collection[str],
) -> Response:
    store: Store = request.app.state.store
    with store.session() as session, session.begin():
        user = signed_in(request, session)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        if user.must_change_password and request.url.path != "/password":
            return RedirectResponse("/password", status_code=303)
        if user.role not in roles:
            raise Refused(403, "forbidden")
        return function(Page(request, session, user, form, lang))


def signed_in(request: Request, session: Session) -> User | None:
    """The session's account while it is enabled and its sessions have not been ended."""
    user_id, version = request.session.get("uid"), request.session.get("ver")
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = session.get(User, user_id)
    if user is None or user.disabled or user.session_version != version:
        request.session.pop("uid", None)
        return None
    return user


def sign_in(request: Request, user_id: int, session_version: int) -> None:
    """A fresh session for the account: the old one's contents (and CSRF token) go."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({"uid": user_id, "ver": session_version})
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    csrf_token(request)


def safe_next(target: Any) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"
