"""The bundled demo portal (演示站点): a fictional 辽源市交通运输局 site with planted defects.

``xuncha demo`` starts a :class:`DemoPortal` on loopback, writes :func:`demo_profile` to a
YAML file, crawls it and prints the report path. The test suite uses the same portal for
end-to-end crawls. What a crawl must find is listed in :mod:`xuncha.demo.expected`.

The portal serves three nights (:data:`DEMO_NIGHTS`): as published, after a rectification
(整改: some defects fixed, one new) and with one fixed defect back (回潮), switched with
:meth:`DemoPortal.set_night`; what each night must report is in :mod:`xuncha.demo.nights`.

Modules: ``server`` (listeners, virtual hosts, request accounting), ``certs`` (demo CA and
certificates), ``site`` (routing, the soft-404 rules, the site search), ``model`` (what a
column and an article are), ``catalog`` (the 栏目 as data), ``texts`` (article bodies and the
planted content), ``placements`` (attachments, planted links and resources per article),
``boards`` (互动交流: the 局长信箱 and its letters), ``harmful`` (the outside sites: the injected
暗链's casino, the 友情链接 and the hidden 政府网站 dropdown), ``guides`` (the 办事指南 tables),
``editions`` (what changes on nights 2 and 3), ``render`` + ``templates/`` (HTML), ``files``
(attachment bytes), ``profile`` (the site profile), ``answer_key`` + ``expected`` +
``expected_content`` + ``nights`` (the answer key; issue 11's entries sit in ``boards``,
``harmful`` and ``guides``).
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
