"""Site profiles (站点配置): one YAML file per site, validated before anything runs.

A profile that cannot be used raises :class:`~xuncha.errors.ProfileError` with one line naming
the file, the line and the key, so a webmaster can fix it without reading a traceback. A run
without a profile (`xuncha run --url URL`) uses :func:`profile_for_url`: every default here
comes from the inspection standards (see docs/standards.md and docs/profile.md).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tldextract
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from checks.config import ChecksConfig, CheckSettings, LinksConfig
from checks.errors import CheckConfigError
from checks.link_rules import LinkRules
from checks.office_words import WordListError, office_rules
from checks.rules import rules_for
from checks.userinfo import Credentials, redact_url, split_credentials
from xuncha.errors import ProfileError

logger = logging.getLogger("xuncha")

DEFAULT_USER_AGENT = "Xuncha/0.1 (government website inspection; +https://github.com/xuncha/xuncha)"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Section):
    """What the crawler recurses into; everything else is only checked once."""

    mode: Literal["sections", "site"] = "sections"
    domains: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)


class ColumnSpec(_Section):
    """A column (栏目) given explicitly, with its kind and responsible unit (牵头单位)."""

    name: str
    url: str
    kind: str | None = None
    unit: str | None = None


class Politeness(_Section):
    concurrent_per_host: int = Field(4, ge=1, le=64)
    delay: float = Field(0.0, ge=0)
    autothrottle: bool = True
    obey_robots: bool = False
    user_agent: str = DEFAULT_USER_AGENT


class Timeouts(_Section):
    request: float = Field(20.0, gt=0)
    retries: int = Field(2, ge=0, le=10)


class Tls(_Section):
    verify: bool = True
    ca_file: str | None = None
    expiry_warning_days: int = Field(30, ge=0)


class Network(_Section):
    allow: list[str] = Field(default_factory=list)
    hosts: dict[str, str] = Field(default_factory=dict)

    @field_validator("allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator("hosts")
    @classmethod
    def _addresses(cls, value: dict[str, str]) -> dict[str, str]:
        for address in value.values():
            ipaddress.ip_address(address)
        return {name.lower(): address for name, address in value.items()}


class HostAuth(_Section):
    """HTTP basic authentication (基本认证) for one host of the site: a portal or a section
    behind a login prompt. The password is never written in the profile, nor stored: the
    profile names the environment variable that holds it, read when the crawl or the probe
    starts. Credentials go to this host only (a subdomain is another host), never to a host
    a redirect leads to."""

    host: str
    user: str = Field(min_length=1)
    password_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    @field_validator("host")
    @classmethod
    def _host_name(cls, value: str) -> str:
        host = value.strip().rstrip(".").lower().strip("[]")  # an IPv6 address without brackets
        if not host or any(c in host for c in "/@ ") or (":" in host and not _is_ip(host)):
            raise ValueError("a host name, without scheme, port or path (www.example.gov.cn)")
        return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# Where a start URL's own password is kept for the crawl of `xuncha run --url` (and handed to
# the crawl process with the environment): never in the profile, the database or a file.
URL_PASSWORD_ENV = "XUNCHA_URL_PASSWORD"


class Limits(_Section):
    max_pages: int = Field(100_000, ge=1)
    max_attachment_bytes: int = Field(50 * 1024 * 1024, ge=1024)


def _day(value: Any) -> date:
    """A day as YAML writes it (2027-10-01) or as a stored run holds it ("2027-10-01")."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("not a day (write it YYYY-MM-DD)")


def _day_or_stretch(value: Any) -> date | tuple[date, date]:
    if isinstance(value, list | tuple):
        if len(value) != 2:
            written = ", ".join(str(item) for item in value)
            raise ValueError(f"a stretch of days is [first day, last day], not [{written}]")
        first, last = _day(value[0]), _day(value[1])
        if first > last:
            raise ValueError(f"a stretch runs from its first day to its last, not {first}…{last}")
        return first, last
    return _day(value)


