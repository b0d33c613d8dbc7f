"""Thresholds and rule choices of the content checks: the `checks:` section of a site profile.

Every number here is a default taken from docs/standards.md (国办秘函〔2019〕19号, 《政府信息公开
条例》, monitoring practice); a profile may override any of them. Unknown keys are errors, like
everywhere in a profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class WordingRule(_Config):
    """One 错敏词 rule: `wrong` as written on a page, `right` the correct form; `high` marks a
    严重表述错误 (a single veto). An empty or one-character `wrong` would match everywhere."""

    wrong: str = Field(min_length=2)
    right: str = Field(min_length=1)
    severity: Literal["high", "medium", "low"] = "high"
    note: str | None = None


class WordingConfig(_Config):
    """错敏词: extra rules for this site, and shipped rules to ignore (by their `wrong` text)."""

    extra: list[WordingRule] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)


class IdentityConfig(_Config):
    """网站标识 (footer elements, meta tags): how many inner pages to sample besides the home."""

    sample_pages: int = Field(5, ge=0, le=100)
    search_query: str = "政务公开"


class PrivacyConfig(_Config):
    """个人信息泄露: numbers that are the site's own contacts, not leaked personal data."""

    # A mobile number printed on this many HTML pages is the site's published contact (页头/
    # 页脚/侧栏 boilerplate), not a leaked personal number; 0 reports it on every page.
    contact_pages: int = Field(3, ge=0)
    # Numbers the site publishes on purpose (a 监督电话 that is a mobile), never reported.
    allowed: list[str] = Field(default_factory=list)


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


class ChecksConfig(_Config):
    freshness: FreshnessConfig = Field(default_factory=FreshnessConfig)
    mandatory: MandatoryConfig = Field(default_factory=MandatoryConfig)
    wording: WordingConfig = Field(default_factory=WordingConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)


class CheckSettings(_Config):
    """Everything the checks read of a site profile: its ``checks:`` section, the two lines of
    its ``tls:`` section that decide a certificate finding, and the folder a profile's own rule
    packs (``checks.mandatory.packs``: a ``.yaml`` path) are read from. The site profile builds
    it (``Profile.check_settings``); tests build it directly."""

    checks: ChecksConfig = Field(default_factory=ChecksConfig)
    tls_verify: bool = True
    tls_expiry_warning_days: int = Field(30, ge=0)
    rules_dir: Path | None = None
