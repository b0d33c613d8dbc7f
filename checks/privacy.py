"""个人信息泄露 (`privacy_leak`): personal numbers published unmasked in a page or attachment.

Three kinds, each held to what makes it that kind of number rather than any long digit run:

- ``id_number`` 居民身份证号码 (GB 11643): 17 digits and a check character (ISO 7064 MOD 11-2,
  ``X`` allowed), a province code of the first two digits (11–65 as assigned, 71 台湾, 81 香港,
  82 澳门, 83 for 港澳台居民居住证), a real birth date from 1900 up to ``as_of``. Written whole or
  as ``6-8-4`` groups. The 15-digit first-generation number is not looked for: it has no check
  digit, so it cannot be told from a serial number, and it went out of use in 2013.
- ``mobile`` 手机号码: ``1[3-9]`` and nine more digits, whole or as ``3-4-4`` groups, optionally
  after ``+86``/``0086``. A number with an area code (``0437-3221234``) is an office line, not
  personal; a figure followed by a unit (``15000000000元``) is an amount. A mobile printed on
  ``checks.privacy.contact_pages`` HTML pages or more is the site's own published contact.
- ``bank_card`` 银行卡号: 16–19 digits passing the Luhn check with a card issuer's prefix (62
  UnionPay, 60 and 955 older domestic cards, 4 Visa, 51–55 and 2221–2720 Mastercard, 35 JCB),
  and not a valid ID number. Written whole, or in groups of four (``6222 0212 3456 7890 123``)
  when it is a UnionPay number or a card word (卡号, 账号…) stands just before it.

Never a finding: masked numbers (``2203**********2216``, ``138****5678``: a ``*`` next to the
digits ends the run), digits inside a longer run or glued to letters (统一社会信用代码
``91220400MA0Y123456``), numbers inside a URL or after ``=``/``/``, and any number right after a
serial-number label (索引号, 文号, 编号, 订单号, 信用代码…) — a digits-only 统一社会信用代码 fails
the ID checksum anyway, its own check character being computed modulo 31.

One finding per page or attachment and kind; the evidence holds how many distinct numbers and
up to three examples, masked (first 4 and last 4 digits of IDs and cards, 3 and 4 of mobiles).
The full number never leaves this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks import messages
from checks.config import CheckSettings
from checks.model import ColumnView, CrawlData, Finding, PageView, links_to

CHECK = "privacy_leak"
KINDS = ("id_number", "bank_card", "mobile")
SEVERITY = {"id_number": "high", "bank_card": "high", "mobile": "medium"}
EXAMPLES = 3

messages.register(
    CHECK,
    {
        "id_number": (
            "公开未脱敏的身份证号码（{count}个，如{example}）",
            "Unmasked ID card numbers published ({count}, e.g. {example})",
        ),
        "bank_card": (
            "公开未脱敏的银行卡号（{count}个，如{example}）",
            "Unmasked bank card numbers published ({count}, e.g. {example})",
        ),
        "mobile": (
            "公开未脱敏的手机号码（{count}个，如{example}）",
            "Unmasked mobile numbers published ({count}, e.g. {example})",
        ),
        "*": ("公开未脱敏的个人信息", "Unmasked personal data published"),
    },
    (
        "删除页面或附件中的个人信息，确需公开的进行脱敏处理（如身份证号仅保留前4位和后4位），"
        "并落实发布前保密审查。",
        "Remove the personal data from the page or attachment, or mask it (e.g. keep only the "
        "first and last 4 digits of an ID number), and review content before publishing.",
    ),
)

# -- recognising the numbers -----------------------------------------------------------------

PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# A number starts and ends where no digit, letter, mask or URL punctuation touches it.
_START = r"(?<![0-9A-Za-z_*/=\\@#&%])(?<![0-9A-Za-z]\.)"
_END = r"(?![0-9A-Za-z_*@])(?!\.[0-9A-Za-z])"
_ID_PATTERN = re.compile(_START + r"(\d{6})([ -]?)(\d{8})\2(\d{3}[\dXx])" + _END, re.ASCII)
_MOBILE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z_*/=\\@#&%+])(?<![0-9A-Za-z]\.)(?:(?:\+|00)86[ -]?)?"
    r"(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})" + _END,
    re.ASCII,
)
_CARD_PATTERN = re.compile(_START + r"(\d{16,19})" + _END, re.ASCII)
_GROUPED_CARD_PATTERN = re.compile(
    _START + r"(?<!\d[ -])(\d{4}([ -])\d{4}\2\d{4}\2\d{4}(?:\2\d{1,3})?)" + _END + r"(?![ -]\d)",
    re.ASCII,
)
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9._~:/?#@!$&*+,;=%\[\]-]+", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s?(?:元|万|亿|千|百|吨|公斤|千克|克|米|公里|平方|亩|人|户|次|个|件|台|辆|%|‰)"
)
_SERIAL_LABELS = (
    "索引号", "文号", "编号", "订单", "单号", "流水号", "信用代码", "机构代码", "注册号",
    "登记号", "许可证", "证书号", "批准号", "备案号", "发票", "合同号", "项目代码", "档案号",
)  # fmt: skip
_CARD_WORDS = ("卡号", "账号", "帐号", "账户", "帐户", "银行卡", "借记卡", "信用卡", "开户", "收款")
_PERSONAL_LABELS = (
    "身份证", "身份证编号", "证件号", "证件编号", "身份号码", "手机", "电话", "联系方式",
    *_CARD_WORDS,
)  # fmt: skip
_LABEL_WINDOW = 16


def id_number_valid(number: str, as_of: date) -> bool:
    """GB 11643: province code, birth date (1900 to ``as_of``) and the MOD 11-2 check
    character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= as_of:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_issuer_plausible(digits: str) -> bool:
    """A prefix some card scheme issues: 62 银联, 60/955 older domestic, 4, 51–55, 2221–2720,
    35."""
    return (
        digits.startswith(("62", "60", "955", "4", "35"))
        or 51 <= int(digits[:2]) <= 55
        or 2221 <= int(digits[:4]) <= 2720
    )