def spelled_out(item: date | tuple[date, date]) -> list[date]:
    """Every day of a day or of a stretch [first, last]."""
    first, last = item if isinstance(item, tuple) else (item, item)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class HolidayNotice(_Section):
    """One year of the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) as a
    site's holidays file transcribes it: the days off (放假: a day, or a stretch [first, last])
    and the weekend days worked instead (调休上班). A day it does not name keeps the weekday
    rule (Monday to Friday)."""

    holidays: list[Annotated[date | tuple[date, date], BeforeValidator(_day_or_stretch)]] = Field(
        default_factory=list
    )
    workdays: list[Annotated[date, BeforeValidator(_day)]] = Field(default_factory=list)


HOLIDAY_NOTICES: TypeAdapter[dict[int, HolidayNotice]] = TypeAdapter(dict[int, HolidayNotice])


def notice_days(notices: Mapping[int, HolidayNotice]) -> dict[date, bool]:
    """The days the notices name: day → whether it is a working day."""
    days: dict[date, bool] = {}
    for notice in notices.values():
        for item in notice.holidays:
            days.update((day, False) for day in spelled_out(item))
        days.update((day, True) for day in notice.workdays)
    return days


class Tracking(_Section):
    """整改跟踪: how findings are followed up after a run."""

    # 整改时限: working days from the day a finding is first seen; public holidays are skipped
    # and 调休 make-up days count (xuncha/tracking/workdays.py).
    deadline_working_days: int = Field(10, ge=1)
    # 节假日安排 of this site: a YAML file of State Council notices, relative to the profile;
    # where its days differ from the built-in ones, the file wins (docs/profile.md).
    holidays_file: str | None = None
    # What that file says, read with the profile and stored with every run, so that a run's
    # deadlines can be counted again without the file. Never written in a profile.
    holiday_notices: dict[int, HolidayNotice] = Field(default_factory=dict)


# 保留: the next night's incremental crawl reads the latest complete run, and the report
# compares a run with the one before it, so at least two runs keep their crawl rows.
KEEP_RUNS_DEFAULT = 5
KEEP_RUNS_MIN = 2


class Retention(_Section):
    """保留: how many of the site's newest runs keep their crawl rows (pages, links, texts…);
    older runs keep their row, score and findings (xuncha/store/retention.py)."""

    runs: int = Field(KEEP_RUNS_DEFAULT, ge=KEEP_RUNS_MIN)


class Incremental(_Section):
    """增量巡查: what a night after a complete run fetches again (xuncha/run/incremental.py)."""

    enabled: bool = True
    # Every page is fetched again at least this often, spread over the period.
    revisit_days: float = Field(7, gt=0)
    # A link target that answered well is re-checked at least this often; failures every run.
    link_ttl_days: float = Field(7, gt=0)


