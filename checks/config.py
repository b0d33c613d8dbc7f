"""Thresholds and rule choices of the content checks: the `checks:` section of a site profile,
and its `links:` section (the link rules the crawler and the link checks share).

Every number here is a default taken from docs/standards.md (国办秘函〔2019〕19号, 《政府信息公开
条例》, monitoring practice); a profile may override any of them. Unknown keys are errors, like
everywhere in a profile.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, field_validator

from checks.workdays import WorkCalendar

# Column kinds (栏目类型) and their freshness windows in days.
#   dynamic     动态/要闻/工作动态                    2 weeks
#   notice      通知公告                              6 months
#   policy      政策文件 / 规范性文件                  6 months
#   interpretation 政策解读                          6 months
#   maintained  人事/规划计划/财政/other maintained    1 year
#   static      机构职能/公开指南/公开制度 …: no freshness rule (updated when things change)
DEFAULT_WINDOWS = {
    "dynamic": 14,
    "notice": 183,
    "policy": 183,
    "interpretation": 183,
    "maintained": 365,
}
# Every column kind a profile may name (checks.freshness.kinds); `static` has no window.
KINDS = (*DEFAULT_WINDOWS, "static")


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FreshnessConfig(_Config):
    """栏目不更新 / 首页不更新."""

    windows: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_WINDOWS))
    home_days: int = Field(14, ge=1)
    # A column within this many days of its limit is "about to go stale" (low severity).
    warn_within_days: int = Field(30, ge=0)
    # Column kind by column name or list URL, overriding the keyword table.
    kinds: dict[str, str] = Field(default_factory=dict)

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        for kind in value.values():
            if kind not in KINDS:
                raise ValueError(f"unknown column kind {kind!r} (one of: {', '.join(KINDS)})")
        return value


class MandatoryConfig(_Config):
    """法定主动公开内容: which rule packs apply and the recurring items' due dates (MM-DD)."""

    packs: list[str] = Field(default_factory=lambda: ["department"])
    annual_report_due: str = "01-31"  # 条例 第四十九条: last year's report by 31 January
    budget_due: str = "03-31"  # practice: this year's 部门预算 by about the end of March
    final_accounts_due: str = (
        "09-30"  # practice: last year's 部门决算 by about the end of September
    )


# 错敏词 categories: the id a rule names, and the name a finding shows (中文, English).
WORDING_CATEGORIES = {
    "formulation": ("党和国家重要表述", "Party and state formulation"),
    "law_title": ("法律法规名称", "title of a law or regulation"),
    "repealed_law": ("已废止的法律法规", "repealed law or regulation"),
    "institution": ("机构改革后名称", "name replaced by an institutional reform"),
    "miswriting": ("常见错别字", "common miswriting"),
}
WordingCategory = Literal["formulation", "law_title", "repealed_law", "institution", "miswriting"]


class WordingRule(_Config):
    """One 错敏词 rule: `wrong` as written on a page, `right` the correct form; `high` marks a
    严重表述错误 (a single veto). An empty or one-character `wrong` would match everywhere.

    The rest keeps a rule that can be right in context precise: `since` (only pages published
    on or after that day are judged: an institution's old name is right before its reform),
    `unless_preceded_by` / `unless_followed_by` (texts right before or after a match that make
    it correct: 原国土资源部, 国土资源部门), `unless_near` (words within
    :data:`checks.wording.NEAR` characters that show the text is about the change itself) and
    `unless_quoted` (a match quoted exactly is a citation: “台湾政府”)."""

    wrong: str = Field(min_length=2)
    right: str = Field(min_length=1)
    severity: Literal["high", "medium", "low"] = "high"
    note: str | None = None
    category: WordingCategory | None = None
    source: str | None = None
    since: date | None = None
    unless_preceded_by: tuple[str, ...] = ()
    unless_followed_by: tuple[str, ...] = ()
    unless_near: tuple[str, ...] = ()
    unless_quoted: bool = False


class WordingConfig(_Config):
    """错敏词: extra rules for this site, the office's own list, and rules to ignore (by their
    `wrong` text).

    `file` names the office's list (本单位词表, CSV), relative to the profile; the profile loader
    reads it into `office` (kept with the profile a run stores), so the checks read no file.
    `office` is not written in a profile."""

    extra: list[WordingRule] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    file: str | None = None
    office: tuple[WordingRule, ...] = ()