def mask(number: str, head: int, tail: int) -> str:
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


def _last_label(text: str, start: int) -> str | None:
    """The nearest label word in the same sentence before ``start``."""
    window = text[max(0, start - _LABEL_WINDOW) : start]
    window = re.split(r"[\n。；;]", window)[-1]
    # The label ending last wins, the longer on a tie: 身份证编号 is a 身份证 label, not 编号.
    ends = {label: window.rfind(label) + len(label) for label in _SERIAL_LABELS + _PERSONAL_LABELS}
    found = [(end, len(label), label) for label, end in ends.items() if end >= len(label)]
    return max(found)[2] if found else None


def _after_serial_label(text: str, start: int) -> bool:
    return _last_label(text, start) in _SERIAL_LABELS


def _in_url(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, word by word: a page's text is mostly already
    normal, and only the words that are not (a full-width comma, a ℃) are normalised. A space
    can neither compose with nor reorder around what follows or precedes it, so the words are
    normalised apart and joined again exactly as the whole would be."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return " ".join(
        word if unicodedata.is_normalized("NFKC", word) else unicodedata.normalize("NFKC", word)
        for word in text.split(" ")
    )


def find_numbers(text: str, as_of: date) -> dict[str, list[str]]:
    """The distinct unmasked personal numbers in ``text`` by kind, in order of appearance,
    as bare digits (``X`` upper-cased)."""
    text = nfkc(text)  # full-width digits are digits too
    urls = [m.span() for m in _URL.finditer(text)]
    found: dict[str, dict[str, None]] = {kind: {} for kind in KINDS}
    ids = found["id_number"]

    def usable(match: re.Match[str]) -> bool:
        return not _in_url(urls, match.start()) and not _after_serial_label(text, match.start())

    for match in _ID_PATTERN.finditer(text):
        number = (match[1] + match[3] + match[4]).upper()
        if id_number_valid(number, as_of) and usable(match):
            ids[number] = None
    for pattern in (_CARD_PATTERN, _GROUPED_CARD_PATTERN):
        for match in pattern.finditer(text):
            digits = re.sub(r"\D", "", match[1])
            if digits in ids or not (luhn_valid(digits) and card_issuer_plausible(digits)):
                continue
            if pattern is _GROUPED_CARD_PATTERN and not (
                digits.startswith("62") or _last_label(text, match.start()) in _CARD_WORDS
            ):
                continue
            if usable(match) and not id_number_valid(digits, as_of):
                found["bank_card"][digits] = None
    for match in _MOBILE_PATTERN.finditer(text):
        if _UNIT_AFTER.match(text, match.end()) or not usable(match):
            continue
        found["mobile"][match[1] + match[3] + match[4]] = None
    return {kind: list(numbers) for kind, numbers in found.items()}