class Profile(_Section):
    """One site's settings. Field defaults are the documented defaults."""

    name: str | None = None
    start_urls: list[str] = Field(min_length=1)
    scope: Scope = Field(default_factory=Scope)
    columns: list[ColumnSpec] = Field(default_factory=list)
    # 牵头单位 of columns the crawl discovers, by the column's name or URL: the responsible units
    # without listing (and so seeding) the columns themselves.
    units: dict[str, str] = Field(default_factory=dict)
    politeness: Politeness = Field(default_factory=Politeness)
    timeouts: Timeouts = Field(default_factory=Timeouts)
    tls: Tls = Field(default_factory=Tls)
    network: Network = Field(default_factory=Network)
    limits: Limits = Field(default_factory=Limits)
    checks: ChecksConfig = Field(default_factory=ChecksConfig)
    links: LinksConfig = Field(default_factory=LinksConfig)
    tracking: Tracking = Field(default_factory=Tracking)
    retention: Retention = Field(default_factory=Retention)
    incremental: Incremental = Field(default_factory=Incremental)
    auth: list[HostAuth] = Field(default_factory=list)
    # The zone the reports, the ledger and the CLI show times in (the store keeps UTC).
    timezone: str = "Asia/Shanghai"
    source: str | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: an IANA name such as Asia/Shanghai"
            ) from None
        return value

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {redact_url(url)!r}")
            if "@" in parts.netloc:
                raise ValueError(
                    f"{redact_url(url)}: a user name or password in the URL; write the user "
                    "in auth and the password in an environment variable (auth.password_env)"
                )
        return value

    def credentials(self) -> dict[str, Credentials]:
        """Host → the credentials of its ``auth`` entry, passwords read from the environment
        (a variable that is not set gives no entry)."""
        found = {}
        for entry in self.auth:
            password = os.environ.get(entry.password_env)
            if password is not None:
                found[entry.host] = Credentials(entry.user, password)
        return found

    @property
    def display_name(self) -> str:
        return self.name or urlsplit(self.start_urls[0]).hostname or self.start_urls[0]

    @property
    def scope_domains(self) -> list[str]:
        """Registrable domains of the portal: the profile's, else each start URL's."""
        if self.scope.domains:
            return [d.lower() for d in self.scope.domains]
        return sorted({registrable_domain(url) for url in self.start_urls})

    @property
    def check_settings(self) -> CheckSettings:
        """What the checks read of this profile."""
        return CheckSettings(
            checks=self.checks,
            links=self.links,
            tls_verify=self.tls.verify,
            tls_expiry_warning_days=self.tls.expiry_warning_days,
            rules_dir=Path(self.source).parent if self.source else None,
            calendar_days=notice_days(self.tracking.holiday_notices),
            calendar_years=tuple(self.tracking.holiday_notices),
        )

    def column_unit(self, column_name: str | None, column_url: str | None) -> str | None:
        """The column's 牵头单位: a listed column's own, else the ``units`` map's, by the
        column's URL (without its final /) or name."""
        for spec in self.columns:
            if column_url and spec.url.rstrip("/") == column_url.rstrip("/"):
                return spec.unit
            if column_name and spec.name == column_name:
                return spec.unit
        by_url = {key.rstrip("/"): unit for key, unit in self.units.items()}
        if column_url and column_url.rstrip("/") in by_url:
            return by_url[column_url.rstrip("/")]
        return self.units.get(column_name or "") or None


@cache
def _extractor() -> tldextract.TLDExtract:
    # The snapshot of the Public Suffix List shipped with tldextract: never fetched at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(url_or_host: str) -> str:
    """The registrable domain (eTLD+1) of a URL or host; an IP address stands for itself.

    `jtj.example.gov.cn` and `xxgk.example.gov.cn` both give `example.gov.cn` (gov.cn is a
    public suffix), so they are one portal.
    """
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower().strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    parts = _extractor()(host)
    return parts.top_domain_under_public_suffix or host


