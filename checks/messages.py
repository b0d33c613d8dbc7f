"""What a webmaster reads about a finding: its title and how to fix it, 中文 or English.

Titles are built from the subtype and evidence at render time, so a finding stored once
can be exported in either language.
"""

from __future__ import annotations

from typing import Any

_TITLES: dict[str, dict[str, tuple[str, str]]] = {
    "broken_link": {
        "soft_404": (
            "链接指向“页面不存在”页面（软404）",
            "Link leads to a 'page not found' page (soft 404)",
        ),
        "timeout": ("链接打开超时", "Link timed out"),
        "dns_error": ("链接域名无法解析", "Link host does not resolve (DNS)"),
        "connection_refused": ("链接服务器拒绝连接", "Link server refused the connection"),
        "connection_error": ("链接无法连接", "Link could not be connected"),
        "tls_error": ("链接网站证书错误，浏览器将拦截", "Link site has a certificate error"),
        "redirect_loop": ("链接重定向循环", "Link redirects in a loop"),
        "too_many_redirects": ("链接重定向次数过多", "Link redirects too many times"),
        "redirect_error": ("链接重定向后失效（{status}）", "Link redirects to an error ({status})"),
        "*": ("链接失效（{status}）", "Broken link ({status})"),
    },
    "wrong_link": {
        "javascript_placeholder": (
            "“{link_text}”链接为javascript占位，无法打开",
            "'{link_text}' is a javascript: placeholder",
        ),
        "empty_href": ("“{link_text}”链接地址为空", "'{link_text}' has an empty href"),
        "hash_href": ("“{link_text}”链接地址为“#”", "'{link_text}' points to '#'"),
        "file_url": ("链接指向本地文件（file:）", "Link points to a local file (file:)"),
        "windows_path": ("链接为本机Windows路径", "Link is a Windows file path"),
        "malformed_url": (
            "链接地址格式错误，无法打开",
            "Link address is malformed and cannot open",
        ),
        "private_address": ("链接指向内网地址", "Link points to a private-network address"),
        "intranet_host": ("链接指向内网主机", "Link points to an intranet host"),
        "link_local_address": ("链接指向链路本地地址", "Link points to a link-local address"),
        "loopback_address": ("链接指向本机回环地址", "Link points to a loopback address"),
        "*": ("链接指向保留地址", "Link points to a reserved address"),
    },
    "tls_certificate": {
        "expiring": (
            "网站证书即将过期（剩余{days_left}天）",
            "Certificate expires in {days_left} days",
        ),
        "expired": ("网站证书已过期", "Certificate has expired"),
        "untrusted": ("网站证书不受信任", "Certificate is not trusted"),
        "hostname_mismatch": ("网站证书与域名不符", "Certificate does not match the host name"),
        "*": ("网站证书问题", "Certificate problem"),
    },
    "site_unreachable": {
        "availability": (
            "首页可访问性不达标：{days}天内探测{tries}次，失败{failures}次（{percent}%，"
            "否决线{threshold_percent}%）",
            "Home page availability below the line: {failures} of {tries} tries failed in "
            "{days} days ({percent}%, veto at {threshold_percent}%)",
        ),
        "*": ("站点无法访问", "Site unreachable"),
    },
}

_FIXES: dict[str, tuple[str, str]] = {
    "broken_link": (
        "修复或删除失效链接：恢复被链接的页面或附件，或将链接改为正确地址。",
        "Restore the target or correct/remove the link.",
    ),
    "wrong_link": (
        "将链接改为公众可访问的正确地址；没有内容时删除“下载/详见”等提示文字。",
        "Point the link at a public address, or remove the text that promises content.",
    ),
    "tls_certificate": (
        "及时更换由受信任机构签发、与域名相符且在有效期内的证书。",
        "Install a trusted, matching, valid certificate before the current one expires.",
    ),
    "site_unreachable": (
        "检查服务器、网络和域名解析，确保首页可以正常访问。",
        "Check the server, network and DNS so that the home page loads.",
    ),
}


