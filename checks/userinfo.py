"""Credentials written into an address (网址中的用户名和密码), kept out of everything stored.

``http://user:password@host/`` carries a secret in its userinfo. A crawl may use it, but no
row, report, export or log line may hold it: the stages read such an address through these
functions, which split the secret off (to be used in memory) or mask it with
:data:`PASSWORD_MASK`, keeping the user name so a webmaster still sees which account it was
(``http://user:***@host/``). Total functions, like :mod:`checks.urls`: text no URL parser
accepts is masked by pattern and never raises.
"""

from __future__ import annotations

import base64
import re
from typing import NamedTuple
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

PASSWORD_MASK = "***"

# ``scheme://user:password@`` anywhere in a text (a log line, an error message): the password
# runs to the last ``@`` before the host, so a password holding ``@`` or ``/`` is masked whole.
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*):(?P<secret>[^\s@]*)@")


class Credentials(NamedTuple):
    """The user name and password an address carried (percent-decoded, as a browser sends
    them in an ``Authorization: Basic`` header)."""

    user: str
    password: str

    def basic_authorization(self) -> str:
        """The ``Authorization`` value of HTTP basic authentication (RFC 7617, UTF-8)."""
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def _parts(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:
        return None


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """``url`` without its userinfo, and the credentials it held (None when it held none).
    Text no URL parser accepts is returned as it is (its password masked), with None."""
    parts = _parts(url)
    if parts is None:
        return redact_text(url), None
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    return clean, Credentials(unquote(user), unquote(password))


def redact_url(url: str) -> str:
    """``url`` with the password of its userinfo masked (``http://user:***@host/``); the
    same text when it holds no password."""
    parts = _parts(url)
    if parts is None or "@" not in parts.netloc:
        return redact_text(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    if not colon:
        return url
    return urlunsplit(parts._replace(netloc=f"{user}:{PASSWORD_MASK}@{hostport}"))


def redact_text(text: str) -> str:
    """``text`` (a message, a log line) with the password of every address in it masked."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: f"{m['head']}:{PASSWORD_MASK}@", text)


def has_password(url: str) -> bool:
    """Whether ``url`` writes a password in its userinfo."""
    return redact_url(url) != url