def profile_for_url(url: str, **overrides: Any) -> Profile:
    """A profile with every default, for `xuncha run --url URL`.

    A URL with credentials (``http://user:password@host/``) is split: the site is the URL
    without them, and the password is kept in this process's environment only
    (:data:`URL_PASSWORD_ENV`, which the crawl process inherits), named by an ``auth`` entry
    of the start URL's host. One line says so."""
    clean, credentials = split_credentials(url)
    if credentials is not None:
        host = (urlsplit(clean).hostname or "").rstrip(".")
        if host and credentials.user:
            os.environ[URL_PASSWORD_ENV] = credentials.password
            entry = {"host": host, "user": credentials.user, "password_env": URL_PASSWORD_ENV}
            overrides = {**overrides, "auth": [entry, *overrides.get("auth", [])]}
        logger.warning(
            "--url: 网址中的用户名和密码已移出网址，只在本次运行中使用，不会保存或显示（%s）；"
            "定时巡查请写在配置文件的 auth 中，密码放在环境变量里",
            redact_url(url),
        )
    try:
        return Profile(start_urls=[clean], **overrides)
    except ValidationError as exc:
        raise ProfileError(f"--url {redact_url(url)}: {_first_error(exc)[1]}") from None


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile; every failure is one ProfileError naming file, line and key."""
    path = Path(path)
    node, data = _read_yaml(path, "profile")
    if not isinstance(data, dict):
        raise ProfileError(f"{path}:1: a profile is a mapping of keys (name, start_urls, …)")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        loc, message = _first_error(exc)
        key = ".".join(str(p) for p in loc) or "(top level)"
        line = _line_of(node, loc)
        raise ProfileError(f"{path}:{line}: {key}: {message}") from None
    if profile.tls.ca_file:
        ca = Path(profile.tls.ca_file)
        if not ca.is_absolute():
            ca = path.parent / ca
        if not ca.is_file():
            line = _line_of(node, ("tls", "ca_file"))
            raise ProfileError(f"{path}:{line}: tls.ca_file: no such file {ca}")
        profile = profile.model_copy(
            update={"tls": profile.tls.model_copy(update={"ca_file": str(ca)})}
        )
    excluded = excluded_own_url(profile)
    if excluded is not None:
        index, url = excluded
        line = _line_of(node, ("links", "exclude", index))
        raise ProfileError(
            f"{path}:{line}: links.exclude.{index}: excludes {url}, which this profile itself "
            "names (start_urls, scope.sections, columns)"
        )
    for index, entry in enumerate(profile.auth):
        if entry.password_env not in os.environ:
            line = _line_of(node, ("auth", index, "password_env"))
            raise ProfileError(
                f"{path}:{line}: auth.{index}.password_env: environment variable "
                f"{entry.password_env} is not set (the password of {entry.user} on {entry.host}); "
                "set it before the run"
            )
    profile = _with_holiday_notices(profile, path, node)
    profile = _with_office_words(profile, path, node)
    profile = profile.model_copy(update={"source": str(path)})
    try:
        rules_for(profile.check_settings)  # a broken rule pack must fail now, not after the crawl
    except CheckConfigError as exc:
        raise ProfileError(str(exc)) from None
    return profile


ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(path: str | Path, model: type[ModelT], what: str) -> ModelT:
    """A YAML file of this tool's (a profile's companion: the notices' config…) validated as
    `model`; every failure is one ProfileError naming the file, line and key."""
    path = Path(path)
    node, data = _read_yaml(path, what)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}:1: a {what} file is a mapping of keys")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc, message = _first_error(exc)
        key = ".".join(str(p) for p in loc) or "(top level)"
        raise ProfileError(f"{path}:{_line_of(node, loc)}: {key}: {message}") from None


def _read_yaml(path: Path, what: str) -> tuple[yaml.Node | None, Any]:
    """The YAML document at `path` and its node tree (for line numbers); every failure is one
    ProfileError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the {what} file ({exc})") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_line = f":{mark.line + 1}" if mark else ""
        raise ProfileError(f"{path}{at_line}: YAML syntax error: {exc.problem or exc}") from None
    except ValueError as exc:  # a timestamp YAML cannot build, such as 2027-02-30
        raise ProfileError(f"{path}: YAML value error: {exc}") from None


def _derived(path: Path, node: yaml.Node | None, keys: tuple[str, ...], named: str) -> None:
    """A key the profile fills in from a file of its own: written by hand, it is refused."""
    line = _line_of(node, keys)
    dotted = ".".join(keys)
    raise ProfileError(f"{path}:{line}: {dotted}: unknown key (what it holds goes in the file "
                       f"that {named} names)")  # fmt: skip


def _beside(path: Path, name: str) -> Path:
    """A file a profile names, relative to the profile's own folder."""
    file = Path(name)
    return file if file.is_absolute() else path.parent / file


def _with_holiday_notices(profile: Profile, path: Path, node: yaml.Node | None) -> Profile:
    """The profile with the notices of its holidays file (``tracking.holidays_file``, relative
    to the profile) in ``tracking.holiday_notices``."""
    tracking = profile.tracking
    if "holiday_notices" in tracking.model_fields_set:
        _derived(path, node, ("tracking", "holiday_notices"), "tracking.holidays_file")
    if not tracking.holidays_file:
        return profile
    file = _beside(path, tracking.holidays_file)
    if not file.is_file():
        line = _line_of(node, ("tracking", "holidays_file"))
        raise ProfileError(f"{path}:{line}: tracking.holidays_file: no such file {file}")
    notices = load_holiday_notices(file)
    update = {"holidays_file": str(file), "holiday_notices": notices}
    return profile.model_copy(update={"tracking": tracking.model_copy(update=update)})


