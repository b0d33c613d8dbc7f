"""本单位词表: the office's CSV word list, as Excel saves it, and one clear error per bad line."""

from __future__ import annotations

import codecs

import pytest

from checks.config import WordingRule
from checks.office_words import WordListError, office_rules

NAME = "offices/words.csv"
LIST = (
    "wrong,right,severity,note\n"
    "张三同志任县长,李四同志任县长,high,张三已于2024年6月调任\n"
    "辽源市交通局,辽源市交通运输局,medium,\n"
)
RULES = (
    WordingRule(
        wrong="张三同志任县长",
        right="李四同志任县长",
        severity="high",
        note="张三已于2024年6月调任",
    ),
    WordingRule(wrong="辽源市交通局", right="辽源市交通运输局", severity="medium"),
)

ENCODINGS = [
    ("utf-8", LIST.encode("utf-8")),
    ("utf-8-with-bom", codecs.BOM_UTF8 + LIST.encode("utf-8")),
    ("gbk-excel-csv", LIST.encode("gbk")),
    ("gb18030", LIST.encode("gb18030")),
    ("excel-crlf", LIST.replace("\n", "\r\n").encode("utf-8-sig")),
]


@pytest.mark.parametrize("data", [e[1] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_every_way_excel_saves_the_list_reads_the_same(data):
    assert office_rules(data, NAME) == RULES


def test_columns_in_any_order_chinese_severities_blank_rows_and_quoted_cells():
    text = (
        "Note,Severity,Wrong,Right,,\n"
        ",,,,,\n"
        '"逗号,也可以",中,辽源市 交通局,辽源市交通运输局,,\n'
        "\n"
        ",低,辽原市,辽源市\n"
    )
    assert office_rules(text.encode("utf-8"), NAME) == (
        WordingRule(wrong="辽源市交通局", right="辽源市交通运输局", severity="medium",
                    note="逗号,也可以"),
        WordingRule(wrong="辽原市", right="辽源市", severity="low"),
    )  # fmt: skip


BAD = [
    # (id, CSV text, the error's place and words)
    ("empty-file", "", f"{NAME}:1: the file is empty"),
    ("only-blank-rows", ",,,\n\n", f"{NAME}:1: the file is empty"),
    ("no-header", "张三同志任县长,李四同志任县长,high,\n",
     f"{NAME}:1: the header must name the columns wrong,right,severity,note"),
    ("misspelt-column", "wrong,rihgt,severity,note\n", "(got ['wrong', 'rihgt', 'severity'"),
    ("missing-column", "wrong,right,note\n", f"{NAME}:1: the header must name"),
    ("unknown-severity", "wrong,right,severity,note\n辽原市,辽源市,critical,\n",
     f"{NAME}:2: unknown severity 'critical' (high, medium or low; 高, 中 or 低)"),
    ("empty-severity", "wrong,right,severity,note\n辽原市,辽源市,,\n",
     f"{NAME}:2: unknown severity ''"),
    ("empty-wrong", "wrong,right,severity,note\n辽原市,辽源市,high,\n ,辽源市,high,\n",
     f"{NAME}:3: wrong is empty"),
    ("one-character-wrong", "wrong,right,severity,note\n党,党,high,\n",
     f"{NAME}:2: wrong “党” is one character"),
    ("empty-right", "wrong,right,severity,note\n辽原市,,high,\n", f"{NAME}:2: right is empty"),
    ("repeated-wrong", "wrong,right,severity,note\n辽原市,辽源市,high,\n\n辽原市,辽源,low,\n",
     f"{NAME}:4: “辽原市” is already on line 2"),
    ("extra-cells", "wrong,right,severity,note\n辽原市,辽源市,high,,多出一格\n",
     f"{NAME}:2: 5 cells, but the header names 4"),
    ("broken-quotes", 'wrong,right,severity,note\n"辽原市,辽源市,high,\n',
     f"{NAME}:2: not valid CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_list_is_one_error_naming_file_and_line(text, error):
    with pytest.raises(WordListError) as info:
        office_rules(text.encode("utf-8"), NAME)
    message = str(info.value)
    assert error in message and "\n" not in message


def test_utf16_is_refused_with_what_to_do():
    with pytest.raises(WordListError, match="UTF-16.*CSV UTF-8"):
        office_rules(LIST.encode("utf-16"), NAME)


def test_bytes_neither_utf8_nor_gb18030_are_refused():
    with pytest.raises(WordListError, match=r"neither UTF-8 nor GB18030/GBK text \(byte 26\)"):
        office_rules(b"wrong,right,severity,note\n\x81\x20,x,high,\n", NAME)
