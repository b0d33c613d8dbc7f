"""暗链/黑链 and 外链变质 of the demo portal: the outside sites its pages link to, what they serve.

- **暗链** (a 严重问题 single veto): one old 通知公告 article (``tzgg`` 6) carries what a spam
  injector writes into a page it can reach — a ``<style>`` rule moving a made-up class
  off-screen (``left:-9999px``) and a ``<div>`` of that class linking a casino with the words
  of one (澳门新葡京娱乐城). The casino's host answers on loopback like every demo host, so the
  link is also a working outside link: the crawl reports it once, as ``hidden``.
- **外链变质** (also a single veto): the disclosure platform's home page (``/`` on xxgk) lists
  two 友情链接; one, 辽源旅游网, links a domain that lapsed and now serves a casino (its title
  and text say so), the other a 道路运输协会 whose home page is what it always was.
- Look-alikes: the same home page hides a 政府网站 dropdown (``display:none`` until hovered, as
  menus do) listing two other government sites and the bureau's own portal — hidden outside
  links, but a menu, not an injection.

Every host here is made up and mapped to 127.0.0.1 by the demo profile's ``network.hosts``; the
site serves them on plain http (:mod:`xuncha.demo.site`), so no request ever leaves loopback.
Hrefs hold ``{http_port}``/``{https_port}`` placeholders, filled when a page is rendered.
"""

from __future__ import annotations

from xuncha.demo.answer_key import JTJ, Negative, Planted, page_path

# The injected link (tzgg 6): its target, its words, and the class its <style> hides.
CASINO_HOST = "www.amxpj8866.example"
CASINO_URL = "http://www.amxpj8866.example:{http_port}/"
CASINO_TEXT = "澳门新葡京娱乐城"
INJECTED_CLASS = "x9k2"
INJECTED_ARTICLE = ("tzgg", 6)

# The 友情链接 of the disclosure platform's home page: (text, href).
HIJACKED_HOST = "www.lyly-travel.example"  # lapsed, now a casino
FRIEND_HOST = "www.lydlysxh.example"  # still the association's site
FRIEND_LINKS: tuple[tuple[str, str], ...] = (
    ("辽源旅游网", f"http://{HIJACKED_HOST}:{{http_port}}/"),
    ("辽源市道路运输协会", f"http://{FRIEND_HOST}:{{http_port}}/"),
)

# The hidden 政府网站 dropdown of the same page: (text, href), the portal's own home included.
GOV_HOSTS = ("www.liaoyuan-example.gov.cn", "jtt.jilin-example.gov.cn")
GOV_SITES: tuple[tuple[str, str], ...] = (
    ("辽源市人民政府", f"http://{GOV_HOSTS[0]}:{{http_port}}/"),
    ("吉林省交通运输厅", f"http://{GOV_HOSTS[1]}:{{http_port}}/"),
    ("辽源市交通运输局", JTJ + "/"),
)

OUTSIDE_HOSTS = (CASINO_HOST, HIJACKED_HOST, FRIEND_HOST, *GOV_HOSTS)
"""Every outside host of this module: the profile maps each to loopback, the site serves it."""

# What each outside host's home page shows: host -> (title, paragraphs).
CASINO_PAGE = ("澳门新葡京娱乐场-真人视讯-百家乐", ["真人荷官 电子游艺 体育投注 优惠活动"])
OUTSIDE_PAGES: dict[str, tuple[str, list[str]]] = {
    CASINO_HOST: CASINO_PAGE,
    HIJACKED_HOST: ("皇冠体育-真人娱乐-首存送彩金", ["真人视讯 电子游艺 首存送彩金 在线客服"]),
    FRIEND_HOST: ("辽源市道路运输协会", ["协会简介 行业动态 会员服务 政策法规"]),
    GOV_HOSTS[0]: ("辽源市人民政府", ["政务公开 政务服务 互动交流"]),
    GOV_HOSTS[1]: ("吉林省交通运输厅", ["政务公开 政务服务 互动交流"]),
}


def _planted(subtype: str, url: str, note: str, page: str, link_text: str) -> Planted:
    return Planted("harmful_link", subtype, url, note, issue=11, page=page, link_text=link_text)


def _negative(url: str, note: str, page: str, link_text: str) -> Negative:
    return Negative(url, note, page, link_text, issue=11)


HARMFUL_PLANTED: list[Planted] = [
    _planted(
        "hidden", "http://www.amxpj8866.example:{http_port}/",
        "暗链: an injected <div class=x9k2>, moved off-screen by an injected <style> rule "
        "(left:-9999px), links a casino named 澳门新葡京娱乐城",
        page_path("tzgg", 6), "澳门新葡京娱乐城",
    ),
    _planted(
        "hijacked", "http://www.lyly-travel.example:{http_port}/",
        "外链变质: the 友情链接 辽源旅游网 (harmless words) now opens a casino "
        "(title 皇冠体育-真人娱乐-首存送彩金)",
        "/", "辽源旅游网",
    ),
]  # fmt: skip

HARMFUL_NEGATIVES: list[Negative] = [
    _negative(
        "http://www.lydlysxh.example:{http_port}/",
        "友情链接 辽源市道路运输协会: an ordinary home page",
        "/", "辽源市道路运输协会",
    ),
    _negative(
        "http://www.liaoyuan-example.gov.cn:{http_port}/",
        "hidden 政府网站 dropdown (display:none): 辽源市人民政府, a menu entry, not 暗链",
        "/", "辽源市人民政府",
    ),
    _negative(
        "http://jtt.jilin-example.gov.cn:{http_port}/",
        "hidden 政府网站 dropdown (display:none): 吉林省交通运输厅, a menu entry, not 暗链",
        "/", "吉林省交通运输厅",
    ),
]  # fmt: skip
