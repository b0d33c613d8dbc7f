"""A second fixture portal, built unlike the demo: one GBK host in Hanweb JCMS (大汉) style.

清溪县人民政府 (fictional) serves everything from one plain-HTTP host: the home page's main
nav says 信息公开 (not 政务公开) and points at ``/xxgk/``; the disclosure home lists its
栏目 as a ``<div class="leftnav">`` tree of ``<dl><dt>/<dd>`` nodes, one of them a parent whose
own page lists no items, only its two sub-columns. Columns live at ``/col/colNNNN/index.html``
and articles at ``/art/Y/M/D/art_NNNN_ID.html`` — outside the section's path. Every page is GBK
bytes with ``Content-Type: text/html`` (no charset) and ``<meta charset="gbk">``.

List styles: ``ul`` (``<li><a/><span>[2026-10-03]</span>``, numbered pager
``index.html?uid=…&pageNum=N`` with 下一页/尾页), ``table`` (dates ``2026年10月03日``, page links
written only by a script from ``var totalPage=N;`` as ``index_N.html``), ``p``
(``<p><a/><em>10-03</em></p>``, no year: it is only in the article URL), ``empty``
(``暂无信息``), and two single-page styles: ``page`` (paragraphs of the column's own, no list:
公开制度, and 收费 saying there are none — not blank) and ``bare`` (the chrome and the column's
name, nothing else: 专项资金, blank). Articles show ``发布日期：2026年10月3日`` in
``<div class="info">``, no PubDate meta; their ``<title>`` is ``标题_栏目_站点``, as Hanweb
writes it. The footer carries 主办,
网站标识码 and ICP备案 as text, the 党政机关 mark as the ``document.write(unescape(…))`` widget
and the 找错 ``<script id="_jiucuo_">``, but no 公安备案; every header has a GBK search form
that answers, and a 政府网站 dropdown of the province's and the city's portals hidden by
``display:none`` until hovered. A 办事指南 column lists two guides as label | value tables: one
with all eight element classes, one lacking 设定依据 and with its 办理时间 cell empty.

Links leave the site as on any portal: the home page's 友情链接 name 清溪旅游网, whose lapsed
domain a casino now serves (外链变质), and 清溪新闻网, still what it was; one 政府采购 notice
carries an injected 暗链 to a casino, hidden off-screen by a ``<style>`` written into the
article. Those outside hosts (:data:`OUTSIDE_HOSTS`) are answered on the portal's own port
by their ``Host`` header, and a profile maps their names to 127.0.0.1 (``network.hosts``).

:data:`PLANTED` and :data:`NEGATIVES` are the answer key of the link checks (断链, 错链,
暗链, 外链变质); :data:`CONTENT_EXPECTED` and :data:`CONTENT_NEGATIVES` that of the content
checks (栏目, 标识, 个人信息, 错敏词, 内容混杂, 互动回应, 办事指南…). :data:`NEVER_FETCHED` are
pages linked only from outside the disclosure section. Everything is deterministic.

Three nights (整改复查, :data:`NIGHTS`, ``UnseenPortal(night=…)``): night 1 is the site above,
exactly; night 2, a week later, is the webmaster's rectification (:data:`REVISIONS`,
:data:`LATER`, :data:`LATER_FILES`: five defects of five kinds fixed, one new broken 附件; the
暗链, the 外链变质 and the incomplete guide are left as they were); night 3, a week after that,
restores one fixed page from a backup. Every column keeps its
freshness state across the nights (publishing where needed), so the planted changes are the
only differences. What each night must report is written by hand in ``test_unseen_nights.py``.

Modules, as :mod:`xuncha.demo` is laid out: ``model`` (what a column and an article are),
``catalog`` (the 栏目 as data, the site's fixed parts), ``answer_key`` (what a crawl must
find, and the look-alikes it must not), ``editions`` (what changes on nights 2 and 3),
``pages`` (the HTML), ``boards`` (互动交流 and its 县长信箱), ``outside`` (the other sites the
pages link to) and ``site`` (routing, and :class:`UnseenPortal` on the shared ``loopback``
server).
"""

from __future__ import annotations

from .answer_key import (
    CONTENT_EXPECTED,
    CONTENT_NEGATIVES,
    IN_SECTION,
    LINKED_FROM_SECTION,
    NEGATIVES,
    PLANTED,
    SITE_GROUP,
    Expected,
    Lookalike,
    Negative,
    Planted,
)
from .catalog import ARTICLES, COLUMNS, NEVER_FETCHED, SEARCH_PATH
from .editions import LATER, LATER_FILES, NIGHTS, REVISIONS, Edition, edition
from .model import AS_OF, HOST, SITE_NAME, Article, Column
from .outside import HOSTS as OUTSIDE_HOSTS
from .site import UnseenPortal, respond

__all__ = [
    "ARTICLES",
    "AS_OF",
    "COLUMNS",
    "CONTENT_EXPECTED",
    "CONTENT_NEGATIVES",
    "HOST",
    "IN_SECTION",
    "LATER",
    "LATER_FILES",
    "LINKED_FROM_SECTION",
    "NEGATIVES",
    "NEVER_FETCHED",
    "NIGHTS",
    "OUTSIDE_HOSTS",
    "PLANTED",
    "REVISIONS",
    "SEARCH_PATH",
    "SITE_GROUP",
    "SITE_NAME",
    "Article",
    "Column",
    "Edition",
    "Expected",
    "Lookalike",
    "Negative",
    "Planted",
    "UnseenPortal",
    "edition",
    "respond",
]
