"""The rule behind each check (检查依据), as a 整改通知书 cites it: the published text and the item.

Sources (see the project's standards notes): 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》
(the single-veto and deduction items), 国办发〔2017〕47号《政府网站发展指引》 (site-wide elements,
security), 《中华人民共和国政府信息公开条例》 (2019, mandatory disclosure), 《中华人民共和国个人
信息保护法》, 中国政府网《关于“办事指南”指标的说明》 (2015) and the W3C Mixed Content
recommendation. Where only practice fixes a rule, the basis says so.
"""

from __future__ import annotations

_INDICATORS = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
_GUIDE = "《政府网站发展指引》（国办发〔2017〕47号）"
_INDICATORS_EN = "Inspection indicators for government websites (国办秘函〔2019〕19号)"
_GUIDE_EN = "Guidelines for government websites (国办发〔2017〕47号)"

# check id → (中文, English)
BASIS: dict[str, tuple[str, str]] = {
    "broken_link": (
        f"{_INDICATORS}：错链断链（扣分指标）",
        f"{_INDICATORS_EN}: broken and wrong links (deduction)",
    ),
    "wrong_link": (
        f"{_INDICATORS}：错链断链（扣分指标）；{_GUIDE}：不得链接内网及本地地址",
        f"{_INDICATORS_EN}: broken and wrong links (deduction); {_GUIDE_EN}: no intranet or "
        "local addresses",
    ),
    "tls_certificate": (
        f"{_GUIDE}：安全防护，推广使用 HTTPS，证书应有效",
        f"{_GUIDE_EN}: security, HTTPS with a valid certificate",
    ),
    "stale_column": (
        f"{_INDICATORS}：首页不更新、栏目不更新（单项否决）",
        f"{_INDICATORS_EN}: home page or columns not updated (single veto)",
    ),
    "blank_column": (
        f"{_INDICATORS}：空白栏目（单项否决，5个及以上）",
        f"{_INDICATORS_EN}: blank columns (single veto at 5 or more)",
    ),
    "missing_mandatory": (
        "《中华人民共和国政府信息公开条例》第二十条、第二十一条、第四十九条；《预算法》第十四条",
        "Regulations on the Disclosure of Government Information, art. 20, 21 and 49; Budget "
        "Law, art. 14",
    ),
    "mixed_content": (
        f"{_GUIDE}：安全防护；W3C《混合内容》规范（HTTPS 页面不应加载 HTTP 资源）",
        f"{_GUIDE_EN}: security; W3C Mixed Content (no http: resource on an https: page)",
    ),
    "site_identity": (
        f"{_GUIDE}：网站标识码、ICP备案编号、公安机关备案标识、党政机关网站标识、“我为政府网站找错”入口、站内搜索",
        f"{_GUIDE_EN}: site code, ICP and public-security filings, the Party and government "
        "site mark, the error-report entry, site search",
    ),
    "privacy_leak": (
        "《中华人民共和国个人信息保护法》；《政府信息公开条例》第十五条（涉及个人隐私的不予公开）",
        "Personal Information Protection Law; Disclosure Regulations, art. 15 (personal privacy)",
    ),
    "wording_error": (
        f"{_INDICATORS}：严重表述错误（单项否决）；一般错别字为常见检查实践",
        f"{_INDICATORS_EN}: serious misstatement (single veto); common miswritings by practice",
    ),
    "harmful_link": (
        f"{_INDICATORS}：严重问题——链接至反动、暴力、色情等内容，网站被攻击篡改未及时处置（单项否决）",
        f"{_INDICATORS_EN}: serious problems — links to illegal content, defacement not handled "
        "(single veto)",
    ),
    "interaction_response": (
        f"{_INDICATORS}：互动回应差（单项否决）",
        f"{_INDICATORS_EN}: poor interaction and response (single veto)",
    ),
    "misplaced_content": (
        "《政府信息公开条例》第二十条（按类别主动公开）；内容归类为常见检查实践",
        "Disclosure Regulations, art. 20 (information by category); placement by practice",
    ),
    "service_guide": (
        f"{_INDICATORS}：服务不实用；中国政府网《关于“办事指南”指标的说明》（八类要素）",
        f"{_INDICATORS_EN}: services not usable; the note on the service-guide indicator (eight "
        "elements)",
    ),
    "site_unreachable": (
        f"{_INDICATORS}：站点无法访问（单项否决）",
        f"{_INDICATORS_EN}: site unreachable (single veto)",
    ),
}


def basis_of(check: str, lang: str = "zh") -> str:
    """The rule behind `check` in `lang` (the check's id if none is recorded)."""
    zh, en = BASIS.get(check, (check, check))
    return en if lang == "en" else zh
