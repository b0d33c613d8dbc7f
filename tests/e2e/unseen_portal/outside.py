"""The other sites the unseen portal links to, answered on the portal's own loopback port.

A real portal's links leave it: the 友情链接 of its home page, the 站群导航 of government sites
in every header's dropdown, and — once an intruder has been in — an injected 暗链. The fixture
answers for those hosts too, by the ``Host`` header, on the port the portal listens on (so a
page writes their links with that port: :func:`on_port`); a test profile maps their names to
127.0.0.1 in ``network.hosts``, as DNS would answer for the real ones. Each answers its home
page (``/``) and nothing else:

- :data:`CASINO`, the injected link's target: a casino's home page;
- :data:`LAPSED`, 清溪旅游网 — a partner whose domain lapsed and a casino bought (外链变质);
- :data:`PARTNER`, 清溪新闻网 — a partner that is still what it was;
- :data:`GOV_SITES`, the province's and the city's portals (gov.cn: a crawl only asks them).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from loopback import NOT_FOUND, Reply

CASINO = "www.js8866.example.com"
LAPSED = "www.qxtour.example.com"
PARTNER = "www.qxnews.example.com"
GOV_SITES = {"www.zj.gov.cn": "浙江省人民政府", "www.jinhua.gov.cn": "金华市人民政府"}
HOSTS = (CASINO, LAPSED, PARTNER, *GOV_SITES)
"""Every outside host a page of the portal links to; a profile maps each to 127.0.0.1."""

CASINO_TITLE = "澳门新葡京娱乐场|真人视讯|百家乐"
LAPSED_TITLE = "金沙娱乐城-真人娱乐-首存送38%"


def _casino(title: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        '<div class="nav">首页 真人视讯 电子游艺 体育投注 彩票游戏 优惠活动</div>'
        "<div>注册即送彩金，24小时在线客服。</div></body></html>"
    )


_HOME_PAGES = {
    CASINO: _casino(CASINO_TITLE),
    LAPSED: _casino(LAPSED_TITLE),
    PARTNER: (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>清溪新闻网</title></head><body>'
        '<div class="nav">首页 清溪要闻 乡镇动态 图片新闻 视频清溪</div><ul>'
        "<li>县政府召开经济运行分析会</li><li>清溪县秋粮收购工作有序推进</li></ul>"
        "<p>主办：清溪县融媒体中心</p></body></html>"
    ),
    **{
        host: (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}门户网站</title>'
            f"</head><body><h1>{name}</h1><p>政务公开 政务服务 互动交流</p></body></html>"
        )
        for host, name in GOV_SITES.items()
    },
}


def reply(host: str, path: str) -> Reply:
    """The answer of outside ``host`` to a request for ``path``: its home page, else 404."""
    if path != "/":
        return NOT_FOUND
    return Reply(body=_HOME_PAGES[host])


def on_port(href: str, base: str) -> str:
    """``href`` with the portal's port (from ``base``) when it links an outside host."""
    parts = urlsplit(href)
    if parts.scheme != "http" or parts.hostname not in HOSTS:
        return href
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{urlsplit(base).port}"))