def register(
    check: str,
    titles: dict[str, tuple[str, str]],
    fix: tuple[str, str],
    fixes: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Add a check's titles ({subtype or "*": (中文, English)}, templates over its evidence)
    and its one-line how-to-fix, with `fixes` for the subtypes that need their own (a missing
    footer element is fixed by adding that element, not all of them); each check module
    registers its own at import."""
    _TITLES[check] = dict(titles)
    _FIXES[check] = fix
    for subtype, text in (fixes or {}).items():
        _FIXES[f"{check}/{subtype}"] = text


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def title(check: str, subtype: str, evidence: dict[str, Any], lang: str = "zh") -> str:
    table = _TITLES.get(check, {})
    zh, en = table.get(subtype) or table.get("*") or (check, check)
    template = en if lang == "en" else zh
    # A list in the evidence (the classes a guide lacks) reads as a list in the title.
    joiner = ", " if lang == "en" else "、"
    values = _Lenient(
        {k: joiner.join(map(str, v)) if isinstance(v, list | tuple) else v
         for k, v in evidence.items()}
    )  # fmt: skip
    if values.get("status") is None:
        values["status"] = evidence.get("error") or "?"
    text = str(values.get("link_text") or "")
    values["link_text"] = text[:20] + ("…" if len(text) > 20 else "")
    return template.format_map(values)


def how_to_fix(check: str, lang: str = "zh", subtype: str | None = None) -> str:
    zh, en = _FIXES.get(f"{check}/{subtype}") or _FIXES.get(check, ("", ""))
    return en if lang == "en" else zh


# Every evidence key a check writes, as a reader reads it (中文, English). The machine keys stay
# in findings.json; the reports show these (tests/reports/test_evidence_labels.py finds every
# key the checks write and fails on one without a label).
EVIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "action": ("表单提交地址", "form action"),
    "address": ("地址", "address"),
    "answered_late": ("超期答复", "answered late"),
    "article_pages": ("文章页数", "article pages"),
    "asked": ("提问日期", "asked on"),
    "attr": ("属性", "attribute"),
    "basis": ("依据", "basis"),
    "broken": ("失效渠道", "broken channels"),
    "category": ("类别代码", "category code"),
    "category_name": ("类别", "category"),
    "channels": ("互动渠道数", "channels"),
    "checked_pages": ("抽查页数", "pages checked"),
    "column": ("栏目", "column"),
    "context": ("上下文", "context"),
    "count": ("数量", "count"),
    "days": ("未更新天数", "days without update"),
    "days_left": ("剩余天数", "days left"),
    "days_overdue": ("逾期天数", "days overdue"),
    "due": ("应公开日期", "due"),
    "empty": ("有标签无内容", "labelled but empty"),
    "error": ("错误类型", "error"),
    "error_detail": ("错误", "error"),
    "example": ("示例", "example"),
    "examples": ("示例", "examples"),
    "failures": ("失败次数", "failures"),
    "fewer_tries_than_standard": ("探测次数少于标准", "fewer tries than the standard"),
    "final_url": ("最终地址", "final URL"),
    "found_years": ("已找到年份", "years found"),
    "guide_title": ("办事指南", "guide"),
    "hidden_by": ("隐藏手法", "hidden by"),
    "hosts": ("主机", "hosts"),
    "how": ("隐藏方式", "hidden by"),
    "href": ("链接地址（原文）", "href as written"),
    "item": ("应公开事项", "item"),
    "item_date": ("信息日期", "item date"),
    "item_title": ("信息标题", "item title"),
    "item_url": ("信息地址", "item URL"),
    "items": ("条目数", "items"),
    "kind": ("类型", "kind"),
    "length": ("长度", "length"),
    "limit": ("时限（工作日）", "limit (working days)"),
    "link_text": ("链接文字", "link text"),
    "list": ("规则来源", "rule list"),
    "list_pages": ("列表页数", "list pages"),
    "matched": ("命中词", "matched"),
    "method": ("请求方法", "method"),
    "missing": ("缺少", "missing"),
    "missing_en": ("缺少（英文）", "missing"),
    "missing_pages": ("缺少的页数", "pages lacking it"),
    "mode": ("加载方式", "mode"),
    "months": ("统计月数", "months"),
    "newest": ("最新日期", "newest"),
    "newest_url": ("最新信息", "newest item"),
    "not_after": ("证书到期", "expires"),
    "note": ("说明", "note"),
    "obfuscated": ("经过编码混淆", "obfuscated"),
    "oldest_asked": ("最早提问日期", "oldest asked on"),
    "oldest_title": ("最早未答复留言", "oldest unanswered"),
    "oldest_url": ("最早未答复留言地址", "oldest unanswered URL"),
    "open": ("仍未答复", "still open"),
    "page_text": ("页面文字", "page text"),
    "percent": ("失败比例（%）", "failure rate (%)"),
    "placeholder": ("占位内容", "placeholder"),
    "present": ("已有要素", "present"),
    "query": ("搜索词", "query"),
    "reason": ("原因", "reason"),
    "reason_en": ("原因（英文）", "reason"),
    "redirects": ("重定向", "redirects"),
    "requires": ("要求", "requires"),
    "result_links": ("结果链接数", "result links"),
    "right": ("应为", "should be"),
    "rule": ("规则", "rule"),
    "serious": ("严重表述错误", "serious misstatement"),
    "since": ("起", "since"),
    "site_code": ("网站标识码", "site code"),
    "source": ("判定来源", "source"),
    "standard_tries": ("标准探测次数", "tries the standard asks"),
    "status": ("状态码", "status"),
    "subject": ("证书主体", "certificate subject"),
    "suspected": ("疑似（未见有害词）", "suspected"),
    "tag": ("标签", "tag"),
    "tags": ("缺少的元数据", "missing meta tags"),
    "target_title": ("目标网页标题", "target page title"),
    "threshold_percent": ("否决线（%）", "veto line (%)"),
    "title": ("标题", "title"),
    "tries": ("探测次数", "tries"),
    "until": ("止", "until"),
    "upgradable": ("可改为 HTTPS", "upgradable to HTTPS"),
    "verify_error": ("证书错误", "certificate error"),
    "window_days": ("更新时限（天）", "window (days)"),
    "worst_days": ("最长答复用时（工作日）", "longest (working days)"),
    "worst_title": ("用时最长的留言", "slowest answered"),
    "worst_url": ("用时最长的留言地址", "slowest answered URL"),
    "wrong": ("错误表述", "wrong"),
    "year": ("年度", "year"),
}
# Evidence values that are codes, as a reader reads them (中文, English), by key.
EVIDENCE_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "list": {"shipped": ("内置词库", "shipped list"), "office": ("本单位词表", "office list")},
    "mode": {
        "active": ("主动内容：浏览器拦截", "active: blocked by browsers"),
        "passive": ("被动内容：浏览器提示不安全", "passive: browsers warn"),
    },
    "error": {
        "timeout": ("超时", "timed out"),
        "dns_error": ("域名无法解析", "DNS lookup failed"),
        "connection_refused": ("拒绝连接", "connection refused"),
        "connection_error": ("无法连接", "connection failed"),
        "tls_error": ("证书错误", "certificate error"),
        "redirect_loop": ("重定向循环", "redirect loop"),
        "too_many_redirects": ("重定向过多", "too many redirects"),
        "too_large": ("内容过大", "too large"),
        "blocked": ("地址不允许访问", "address not allowed"),
    },
    "how": {
        "display_none": ("样式隐藏（display:none）", "display:none"),
        "visibility_hidden": ("样式隐藏（visibility:hidden）", "visibility:hidden"),
        "hidden_attr": ("hidden 属性隐藏", "hidden attribute"),
        "transparent": ("透明", "transparent"),
        "clipped": ("裁剪隐藏", "clipped"),
        "offscreen": ("移出可视区域", "off screen"),
        "zero_size": ("零尺寸", "zero size"),
        "same_colour": ("与背景同色", "same colour as the background"),
        "font_size_zero": ("字号为零", "font size zero"),
        "text_indent": ("文字缩进移出", "text indent"),
        "document_write": ("脚本写入（document.write）", "document.write"),
        "visible": ("可见", "visible"),
    },
    "source": {
        "page": ("页面正文", "page"),
        "attachment": ("附件", "attachment"),
        "link_text": ("链接文字", "link text"),
        "target_host": ("目标域名", "target host"),
        "target_title": ("目标网页标题", "target page title"),
        "target_text": ("目标网页文字", "target page text"),
        "final_url": ("最终地址", "final URL"),
        "home_page": ("首页信息日期", "the home page's dates"),
        "columns": ("各栏目最新日期", "the columns' newest dates"),
        "navigation": ("网站导航", "the site's navigation"),
        "list": ("栏目列表页", "a column list page"),
        "profile": ("站点配置", "the site profile"),
    },
}


def evidence_value(key: str, value: object, lang: str = "zh") -> str | None:
    """A coded evidence value as a reader reads it; None when it is no code (shown as it is)."""
    names = EVIDENCE_VALUES.get(key)
    if names is None or not isinstance(value, str) or value not in names:
        return None
    zh, en = names[value]
    return en if lang == "en" else zh


# What the detail line names, in this order.
_DETAIL_KEYS = ("status", "error_detail", "verify_error", "address", "not_after", "how",
                "target_title")  # fmt: skip


def evidence_label(key: str, lang: str = "zh") -> str:
    """The reader's name of an evidence key; the key itself for one without a label."""
    zh, en = EVIDENCE_LABELS.get(key, (key, key))
    return en if lang == "en" else zh


def detail(check: str, subtype: str, evidence: dict[str, Any], lang: str = "zh") -> str:
    """What was seen, then how to fix it."""
    english = lang == "en"
    seen = []
    for key in _DETAIL_KEYS:
        value = evidence.get(key)
        if value not in (None, "") and not (key == "error_detail" and evidence.get("redirects")):
            seen.append(f"{evidence_label(key, lang)} {value}")
    hops = list(dict.fromkeys(evidence.get("redirects") or []))
    if hops:
        seen.append(("redirects: " if english else "重定向：") + " → ".join(hops[:5]))
    if not seen:
        return how_to_fix(check, lang, subtype)
    separator = "; " if english else "；"
    lead = "Seen: " if english else "所见："
    end = ". " if english else "。"
    return lead + separator.join(seen) + end + how_to_fix(check, lang, subtype)