# -- the check -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a text was published: the page that shows it, its column and unit."""

    page: str
    pages: tuple[str, ...]
    column: ColumnView | None
    attachment: bool


def _places(data: CrawlData, urls: Collection[str]) -> dict[str, _Place]:
    """Where each of `urls` (texts with something to report) was published. Only the links to
    the attachments among them are read: they say which pages host an attachment."""
    pages = {page.url: page for page in data.pages}
    columns = {column.url: column for column in data.columns}
    maybe_attachments = {url for url in urls if url not in pages or pages[url].role == "attachment"}
    linked_from: dict[str, dict[str, None]] = {}
    attachment_targets = set()
    for link in links_to(data.links, maybe_attachments):
        linked_from.setdefault(link.target, {})[link.page] = None
        if link.kind == "attachment":
            attachment_targets.add(link.target)

    def column_of(view: PageView | None) -> ColumnView | None:
        return columns.get(view.column_url) if view is not None and view.column_url else None

    places = {}
    for url in urls:
        view = pages.get(url)
        attachment = (view.role == "attachment") if view else url in attachment_targets
        if not attachment:
            places[url] = _Place(url, (url,), column_of(view), False)
            continue
        hosts = tuple(linked_from.get(url, {})) or (url,)
        column = column_of(view) or next(
            (c for c in (column_of(pages.get(h)) for h in hosts) if c is not None), None
        )
        places[url] = _Place(hosts[0], hosts, column, True)
    return places


_MASKS = {"id_number": (4, 4), "bank_card": (4, 4), "mobile": (3, 4)}


def _finding(url: str, kind: str, numbers: list[str], place: _Place) -> Finding:
    examples = [mask(number, *_MASKS[kind]) for number in numbers[:EXAMPLES]]
    evidence: dict[str, Any] = {
        "count": len(numbers),
        "example": examples[0],
        "examples": examples,
        "source": "attachment" if place.attachment else "page",
    }
    return Finding(
        check=CHECK,
        subtype=kind,
        severity=SEVERITY[kind],
        url=url,
        key=f"{url}|{kind}",
        page=place.page,
        pages=place.pages,
        column=place.column.name if place.column else None,
        evidence=evidence,
        unit=place.column.unit if place.column else None,
    )


def privacy_leak(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """个人信息泄露: one finding per page or attachment and kind of unmasked personal number."""
    config = settings.checks.privacy
    allowed = {re.sub(r"\D", "", number) for number in config.allowed}
    # Texts are read once, in whatever order the store gives them; only those with a number
    # are kept, and in URL order (the order of the findings).
    numbers_in = ((url, find_numbers(text, as_of)) for url, text in data.texts.items())
    found = dict(sorted(((u, k) for u, k in numbers_in if any(k.values())), key=lambda uk: uk[0]))
    places = _places(data, found)
    on_pages = Counter(
        number
        for url, kinds in found.items()
        if not places[url].attachment
        for number in kinds["mobile"]
    )
    contact = config.contact_pages

    findings = []
    for url, kinds in found.items():
        for kind in KINDS:
            numbers = [n for n in kinds[kind] if n not in allowed]
            if kind == "mobile" and contact:
                numbers = [n for n in numbers if on_pages[n] < contact]
            if numbers:
                findings.append(_finding(url, kind, numbers, places[url]))
    return findings