class IdentityConfig(_Config):
    """网站标识 (footer elements, meta tags): how many inner pages to sample besides the home."""

    sample_pages: int = Field(5, ge=0, le=100)
    # 站内搜索 is asked for the exact title of the newest dated item on the home page (a word
    # every working search finds, and a test of whether its index is current); a fixed query
    # here replaces that, and is also what is asked when the home page shows no dated item.
    search_query: str | None = None
    # An index that has not caught up with an item this many days old is 未及时更新.
    search_index_days: int = Field(3, ge=0, le=60)


FALLBACK_SEARCH_QUERY = "政务公开"


class PrivacyConfig(_Config):
    """个人信息泄露: numbers that are the site's own contacts, not leaked personal data."""

    # A mobile number printed on this many HTML pages is the site's published contact (页头/
    # 页脚/侧栏 boilerplate), not a leaked personal number; 0 reports it on every page.
    contact_pages: int = Field(3, ge=0)
    # Numbers the site publishes on purpose (a 监督电话 that is a mobile), never reported.
    allowed: list[str] = Field(default_factory=list)


HarmfulCategory = Literal["gambling", "porn", "illicit", "parked"]


class HarmfulTerm(_Config):
    """One term of the 暗链/外链变质 vocabulary (checks/data/harmful.yaml): a `strong` term
    means its category by itself (百家乐), a `weak` one only beside another (澳门, 彩票)."""

    term: str = Field(min_length=2)
    category: HarmfulCategory
    strength: Literal["strong", "weak"] = "strong"


class HarmfulConfig(_Config):
    """暗链/黑链 and links to illegal content: terms added for this site, shipped terms dropped
    (by their text: 误报人工核减), and outside hosts whose links are never reported."""

    extra: list[HarmfulTerm] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    allow_hosts: list[str] = Field(default_factory=list)

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        return [_host(host) for host in value]


class ScoringConfig(_Config):
    """Single-veto lines of 国办秘函〔2019〕19号 and the early-warning lines of practice.

    `deductions` maps a check id (optionally `check/subtype`) to points deducted per finding,
    overriding Xuncha's documented model table (the official point values are not published).
    """

    stale_veto: int = 5  # (1) 动态 2 weeks + 通知公告/政策文件 6 months: veto at >= 5
    long_stale_veto: int = 10  # (2) maintained columns not updated for long: veto at >= 10
    blank_veto: int = 5  # 空白栏目 >= 5
    warn_stale: int = 6  # practice: warn earlier
    warn_blank: int = 2
    warn_home_days: int = 10
    pass_mark: float = 60.0
    deductions: dict[str, float] = Field(default_factory=dict)
    # 站点无法访问 over the home-page probes (`xuncha probe`): the standard probes ≥ 20 times a
    # day for a week and vetoes at ≥ 5 % failures. With fewer tries than the standard's the
    # week is still judged once `availability_min_tries` exist (a day of hourly probes), and
    # the finding says it was judged on fewer.
    availability_veto_percent: float = Field(5.0, gt=0, le=100)
    availability_min_tries: int = Field(24, ge=1)
    availability_days: int = Field(7, ge=1)


class InteractionConfig(_Config):
    """互动回应差: the 19号 line (3 months) and a stricter local limit, off by default."""

    unanswered_months: int = Field(3, ge=1, le=12)
    # A local rule such as "reply within 5 working days" (Mon–Fri); None: not judged.
    reply_working_days: int | None = Field(None, ge=1, le=120)


