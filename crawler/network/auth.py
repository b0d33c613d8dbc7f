"""HTTP basic authentication (基本认证) for the hosts the profile names, and no other.

``XUNCHA_AUTH`` lists the profile's ``auth`` entries (host, user, and the *name* of the
environment variable holding the password): the passwords are read from the environment when
the crawl starts and live in this middleware only — never in the settings (Scrapy logs
those), in a request queued on disk or in Redis, or in anything stored.

* ``process_request`` sends a request whose URL holds a user name or password (a redirect's
  ``Location`` may) back as the same URL without them: no credentials written by a site are
  sent or recorded;
* ``process_request`` puts ``Authorization: Basic`` on a request whose host is one of those
  hosts (exactly: a subdomain is another host), and takes any such header off every other
  request, so a redirect or a link to another host never carries a password;
* ``process_response`` and ``process_exception`` take the header off again before
  ``RedirectMiddleware`` (600) and ``RetryMiddleware`` (550) copy the request into a new one,
  which is scheduled (and, in a distributed run, written to Redis): the new request gets the
  header again from ``process_request`` only if it goes to one of the hosts.

Scrapy's own ``HttpAuthMiddleware`` is off: it holds one domain and its subdomains, and takes
its password from the settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from scrapy.utils.httpobj import urlparse_cached

from checks.userinfo import Credentials, split_credentials

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

AUTHORIZATION = b"Authorization"


def host_headers(entries: Iterable[Mapping[str, Any]]) -> dict[str, bytes]:
    """Host → its ``Authorization`` value, for the entries whose variable is set; the others
    are logged (by host and variable name) and left out."""
    headers: dict[str, bytes] = {}
    for entry in entries:
        host, user, variable = str(entry["host"]), str(entry["user"]), str(entry["password_env"])
        password = os.environ.get(variable)
        if password is None:
            logger.warning("auth: %s 的密码环境变量 %s 未设置，请求不带认证", host, variable)
            continue
        headers[host.lower()] = Credentials(user, password).basic_authorization().encode()
    return headers


class BasicAuthMiddleware:
    def __init__(self, headers: Mapping[str, bytes]) -> None:
        self.headers = dict(headers)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BasicAuthMiddleware:
        return cls(host_headers(crawler.settings.getlist("XUNCHA_AUTH")))

    def process_request(self, request: Request) -> Request | None:
        if "@" in urlparse_cached(request).netloc:
            # A redirect's Location with credentials in it: fetched (and recorded) without.
            return request.replace(url=split_credentials(request.url)[0])
        header = self.headers.get((urlparse_cached(request).hostname or "").rstrip("."))
        if header is None:
            request.headers.pop(AUTHORIZATION, None)
        else:
            request.headers[AUTHORIZATION] = header
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        request.headers.pop(AUTHORIZATION, None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        request.headers.pop(AUTHORIZATION, None)
        return None
