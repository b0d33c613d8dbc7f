"""The workspace's pages rendered on the server with the reports' Jinja2 environment (its
filters, its escaping, its templates), plus the workspace's own templates."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from reports.labels import RUN_STATUS_LABELS, SEVERITY_LABELS, STATUS_LABELS, label, labels
from reports.rendering import environment, own_script_body
from xuncha.web.guard import CSRF_FIELD, csrf_token
from xuncha.web.words import words

BASE_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@cache
def web_environment() -> Environment:
    return environment().overlay(
        loader=ChoiceLoader(
            [PackageLoader("xuncha.web", "templates"), PackageLoader("reports", "templates")]
        )
    )


def html(
    request: Request, template: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A workspace page: `context` plus the words of both tables, the CSRF field and the user."""
    names = {
        "t": labels(lang),
        "w": words(lang),
        "lang": lang,
        "r": {"lang": lang},  # what the reports' base.html reads
        "run_status": lambda key: label(RUN_STATUS_LABELS, key, lang),
        "status_label": lambda key: label(STATUS_LABELS, key, lang),
        "severity_label": lambda key: label(SEVERITY_LABELS, key, lang),
        "csrf_field": CSRF_FIELD,
        "csrf": csrf_token(request),
        "path": request.url.path,
    }
    text = web_environment().get_template(template).render(**names, **context)
    return HTMLResponse(text, status_code=status)


def report_page(text: str) -> HTMLResponse:
    """A report as the files are written, served with a policy that lets its own filter
    script run (by the hash of the template's script, whatever the page holds) and no other."""
    digest = hashlib.sha256(own_script_body().encode()).digest()
    policy = f"{BASE_POLICY}; script-src 'sha256-{base64.b64encode(digest).decode()}'"
    return HTMLResponse(text, headers={"Content-Security-Policy": policy})
