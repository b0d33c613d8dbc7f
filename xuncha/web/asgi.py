"""The workspace for an ASGI server (uvicorn, gunicorn's uvicorn workers)::

    XUNCHA_DB=postgresql+psycopg://… XUNCHA_SECRET_KEY=… \
        uvicorn xuncha.web.asgi:app --host 127.0.0.1 --port 8000 --workers 4

The database and the session key come from the environment; without XUNCHA_SECRET_KEY every
worker would sign with a key of its own, so it is required here.
"""

from __future__ import annotations

import os

from xuncha.web.app import SECRET_ENV, Settings, WebConfigError, create_app, secret_from_environment

if not os.environ.get(SECRET_ENV):
    raise WebConfigError(f"set {SECRET_ENV} (32 characters or more) for the workspace's sessions")
_secret, _ = secret_from_environment()
app = create_app(
    Settings(
        db_url=os.environ.get("XUNCHA_DB") or None,
        secret=_secret,
        https=os.environ.get("XUNCHA_HTTPS", "") == "1",
        lang=os.environ.get("XUNCHA_LANG", "zh"),
    )
)
