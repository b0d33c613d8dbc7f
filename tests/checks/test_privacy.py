"""privacy_leak over hand-made crawl data: what is personal data, and what only looks like it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import CheckSettings
from checks.model import ColumnView, CrawlData, Link, PageView
from checks.privacy import find_numbers, id_number_valid, luhn_valid, mask, privacy_leak
from crawler.parsing.document import parse_html, visible_text

AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()

ID = "22030219900101123X"  # GB 11643: valid region, date and check character
ID2 = "220302198506120023"
ID_GANSU_LUHN = "620102198807121250"  # a Gansu ID that also passes Luhn with a 62 prefix
CARD = "6222021234567890128"  # UnionPay, Luhn-valid, 19 digits
CARD16 = "6228480012345671"
VISA = "4111111111111111"
MOBILE = "13812345678"
USCC_DIGITS = "112203198506120464"  # all-digit 统一社会信用代码, valid modulo 31, not as an ID
USCC_BOTH = "112203198506120389"  # valid modulo 31 and, by chance, as an ID too

NONE: dict[str, list[str]] = {"id_number": [], "bank_card": [], "mobile": []}


def found(id_number=(), bank_card=(), mobile=()):
    return {"id_number": list(id_number), "bank_card": list(bank_card), "mobile": list(mobile)}


DETECTION = [
    # 居民身份证号码
    ("id", f"公示：张三，身份证号{ID}。", found([ID])),
    ("id-lowercase-x", f"身份证号：{ID.lower()}", found([ID])),
    ("id-two-distinct-one-repeated", f"{ID}、{ID2}、{ID}", found([ID, ID2])),
    ("id-6-8-4-groups", "身份证 220302 19900101 123X", found([ID])),
    ("id-fullwidth-digits", "身份证号２２０３０２１９９００１０１１２３Ｘ", found([ID])),
    ("id-wrong-checksum", "身份证号220302199001011234", NONE),
    ("id-future-birth", "身份证号220302202701011235", NONE),
    ("id-born-1899", "身份证号220302189912311234", NONE),
    ("id-province-99", "身份证号990302199001011238", NONE),
    ("id-province-20", "身份证号200302199001011236", NONE),
    ("id-feb-30", "身份证号220302199002301239", NONE),
    ("id-masked-middle", "身份证号2203**********123X", NONE),
    ("id-masked-tail", "身份证号220302********1234", NONE),
    ("id-in-longer-run", f"流水1{ID}0", NONE),
    ("id-digit-before", f"9{ID}", NONE),
    ("id-glued-to-letters", f"NO{ID}A", NONE),
    ("id-gansu-not-a-card", f"身份证号{ID_GANSU_LUHN}", found([ID_GANSU_LUHN])),
    ("id-labelled-身份证编号", f"身份证编号：{ID}", found([ID])),
    # 统一社会信用代码, 索引号, 文号 and other serial numbers
    ("uscc-with-letters", "统一社会信用代码：91220400MA0Y123456", NONE),
    ("uscc-digits-checksum-differs", f"{USCC_DIGITS}", NONE),
    ("uscc-digits-labelled", f"统一社会信用代码：{USCC_BOTH}", NONE),
    ("index-number", "索引号：000014348/2020-35428", NONE),
    ("index-number-hyphens", "索引号：000014348-2020-0035428", NONE),
    ("document-number", "辽交发〔2026〕12号 辽源市交通运输局关于…的通知", NONE),
    ("order-number-card-like", f"订单号：{CARD}", NONE),
    ("serial-id-like", f"档案号 {ID}", NONE),
    ("icp-and-police-record", "吉ICP备05001234号-1 吉公网安备22040202000123号", NONE),
    # 手机号码
    ("mobile", f"联系电话：{MOBILE}", found(mobile=[MOBILE])),
    ("mobile-spaces", "手机 138 1234 5678。", found(mobile=[MOBILE])),
    ("mobile-hyphens", "手机：138-1234-5678", found(mobile=[MOBILE])),
    ("mobile-plus86", "+86 13812345678", found(mobile=[MOBILE])),
    ("mobile-plus86-glued", "+8613812345678", found(mobile=[MOBILE])),
    ("mobile-0086", "0086-138-1234-5678", found(mobile=[MOBILE])),
    ("mobile-86-glued-is-a-run", "8613812345678", NONE),
    ("mobile-mixed-separators", "138 1234-5678", NONE),
    ("mobile-masked", "手机138****5678", NONE),
    ("mobile-masked-x", "手机138xxxx5678", NONE),
    ("landline-with-area-code", "电话：0437-3221234 传真：0437-3221235", NONE),
    ("landline-8-digits", "电话：(0437)32212345", NONE),
    ("mobile-in-longer-run", "编码2013812345678901", NONE),
    ("amount-not-mobile", "投资15000000000元", NONE),
    ("mobile-in-url", "详见 http://www.example.gov.cn/art/2026/13812345678.html 。", NONE),
    ("mobile-in-query", "index.jsp?id=13812345678&page=2", NONE),
    ("url-then-text", f"详见http://a.gov.cn/x.html电话{MOBILE}", found(mobile=[MOBILE])),
    ("mobile-file-name", "附件：13812345678.pdf", NONE),
    ("mobile-decimal", "3.13812345678", NONE),
    ("mobile-email", "13812345678@163.com", NONE),
    # 银行卡号
    ("card", f"银行卡号：{CARD}", found(bank_card=[CARD])),
    ("card-16", f"账号{CARD16}", found(bank_card=[CARD16])),
    ("card-no-label", f"李四 {CARD} 500元", found(bank_card=[CARD])),
    ("card-spaces-4-4-4-4-3", "6222 0212 3456 7890 128", found(bank_card=[CARD])),
    ("card-hyphens", "6228-4800-1234-5671", found(bank_card=[CARD16])),
    ("card-visa-grouped-labelled", "卡号：4111 1111 1111 1111", found(bank_card=[VISA])),
    ("card-visa-grouped-unlabelled", "合计 4111 1111 1111 1111", NONE),
    ("card-grouped-row-continues", "6222 0212 3456 7890 128 3345 2211", NONE),
    ("card-grouped-run-before", "2201 6222 0212 3456 7890 128", NONE),
    ("card-luhn-fails", "银行卡号：6228480012345672", NONE),
    ("card-issuer-implausible", "卡号1234567812345670", NONE),
    ("card-timestamp-like", "2026031512345670", NONE),
    ("card-masked", "卡号6222***********0128", NONE),
    ("card-in-url", f"https://pay.example.com/c/{CARD}", NONE),
    ("card-after-equals", f"card={CARD}", NONE),
    # together
    (
        "mixed-page",
        f"张三 {ID} {MOBILE} {CARD}；李四 2203**********2216 138****5678",
        found([ID], [CARD], [MOBILE]),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [d[1:] for d in DETECTION], ids=[d[0] for d in DETECTION]
)
def test_detection(text, expected):
    assert find_numbers(text, AS_OF) == expected


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        (ID, True),
        (ID2, True),
        (USCC_DIGITS, False),
        (USCC_BOTH, True),
        ("22030219900101123", False),
    ],
    ids=["x-check", "digit-check", "uscc", "uscc-by-chance", "17-digits"],
)
def test_id_number_valid(number, valid):
    assert id_number_valid(number, AS_OF) is valid


def test_birth_date_is_judged_at_as_of():
    born_tomorrow = "220302202611211232"
    assert id_number_valid(born_tomorrow[:17] + _check(born_tomorrow[:17]), date(2026, 11, 21))
    assert not id_number_valid(born_tomorrow[:17] + _check(born_tomorrow[:17]), AS_OF)


def _check(body: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643 weights, computed afresh
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@pytest.mark.parametrize(
    ("number", "valid"), [(CARD, True), (CARD16, True), (VISA, True), ("6228480012345672", False)]
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    ("number", "head", "tail", "masked"),
    [
        (ID, 4, 4, "2203**********123X"),
        (MOBILE, 3, 4, "138****5678"),
        (CARD, 4, 4, "6222***********0128"),
    ],
    ids=["id", "mobile", "card"],
)
def test_mask(number, head, tail, masked):
    assert mask(number, head, tail) == masked


# -- the check over crawl data -----------------------------------------------------------------

HOME = "https://jtj.example.gov.cn/"
COLUMN = "https://jtj.example.gov.cn/zwgk/tzgg/"
ARTICLE = "https://jtj.example.gov.cn/zwgk/tzgg/202611/t20261115_1.html"
ARTICLE2 = "https://jtj.example.gov.cn/zwgk/tzgg/202611/t20261116_2.html"
ATTACHMENT = "https://jtj.example.gov.cn/zwgk/tzgg/202611/P020261115_名单.xlsx"


def page(url, role="article", column=COLUMN):
    return PageView(url, url, role, 200, "标题", column, None, None, {})


def crawl(texts, pages=None, links=()):
    pages = pages if pages is not None else [page(url) for url in texts]
    return CrawlData(
        "辽源市交通运输局",
        (HOME,),
        ("example.gov.cn",),
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        pages=tuple(pages),
        columns=(ColumnView(COLUMN, "通知公告", "notice", "办公室", "nav", 10, None, 1),),
        links=tuple(links),
        texts=dict(texts),
    )


def attachment_link(page_url=ARTICLE, target=ATTACHMENT):
    return Link(page_url, target, target, "a", "href", "attachment", "名单.xlsx")


def test_page_finding_fields():
    people = [ID, ID2, "220302197001010019", ID, "22040219660315204x"]
    text = "公示名单：" + "，".join(people) + f"。电话{MOBILE}"
    findings = privacy_leak(crawl({ARTICLE: text}), PROFILE, AS_OF)
    by_kind = {f.subtype: f for f in findings}
    assert sorted(by_kind) == ["id_number", "mobile"]
    ids = by_kind["id_number"]
    assert (ids.check, ids.severity, ids.url, ids.key) == (
        "privacy_leak",
        "high",
        ARTICLE,
        f"{ARTICLE}|id_number",
    )
    assert (ids.page, ids.pages, ids.column, ids.unit) == (
        ARTICLE,
        (ARTICLE,),
        "通知公告",
        "办公室",
    )
    assert ids.evidence == {
        "count": 4,
        "example": "2203**********123X",
        "examples": ["2203**********123X", "2203**********0023", "2203**********0019"],
        "source": "page",
    }
    mobile = by_kind["mobile"]
    assert (mobile.severity, mobile.key) == ("medium", f"{ARTICLE}|mobile")
    assert mobile.evidence["examples"] == ["138****5678"]


def test_attachment_finding_names_the_page_that_links_it():
    data = crawl(
        {
            ARTICLE: "关于公示2026年度公益性岗位人员名单的通知",
            ATTACHMENT: f"名单\n张三\t{ID}\t{CARD}",
        },
        pages=[page(ARTICLE), page(ATTACHMENT, role="attachment", column=None)],
        links=[attachment_link(), attachment_link(ARTICLE2)],
    )
    findings = privacy_leak(data, PROFILE, AS_OF)
    assert [(f.subtype, f.url, f.page, f.pages) for f in findings] == [
        ("id_number", ATTACHMENT, ARTICLE, (ARTICLE, ARTICLE2)),
        ("bank_card", ATTACHMENT, ARTICLE, (ARTICLE, ARTICLE2)),
    ]
    assert all(f.column == "通知公告" and f.unit == "办公室" for f in findings)
    assert all(f.evidence["source"] == "attachment" for f in findings)
    assert findings[1].evidence["examples"] == ["6222***********0128"]


def test_no_finding_ever_holds_a_full_number():
    numbers = [ID, ID2, CARD, CARD16, MOBILE]
    data = crawl(
        {ARTICLE: " ".join(numbers), ATTACHMENT: "\t".join(numbers)},
        pages=[page(ARTICLE), page(ATTACHMENT, role="attachment")],
        links=[attachment_link()],
    )
    findings = privacy_leak(data, PROFILE, AS_OF)
    assert len(findings) == 6
    for finding in findings:
        dumped = json.dumps(asdict(finding), ensure_ascii=False)
        for lang in ("zh", "en"):
            dumped += messages.title("privacy_leak", finding.subtype, finding.evidence, lang)
            dumped += messages.detail("privacy_leak", finding.subtype, finding.evidence, lang)
        digits_only = "".join(c for c in dumped if c.isdigit() or c in "X*")
        for number in numbers:
            assert number not in dumped and number not in digits_only


def test_titles_in_both_languages():
    findings = privacy_leak(crawl({ARTICLE: f"身份证号{ID}"}), PROFILE, AS_OF)
    evidence = findings[0].evidence
    assert messages.title("privacy_leak", "id_number", evidence) == (
        "公开未脱敏的身份证号码（1个，如2203**********123X）"
    )
    assert messages.title("privacy_leak", "id_number", evidence, "en") == (
        "Unmasked ID card numbers published (1, e.g. 2203**********123X)"
    )
    assert "脱敏" in messages.how_to_fix("privacy_leak")


def test_masked_and_serial_numbers_give_nothing():
    text = (
        "张三 2203**********2216 138****5678；索引号：000014348/2020-35428；"
        "辽交发〔2026〕12号；电话0437-3221234"
    )
    assert privacy_leak(crawl({ARTICLE: text}), PROFILE, AS_OF) == []


@pytest.mark.parametrize(
    ("on_pages", "contact_pages", "reported"),
    [(2, 3, 2), (3, 3, 0), (5, 0, 5)],
    ids=["two-pages-reported", "three-pages-site-contact", "rule-off"],
)
def test_mobile_on_many_pages_is_the_site_contact(on_pages, contact_pages, reported):
    urls = [f"https://jtj.example.gov.cn/zwgk/t{i}.html" for i in range(on_pages)]
    texts = {url: f"正文……监督电话：{MOBILE}" for url in urls}
    texts[ATTACHMENT] = f"联系电话{MOBILE}"
    profile = PROFILE.model_copy(
        update={"checks": PROFILE.checks.model_copy(update={"privacy": _privacy(contact_pages)})}
    )
    data = crawl(
        texts,
        pages=[page(url) for url in urls] + [page(ATTACHMENT, role="attachment")],
        links=[attachment_link(urls[0])],
    )
    findings = privacy_leak(data, profile, AS_OF)
    pages_found = [f.url for f in findings if f.url != ATTACHMENT]
    assert len(pages_found) == reported
    # The attachment is reported exactly when the pages are: the number is personal or it isn't.
    assert (ATTACHMENT in [f.url for f in findings]) is (reported > 0)


def _privacy(contact_pages=3, allowed=()):
    return PROFILE.checks.privacy.model_copy(
        update={"contact_pages": contact_pages, "allowed": list(allowed)}
    )


def test_allowed_numbers_are_not_reported():
    profile = PROFILE.model_copy(
        update={
            "checks": PROFILE.checks.model_copy(
                update={"privacy": _privacy(allowed=["138-1234-5678"])}
            )
        }
    )
    findings = privacy_leak(crawl({ARTICLE: f"监督电话：{MOBILE}，{ID}"}), profile, AS_OF)
    assert [f.subtype for f in findings] == ["id_number"]


def test_profile_section_parses():
    profile = CheckSettings.model_validate(
        {**PROFILE.model_dump(), "checks": {"privacy": {"contact_pages": 0, "allowed": [MOBILE]}}}
    )
    assert (profile.checks.privacy.contact_pages, profile.checks.privacy.allowed) == (0, [MOBILE])


def test_input_is_not_mutated():
    data = crawl({ARTICLE: f"{ID} {MOBILE}"})
    before = repr(data)
    privacy_leak(data, PROFILE, AS_OF)
    assert repr(data) == before


def test_text_of_an_unknown_url_is_a_page():
    data = crawl({ARTICLE: f"身份证号{ID}"}, pages=[])
    [finding] = privacy_leak(data, PROFILE, AS_OF)
    assert (finding.page, finding.column, finding.evidence["source"]) == (ARTICLE, None, "page")


def test_real_pages_have_no_personal_numbers(real_pages):
    texts = {
        f"https://real.example.gov.cn/{path.name}": visible_text(
            parse_html(path.read_text(encoding="utf-8"), "https://real.example.gov.cn/")
        )
        for path in sorted(real_pages.glob("*.html"))
    }
    assert len(texts) >= 14
    assert privacy_leak(crawl(texts), PROFILE, AS_OF) == []


def test_word_by_word_normalisation_is_nfkc() -> None:
    """`nfkc` equals the whole text's NFKC form, whatever sits around the spaces: full-width
    and compatibility characters, combining marks that compose or reorder, Hangul jamo."""
    import random
    import unicodedata

    from checks.privacy import nfkc

    pool = [chr(c) for c in [*range(0x20, 0x7F), *range(0xFF01, 0xFF5F), 0x3000, 0x2103, 0xB3,
            0x2460, 0x2474, 0x3251, 0x301, 0x308, 0x327, 0x323, 0x1100, 0x1161, 0x11A8, 0xAC00,
            0xA8, 0xB4, 0x2026, 0xA0, 0x1E9B, 0xE33, 0xF73, 0x3099, 0x304B, 0xFF76, 0xFF9E,
            0x212B, 0xFB01, 0x1D7CE, 0x4E00, 0x5E74]]  # fmt: skip
    rng = random.Random(13)
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
    assert nfkc("电话：１３８ ００１３ ８０００，３６℃") == "电话:138 0013 8000,36°C"
