"""The workspace as an ASGI application (Starlette): routes, sessions, logins, errors and the
headers every response carries.

Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind HTTPS) holding the account's
id, the version of its sessions and the CSRF token; the account is read again on every request,
so a disabled account or a changed password ends its sessions at once.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xuncha import accounts
from xuncha.errors import XunchaError
from xuncha.store import Store
from xuncha.web import views
from xuncha.web.guard import (
    ACTORS,
    READERS,
    Page,
    Refused,
    check_csrf,
    language,
    page,
    safe_next,
    sign_in,
)
from xuncha.web.rendering import BASE_POLICY, html
from xuncha.web.words import words

SECRET_ENV = "XUNCHA_SECRET_KEY"
SESSION_HOURS = 12
STATIC = os.path.join(os.path.dirname(__file__), "static")


class DocumentKind(Convertor[str]):
    """``docx`` or ``pdf``: the two forms of a document to file."""

    regex = "docx|pdf"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("docx_or_pdf", DocumentKind())


class WebConfigError(XunchaError):
    """The workspace cannot start: a secret too short, a database not at this version."""


@dataclass(frozen=True)
class Settings:
    db_url: str | None
    secret: str
    https: bool = False
    lang: str = "zh"


def secret_from_environment() -> tuple[str, bool]:
    """The session key from XUNCHA_SECRET_KEY, else a random one for this process only
    (``True``: made up, sessions end when the server stops)."""
    given = os.environ.get(SECRET_ENV, "")
    if not given:
        return secrets.token_urlsafe(48), True
    if len(given) < 32:
        raise WebConfigError(
            f"{SECRET_ENV} 太短：至少 32 个字符（例如 `openssl rand -hex 32` 的输出）"
        )
    return given, False


# -- login, logout, password ---------------------------------------------------------------------


async def login(request: Request) -> Response:
    lang = language(request)
    target = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return html(request, "login.html", lang, next=target, error=None, user=None)
    form = await request.form(max_files=0, max_fields=10)
    check_csrf(request, form)
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    address = request.client.host if request.client else "-"
    store: Store = request.app.state.store

    def attempt() -> tuple[int, int] | str:
        try:
            return accounts.log_in(store, name, password, address)
        except (accounts.LoginLocked, accounts.LoginRefused) as refused:
            return str(refused)

    outcome = await run_in_threadpool(attempt)
    if isinstance(outcome, str):
        return html(request, "login.html", lang, status=401, next=target, error=outcome, user=None)
    sign_in(request, *outcome)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_csrf(request, form)
    lang = request.session.get("lang")
    request.session.clear()
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


def password(page_: Page) -> Response:
    """Change one's own password; a one-time password must be changed before anything else."""
    if page_.form is None:
        return html(page_.request, "password.html", page_.lang, user=page_.user, error=None)
    current, new, again = (page_.field(n) for n in ("current", "new", "again"))
    error = None
    if not accounts.check_password(page_.user, current):
        error = words(page_.lang)["wrong_password"]
    elif new != again:
        error = words(page_.lang)["passwords_differ"]
    else:
        try:
            accounts.set_password(page_.session, page_.user.name, new, by_owner=True)
        except accounts.AccountError as weak:
            error = str(weak)
    if error is not None:
        return html(
            page_.request, "password.html", page_.lang, status=400, user=page_.user, error=error
        )
    page_.session.flush()
    sign_in(page_.request, page_.user.id, page_.user.session_version)
    page_.request.session["flash"] = "password_changed"
    return RedirectResponse("/", status_code=303)


# -- errors and headers -------------------------------------------------------------------------


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    lang = language(request)
    said = words(lang)
    title = said.get(exc.word, said["forbidden"])
    text = said.get(f"{exc.word}_text", "")
    return html(request, "error.html", lang, status=exc.status, title=title, text=text, user=None)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await refused(request, Refused(404, "not_found"))
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


class SecurityHeaders:
    """Every response: a content policy (no script but a report's own, by its hash), no
    framing, no sniffing, no referrer beyond this site, and no caching of what is private;
    served over HTTPS (``https``), HSTS too."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app, self.https = app, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"content-security-policy": BASE_POLICY.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"same-origin",
                    b"cache-control": b"no-store",
                }
                if str(scope.get("path", "")).startswith("/static/"):
                    extra[b"cache-control"] = b"max-age=3600"
                if self.https:
                    extra[b"strict-transport-security"] = b"max-age=31536000"
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


# -- the application ----------------------------------------------------------------------------


def _route(
    path: str,
    function: Callable[[Page], Response],
    roles: frozenset[str],
    methods: tuple[str, ...] = ("GET",),
    fields: int = 200,
) -> Route:
    endpoint: Callable[[Request], Awaitable[Response]] = page(roles, fields=fields)(function)
    return Route(path, endpoint, methods=list(methods))


def routes() -> list[Route | Mount]:
    return [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        _route("/password", password, READERS, ("GET", "POST")),
        _route("/", views.sites, READERS),
        _route("/runs/{run_id:int}", views.run_report, frozenset({"admin", "auditor"})),
        _route(
            "/runs/{run_id:int}/report.{kind:docx_or_pdf}",
            views.report_document,
            frozenset({"admin", "auditor"}),
        ),  # fmt: skip
        _route("/runs/{run_id:int}/notice.{kind:docx_or_pdf}", views.notice_document, READERS),
        _route("/findings", views.findings, READERS),
        _route("/findings/{finding_id:int}", views.finding, READERS),
        _route("/findings/{finding_id:int}/{action}", views.act, ACTORS, ("POST",)),
        _route("/lookback", views.lookback, READERS),
        _route("/notices", views.notices, READERS),
        _route("/ledger.xlsx", views.ledger, READERS),
        _route("/ledger", views.ledger_page, READERS),
        _route("/ledger/upload", views.ledger_upload, ACTORS, ("POST",)),
        _route("/ledger/apply", views.ledger_apply, ACTORS, ("POST",), fields=50_000),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(settings: Settings) -> Starlette:
    """The workspace over the store at ``settings.db_url`` (which must exist at this version)."""
    store = Store(settings.db_url, create=False)
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeaders, https=settings.https),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret,
                session_cookie="xuncha_session",
                max_age=int(timedelta(hours=SESSION_HOURS).total_seconds()),
                same_site="lax",
                https_only=settings.https,
            ),
        ],
        exception_handlers={Refused: refused, HTTPException: http_error},
    )
    app.state.store = store
    app.state.trends = views.TrendCache()
    app.state.lang = settings.lang
    return app
