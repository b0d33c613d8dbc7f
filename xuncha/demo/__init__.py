"""The bundled demo portal (演示站点): a fictional 辽源市交通运输局 site with planted defects.

``xuncha demo`` starts a :class:`DemoPortal` on loopback, writes :func:`demo_profile` to a
YAML file, crawls it and prints the report path. The test suite uses the same portal for
end-to-end crawls. What a crawl must find is listed in :mod:`xuncha.demo.expected`.

The portal serves three nights (:data:`DEMO_NIGHTS`): as published, after a rectification
(整改: some defects fixed, one new) and with one fixed defect back (回潮), switched with
:meth:`DemoPortal.set_night`; what each night must report is in :mod:`xuncha.demo.nights`.

Modules: ``server`` (listeners, virtual hosts, request accounting), ``certs`` (demo CA and
certificates), ``site`` (routing, the soft-404 rules, the site search), ``model`` (what a
column and an article are), ``columns`` (the 栏目 as data), ``texts`` (article bodies and the
planted content), ``placements`` (attachments, planted links and resources per article),
``editions`` (what changes on nights 2 and 3), ``render`` + ``templates/`` (HTML), ``files``
(attachment bytes), ``profile`` (the site profile), ``answer_key`` + ``expected`` +
``expected_content`` + ``nights`` (the answer key).
"""

from __future__ import annotations

from xuncha.demo.catalog import DEMO_AS_OF
from xuncha.demo.editions import DEMO_NIGHTS
from xuncha.demo.profile import demo_profile
from xuncha.demo.server import DemoPortal, RecordedRequest
from xuncha.demo.site import article_paths, list_pages

__all__ = [
    "DEMO_AS_OF",
    "DEMO_NIGHTS",
    "DemoPortal",
    "RecordedRequest",
    "article_paths",
    "demo_profile",
    "list_pages",
]
