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


_EVIDENCE_LABELS = {
    "status": ("状态码", "status"),
    "error_detail": ("错误", "error"),
    "verify_error": ("证书错误", "certificate error"),
    "address": ("地址", "address"),
    "not_after": ("证书到期", "expires"),
    "how": ("隐藏方式", "hidden by"),
    "target_title": ("目标网页标题", "target page title"),
}


def detail(check: str, subtype: str, evidence: dict[str, Any], lang: str = "zh") -> str:
    """What was seen, then how to fix it."""
    english = lang == "en"
    seen = []
    for key, (zh, en) in _EVIDENCE_LABELS.items():
        value = evidence.get(key)
        if value not in (None, "") and not (key == "error_detail" and evidence.get("redirects")):
            seen.append(f"{en if english else zh} {value}")
    hops = list(dict.fromkeys(evidence.get("redirects") or []))
    if hops:
        seen.append(("redirects: " if english else "重定向：") + " → ".join(hops[:5]))
    if not seen:
        return how_to_fix(check, lang, subtype)
    separator = "; " if english else "；"
    lead = "Seen: " if english else "所见："
    end = ". " if english else "。"
    return lead + separator.join(seen) + end + how_to_fix(check, lang, subtype)
