"""Every check, with its stable id and a one-line description (中文 / English).

The ids are the `check` values of the findings export (docs/findings-export.md); a check is
a pure function ``(CrawlData, CheckSettings, as_of) -> list[Finding]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from checks import (
    columns,
    harmful,
    interaction,
    links,
    mandatory,
    misplaced,
    mixed_content,
    privacy,
    service_guide,
    site,
    site_identity,
    wording,
)
from checks.config import CheckSettings
from checks.model import CrawlData, Finding, Link

CheckFunction = Callable[[CrawlData, CheckSettings, date], list[Finding]]
# Which of a run's links a check reads, as a test of one link: see `run_checks`.
LinkSelector = Callable[[CrawlData, CheckSettings], Callable[[Link], bool]]
# Links a check's selection may hold before the check reads all of them itself again: a site
# whose every page links the same dozens of outside sites must not fill the memory.
SELECTED_LINKS_MAX = 200_000


@dataclass(frozen=True)
class CheckInfo:
    id: str
    zh: str
    en: str
    run: CheckFunction
    reads_links: LinkSelector | None = None


REGISTRY: dict[str, CheckInfo] = {
    info.id: info
    for info in (
        CheckInfo(
            "broken_link",
            "断链：链接或资源无法打开（4xx/5xx、软404、超时、域名解析失败、连接被拒、证书错误、重定向循环）",
            "A link or embedded resource that does not load (4xx/5xx, soft 404, timeout, DNS, "
            "refused, TLS, redirect loop or chain ending in an error)",
            links.broken_links,
        ),
        CheckInfo(
            "wrong_link",
            "错链：指向内网地址、本地文件，或“下载/附件/详见”等文字后的空链接、javascript占位",
            "A link wrong whether or not it loads: intranet address, local file path, placeholder "
            "behind a text that promises content",
            links.wrong_links,
            links.maybe_wrong,
        ),
        CheckInfo(
            "tls_certificate",
            "证书问题：网站证书无效、不受信任、域名不符或即将过期",
            "The site's certificate is invalid, untrusted, mismatched or expires soon",
            site.tls_certificates,
        ),
        CheckInfo(
            "stale_column",
            "栏目不更新：栏目最新信息超过其类型的更新时限（动态14天、通知公告/政策文件/解读半年、"
            "其他应更新栏目一年），含首页不更新和即将超期预警",
            "A column whose newest item is older than its kind's window (or the home page), and "
            "columns about to go stale",
            columns.stale_column,
        ),
        CheckInfo(
            "blank_column",
            "空白栏目：栏目没有任何信息",
            "A column with no items",
            columns.blank_column,
        ),
        CheckInfo(
            "missing_mandatory",
            "法定公开内容缺失：条例规定的栏目或信息缺失，或年报、预决算等逾期未公开",
            "A statutory column or item absent, or a recurring one overdue",
            mandatory.missing_mandatory,
        ),
        CheckInfo(
            "mixed_content",
            "混合内容：HTTPS页面加载HTTP资源（按W3C规范分为可升级的被动内容和被拦截的主动内容）",
            "An http: resource loaded by an https: page (passive/upgradable or active/blockable, "
            "as the W3C Mixed Content spec classifies it)",
            mixed_content.mixed_content,
            mixed_content.insecure_loads,
        ),
        CheckInfo(
            "site_identity",
            "网站标识：页脚缺少网站标识码、ICP备案、公安备案、党政机关标识、找错入口或主办单位，"
            "缺少规定元数据，站内搜索缺失或不可用",
            "A missing footer element or meta tag required of government sites, or a missing or "
            "broken site search",
            site_identity.site_identity,
        ),
        CheckInfo(
            "privacy_leak",
            "个人信息泄露：页面或附件中未脱敏的身份证号、手机号、银行卡号",
            "Personal data published unmasked (ID number, mobile number, bank card) in a page or "
            "attachment",
            privacy.privacy_leak,
        ),
        CheckInfo(
            "wording_error",
            "错敏词：严重表述错误或常见错别字（词表可扩展、可按站点忽略）",
            "A serious misstatement or listed miswriting (extendable list, per-site overrides)",
            wording.wording_errors,
        ),
        CheckInfo(
            "harmful_link",
            "暗链/黑链及违法有害链接：隐藏的外部链接、外链变质（指向博彩、色情或停放出售的域名）、"
            "链接指向违法内容",
            "A hidden outside link (暗链), an outside link whose site now serves gambling, porn "
            "or a parked domain (外链变质), or a link to illegal content",
            harmful.harmful_links,
            harmful.outside_links,
        ),
        CheckInfo(
            "interaction_response",
            "互动回应差：未提供可用的咨询建言渠道，或网民有效留言超过3个月未回复；"
            "另报超过本地时限的回复和内容为空的“已回复”",
            "No working consultation channel, or valid messages unanswered for over 3 months; "
            "also replies over the local limit and empty replies marked answered",
            interaction.interaction_response,
        ),
        CheckInfo(
            "misplaced_content",
            "内容混杂：明显属于其他栏目的信息（只报明确情形并说明理由）",
            "An item that plainly belongs in another column (clear cases only, with the reason)",
            misplaced.misplaced_content,
        ),
        CheckInfo(
            "service_guide",
            "服务不实用：办事指南缺少事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、"
            "联系电话、办理流程八类要素之一（或标签后内容为空）",
            "A service guide (办事指南) lacking any of the 8 element classes of the national note, "
            "or showing a label with nothing after it",
            service_guide.service_guide,
        ),
        CheckInfo(
            "site_unreachable",
            "站点无法访问：首页或起始地址无法打开",
            "The site or its start page could not be loaded",
            site.site_unreachable,
        ),
    )
}


# Checks whose defect sits on a page (or is linked from one): the page's column owns it, for
# the responsible unit (整改跟踪) and for the report's counts by column.
PAGE_CHECKS = frozenset(
    {"broken_link", "wrong_link", "mixed_content", "privacy_leak", "wording_error", "service_guide"}
    | {"harmful_link"}
)


def run_checks(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """All registered checks, in registry order. A failed run is only judged unreachable."""
    if data.unreachable:
        return REGISTRY["site_unreachable"].run(data, settings, as_of)
    selected = _select_links(data, settings)
    findings: list[Finding] = []
    for info in REGISTRY.values():
        links = selected.get(info.id)
        checked = data if links is None else replace(data, links=links)
        findings.extend(info.run(checked, settings, as_of))
    return findings


def _select_links(data: CrawlData, settings: CheckSettings) -> dict[str, list[Link]]:
    """The links each check that says which it reads (``reads_links``) would keep, gathered in
    one pass: a stored run's links are read from the database on every pass, and a pass per
    check cost more than the checks' own work. A check gets the links its own test keeps, in
    crawl order, and tests them again: what it finds is what it finds over every link. A
    selection that grows past ``SELECTED_LINKS_MAX`` is dropped, and that check reads every
    link itself."""
    tests = {info.id: info.reads_links(data, settings)
             for info in REGISTRY.values() if info.reads_links is not None}  # fmt: skip
    selected: dict[str, list[Link]] = {check: [] for check in tests}
    if len(tests) < 2:
        return {}
    for link in data.links:
        for check, keeps in tests.items():
            if keeps(link):
                kept = selected[check]
                kept.append(link)
                if len(kept) > SELECTED_LINKS_MAX:
                    del tests[check], selected[check]
                    break
        if not tests:
            break
    return selected