class ChecksConfig(_Config):
    freshness: FreshnessConfig = Field(default_factory=FreshnessConfig)
    mandatory: MandatoryConfig = Field(default_factory=MandatoryConfig)
    wording: WordingConfig = Field(default_factory=WordingConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    interaction: InteractionConfig = Field(default_factory=InteractionConfig)
    harmful: HarmfulConfig = Field(default_factory=HarmfulConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)


STATUS_MIN, STATUS_MAX = 100, 599


def _pattern(value: str) -> str:
    if not value:
        raise ValueError("an empty pattern would exclude every link")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return value


def _host(value: str) -> str:
    """A host as a URL's hostname spells it: lower case, IDNA for a Chinese name (中文域名),
    an IPv6 address without brackets."""
    host = value.strip().rstrip(".").lower() if isinstance(value, str) else ""
    literal = host.removeprefix("[").removesuffix("]")
    if ":" in literal:
        try:
            return ipaddress.ip_address(literal).compressed
        except ValueError:
            pass
    if not host or any(c in host for c in ":/?#@ \t"):
        raise ValueError("a host name (www.example.gov.cn), without scheme, port or path")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError("not a valid host name") from None
    return host


def _status_spec(value: Any) -> int | str:
    """A status (403) or an inclusive range of statuses (``"400-403"``), each 100–599."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if not STATUS_MIN <= value <= STATUS_MAX:
            raise ValueError(f"an HTTP status is {STATUS_MIN}–{STATUS_MAX}")
        return value
    low, dash, high = value.partition("-") if isinstance(value, str) else ("", "", "")
    if dash and low.strip().isdigit() and high.strip().isdigit():
        first, last = int(low), int(high)
        if STATUS_MIN <= first <= last <= STATUS_MAX:
            return f"{first}-{last}"
    raise ValueError(
        f'a status ({STATUS_MIN}–{STATUS_MAX}, e.g. 403) or a range of them (e.g. "400-403")'
    )


Pattern = Annotated[str, AfterValidator(_pattern)]
Host = Annotated[str, AfterValidator(_host)]
StatusSpec = Annotated[int | str, PlainValidator(_status_spec)]


class AcceptRule(_Config):
    """A host whose answers with these statuses are not 断链: a partner site that answers 403 to
    every crawler, a system that says 401 to anyone not logged in. The host is the one that
    gave the status (after redirects, the last one); a subdomain is another host."""

    host: Host
    status: list[StatusSpec] = Field(min_length=1)

    def covers(self, status: int) -> bool:
        for spec in self.status:
            if isinstance(spec, int):
                if spec == status:
                    return True
            else:
                first, last = (int(part) for part in spec.split("-"))
                if first <= status <= last:
                    return True
        return False


class SlowHost(_Config):
    """A host known to answer slowly (a data platform, an old 依申请公开 system): its requests
    wait `timeout` seconds instead of the profile's ``timeouts.request``."""

    host: Host
    timeout: float = Field(gt=0)


class LinksConfig(_Config):
    """链接规则, the `links:` section: targets never fetched (`exclude`, regular expressions
    searched in the absolute URL, as lychee's ``--exclude``), answers that are not broken links
    (`accept`, per host), and hosts given a longer timeout (`slow_hosts`). Every rule and how
    many links it touched is shown in the run report."""

    exclude: list[Pattern] = Field(default_factory=list)
    accept: list[AcceptRule] = Field(default_factory=list)
    slow_hosts: list[SlowHost] = Field(default_factory=list)

    @field_validator("slow_hosts")
    @classmethod
    def _one_timeout_per_host(cls, value: list[SlowHost]) -> list[SlowHost]:
        seen: set[str] = set()
        for slow in value:
            if slow.host in seen:
                raise ValueError(f"{slow.host} is listed twice")
            seen.add(slow.host)
        return value


class CheckSettings(_Config):
    """Everything the checks read of a site profile: its ``checks:`` and ``links:`` sections,
    the two lines of its ``tls:`` section that decide a certificate finding, and the folder a
    profile's own rule packs (``checks.mandatory.packs``: a ``.yaml`` path) are read from. The
    site profile builds it (``Profile.check_settings``); tests build it directly."""

    checks: ChecksConfig = Field(default_factory=ChecksConfig)
    links: LinksConfig = Field(default_factory=LinksConfig)
    tls_verify: bool = True
    tls_expiry_warning_days: int = Field(30, ge=0)
    rules_dir: Path | None = None
    # The site's 节假日安排 (its holidays file: day → working day, and the years it covers),
    # for what the checks count in working days.
    calendar_days: dict[date, bool] = Field(default_factory=dict)
    calendar_years: tuple[int, ...] = ()

    def work_calendar(self) -> WorkCalendar:
        """Working days as the site counts them (checks/workdays.py)."""
        return WorkCalendar(self.calendar_days, self.calendar_years)
