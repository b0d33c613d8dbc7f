"""办事指南 labels and values: what a label names, and whether what follows it is content.

A label is a short text — a table cell, a ``<dt>``, a heading line, what stands before the colon
of "办理地点：…" — naming one or more of the 8 element classes (or an element outside them, such
as 收费标准, which names none but ends the section before it). It is read once its numbering
("一、", "（三）", "3.", "①", "第二条"), brackets (【】), colon and spaces are set aside; the
words, the fillers and the threshold are the table of :mod:`checks.guide_elements`.

A value is *present* when it holds an informative character, an image (a 流程图) or a link;
*empty* when it holds nothing, or a bare 无/暂无 where 无 is no answer (every matter has a
basis, a place, hours, a phone and steps; 申请条件：无 is an answer); *unrendered* when it is
left to a script — an empty element with an ``id`` or a template attribute, a ``<script>``, a
``{{ }}`` placeholder — which a browser may fill: neither present nor missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from lxml.html import HtmlElement

from checks.guide_elements import GuideElements, guide_elements
from crawler.parsing.dom import is_template_element, tag_of, text_of

# A label is short: a longer text is a sentence, whatever words it holds.
MAX_LABEL_CHARS = 16
# What a label may hold beyond its class words and fillers ("窗口办公时间" → "办公时间").
MAX_REMAINDER = 3
MAX_SHOWN = 40  # characters of a label kept as written

PRESENT, EMPTY, UNRENDERED = "present", "empty", "unrendered"

_SENTENCE = re.compile(r"[，,。；;！!？?]")
_INFORMATIVE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_BULLETS = "●○■□◆◇▲△►▶•·※★☆-—"
_CN = "一二三四五六七八九十"
# Numbering before a label, after NFKC (（一） → (一)); the group that matched names its style.
_NUMBERING = re.compile(
    rf"^(?:(?P<cn>[{_CN}]+)[、.,]"
    rf"|(?P<pcn>\([{_CN}]+\))[、.]?"
    r"|(?P<num>\d{1,2})(?:[、.,](?!\d)|(?=[^\d.,、:]))"
    r"|(?P<pnum>\(\d{1,2}\))[、.]?"
    rf"|(?P<ord>第[{_CN}\d]+[条项步部分章节]+)[、.:]?)"
)
_EDGES = "【】[]<>《》〈〉*:：. 、"
_TEMPLATE_TEXT = ("{{", "}}", "${", "<%", "{$")
_PLACEHOLDERS = frozenset({"无", "暂无", "空", "待定", "null", "none", "undefined", "nbsp"})
_MEDIA_TAGS = frozenset({"img", "iframe", "object", "embed", "svg", "canvas", "video"})


@dataclass(frozen=True, slots=True)
class Label:
    """A label read: the classes it names in the note's order (none for an element outside the
    eight), the label as written, and its numbering (style and number, when it has one)."""

    classes: tuple[str, ...]
    text: str
    style: str | None = None
    number: int | None = None


class LabelReader:
    """Reads labels with the element table (see the header of checks/data/guide_elements.yaml)."""

    def __init__(self, table: GuideElements) -> None:
        self.table = table
        pairs = [(word, e.name) for e in table.elements for word in e.labels]
        self._words = sorted(pairs, key=lambda pair: -len(pair[0]))
        self._whole = {word: e.name for e in table.elements for word in e.whole}
        self._other = sorted(table.other_labels, key=len, reverse=True)
        self._filler = sorted(table.filler, key=len, reverse=True)
        # Any of these in a short text makes it worth reading as a label.
        words = sorted({word for word, _ in pairs} | set(table.other_labels), key=len)
        self.any_word = re.compile("|".join(re.escape(word) for word in reversed(words)))
        # The class words in one pattern: one pass over a raw page (a pass per word is 20
        # times slower on Chinese text).
        self.class_of = dict(pairs)
        self.class_words = re.compile("|".join(re.escape(word) for word, _ in self._words))

    def read(self, raw: str) -> Label | None:
        """The label ``raw`` is, or None when it is no label: a sentence, a value, a title, or
        a label with its value ("办理地点：大厅", read as an inline label instead)."""
        text, style, number = numbered(raw)
        if not text or len(text) > MAX_LABEL_CHARS or _SENTENCE.search(text) or ":" in text:
            return None
        shown = " ".join(raw.split()).rstrip(":： ")[:MAX_SHOWN]
        if text in self._whole:
            return Label((self._whole[text],), shown, style, number)
        covered = [False] * len(text)
        classes = {name for word, name in self._words if _cover(text, word, covered)}
        other = [word for word in self._other if _cover(text, word, covered)]
        if not classes and not other:
            return None
        rest = "".join(ch for ch, done in zip(text, covered, strict=True) if not done)
        for word in self._filler:
            rest = rest.replace(word, "")
        if len(rest) > MAX_REMAINDER:
            return None
        return Label(self.table.in_order(classes), shown, style, number)


@cache
def label_reader() -> LabelReader:
    """The reader of the shipped table."""
    return LabelReader(guide_elements())


def numbered(raw: str) -> tuple[str, str | None, int | None]:
    """The words of ``raw`` without numbering, brackets, colon and spaces; the numbering's
    style (``cn`` 一、, ``pcn`` （一）, ``num`` 1. / 1、, ``pnum`` (1), ``ord`` 第一条,
    ``circled`` ①, ``bullet`` ●) and its number, when it has them."""
    text = "".join(raw.split())
    style: str | None = None
    number: int | None = None
    if text and text[0] in _CIRCLED:
        text, style, number = text[1:], "circled", _CIRCLED.index(text[0]) + 1
    elif text and text[0] in _BULLETS:
        text, style = text.lstrip(_BULLETS), "bullet"
    text = "".join(unicodedata.normalize("NFKC", text).split())
    match = _NUMBERING.match(text) if style is None else None
    if match and match.lastgroup:
        style = match.lastgroup
        number = _number(match.group(match.lastgroup))
        text = text[match.end() :]
    return text.strip(_EDGES), style, number


def _number(numeral: str) -> int | None:
    """1 for 一, (一), 1, (1), 第一条; 12 for 十二; None when it cannot be read."""
    digits = "".join(ch for ch in numeral if ch.isdigit())
    if digits:
        return int(digits)
    chinese = "".join(ch for ch in numeral if ch in _CN)
    if "十" not in chinese:
        return _CN.index(chinese) + 1 if len(chinese) == 1 else None
    tens, _, ones = chinese.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def _cover(text: str, word: str, covered: list[bool]) -> bool:
    """Mark every occurrence of ``word`` in ``text``; whether there was one."""
    start = text.find(word)
    hit = start >= 0
    while start >= 0:
        covered[start : start + len(word)] = [True] * len(word)
        start = text.find(word, start + 1)
    return hit


# -- values ------------------------------------------------------------------------------------


def value_state(label: Label, text: str, media: bool, scripted: bool, table: GuideElements) -> str:
    """Whether what follows ``label`` (its text, whether it shows an image or a link, whether
    an empty element of it is a script's) is content, nothing, or left to a script."""
    if any(marker in text for marker in _TEMPLATE_TEXT):
        return UNRENDERED
    informative = "".join(_INFORMATIVE.findall(text)).lower()
    if not informative:
        return PRESENT if media else UNRENDERED if scripted else EMPTY
    if informative in _PLACEHOLDERS:
        answers = informative == "无" and any(
            table.by_name(name).none_is_an_answer for name in label.classes
        )
        return PRESENT if answers else EMPTY
    return PRESENT


def final_state(states: Iterable[str]) -> str:
    """One class seen several times: any content makes it present (a tab bar names it again,
    empty, above the section that holds it)."""
    seen = set(states)
    return next((s for s in (PRESENT, UNRENDERED) if s in seen), EMPTY)


def elements_state(label: Label, elements: Iterable[HtmlElement], table: GuideElements) -> str:
    """The state of a value made of whole elements (a table cell, the ``<dd>`` of a ``<dt>``)."""
    return final_state(element_state(label, element, table) for element in elements)


def element_state(label: Label, element: HtmlElement, table: GuideElements) -> str:
    text = text_of(element)
    media = has_media(element)
    scripted = not text and not media and left_to_script(element)
    return value_state(label, text, media, scripted, table)


def has_media(element: HtmlElement) -> bool:
    """It shows an image, a frame or an object, or holds a link (a 流程图, a 申请表)."""
    for node in element.iter():
        tag = tag_of(node)
        if tag in _MEDIA_TAGS or (tag == "a" and (node.get("href") or "").strip("# ")):
            return True
    return False


def left_to_script(element: HtmlElement) -> bool:
    """An empty element a script fills in: it or a child has an ``id`` or a template
    attribute, or holds a ``<script>``."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("id") or is_template_element(node) or tag_of(node) == "script":
            return True
    return False