def _with_office_words(profile: Profile, path: Path, node: yaml.Node | None) -> Profile:
    """The profile with the rules of its office's word list (``checks.wording.file``, a CSV
    file relative to the profile: 本单位词表) in ``checks.wording.office``."""
    wording = profile.checks.wording
    if "office" in wording.model_fields_set:
        _derived(path, node, ("checks", "wording", "office"), "checks.wording.file")
    if not wording.file:
        return profile
    file = _beside(path, wording.file)
    line = _line_of(node, ("checks", "wording", "file"))
    try:
        data = file.read_bytes()
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else "cannot read"
        raise ProfileError(f"{path}:{line}: checks.wording.file: {reason} {file}") from None
    try:
        office = office_rules(data, str(file))
    except WordListError as exc:
        raise ProfileError(str(exc)) from None
    wording = wording.model_copy(update={"file": str(file), "office": office})
    checks = profile.checks.model_copy(update={"wording": wording})
    return profile.model_copy(update={"checks": checks})


def load_holiday_notices(path: Path) -> dict[int, HolidayNotice]:
    """Read and validate a holidays file (节假日安排: year → holidays, workdays); every failure is
    one ProfileError naming the file, the line and the key."""
    node, data = _read_yaml(path, "holidays")
    if not isinstance(data, dict) or not data:
        raise ProfileError(f"{path}:1: a holidays file maps each year to its holidays and "
                           "workdays (2027: {holidays: […], workdays: […]})")  # fmt: skip
    try:
        notices = HOLIDAY_NOTICES.validate_python(data)
    except ValidationError as exc:
        loc, message = _first_error(exc)
        loc = tuple(p for p in loc if p != "[key]")
        line = _line_of(node, loc)
        raise ProfileError(f"{path}:{line}: {'.'.join(map(str, loc))}: {message}") from None
    mistake = _notice_mistake(notices)
    if mistake is not None:
        loc, message = mistake
        raise ProfileError(f"{path}:{_line_of(node, loc)}: {'.'.join(map(str, loc))}: {message}")
    return notices


def _notice_mistake(notices: dict[int, HolidayNotice]) -> tuple[tuple[Any, ...], str] | None:
    """A day outside its notice's year (a New Year holiday may begin, and a day be worked, in the
    December before), or a day both off and worked: where, and what."""
    seen: dict[date, str] = {}
    for year, notice in notices.items():
        for key, items in (("holidays", notice.holidays), ("workdays", notice.workdays)):
            for index, item in enumerate(items):
                for day in spelled_out(item):
                    if day.year != year and (day.year, day.month) != (year - 1, 12):
                        message = f"{day} is not in {year} (nor in the December before it)"
                        return (year, key, index), message
                    if seen.setdefault(day, key) != key:
                        return (year, key, index), f"{day} is both a holiday and a workday"
    return None


def excluded_own_url(profile: Profile) -> tuple[int, str] | None:
    """(pattern index, URL) of a URL the profile names that its own `links.exclude` matches:
    such a URL would never be fetched (a start URL, a section, a column left empty), a
    contradiction to fix in the profile rather than a crawl to puzzle over."""
    rules = LinkRules(profile.links)
    if not rules.has_exclusions:
        return None
    named = [*profile.start_urls, *profile.scope.sections, *(c.url for c in profile.columns)]
    for url in named:
        index = rules.excluded(url)
        if index is not None:
            return index, url
    return None


def _first_error(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    error = exc.errors()[0]
    kind = error["type"]
    if kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = error["msg"].removeprefix("Value error, ")
        if "input" in error and not isinstance(error["input"], dict | list):
            message += f" (got {error['input']!r})"
    return tuple(error["loc"]), message


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node of `loc` that exists in the YAML document."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
