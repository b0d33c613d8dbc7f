"""办事指南 (service guide) structure: which of the 8 element classes a page labels, and whether
each label is followed by content (labels and values: :mod:`crawler.parsing.guide_labels`;
tables: :mod:`crawler.parsing.guide_tables`).

A guide shows its elements as labels with content after them, in one of three layouts:

- ``table``: a label cell and its value cell — the cell to its right, or, for a row of labels
  over one row of values, the cell below (``rowspan``/``colspan`` laid out on a grid first).
  An empty value cell after "办理地点" is what an inspector calls a missing 办理地点: the table's
  structure, not the page's flat text, tells an empty element from a present one. A row of
  labels over several rows of values is a list of matters (a guide index), not a guide: its
  labels are not read.
- ``list``: a ``<dt>`` and its ``<dd>``.
- ``text``: a heading line that is a label ("一、申请条件", "【办理材料】") and the lines after it,
  up to the next label, the next heading numbered after it ("五、" → "六、"), the end of the
  article (上一篇, 相关链接…) or a line of the site's footer (主办单位, ICP备…); or
  "办理地点：…" inline, several to a line if need be.

Tab panels hidden by ``display:none`` are read (a visitor opens them); templates, scripts,
controls, ``<nav>`` and the site's short header and footer blocks are not; a line that is all
link text (a tab bar, a menu) is no heading. Reading a page is DOM work, so the spider asks
:func:`might_be_guide` of the raw HTML first (one pass of one pattern) and reads only pages
that name enough classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from checks.guide_elements import MAX_LABELS, GuideStructure
from crawler.parsing.dom import (
    NON_TEXT_TAGS,
    is_chrome_element,
    is_template_element,
    tag_of,
    text_of,
)
from crawler.parsing.guide_labels import (
    EMPTY,
    PRESENT,
    UNRENDERED,
    Label,
    LabelReader,
    elements_state,
    final_state,
    label_reader,
    numbered,
    value_state,
)
from crawler.parsing.guide_tables import read_tables

MAX_HEADING_LINE = 30  # a longer line is never a heading
CHROME_MAX_CHARS = 300  # a "footer" block longer than this holds the page (as content.py)

# Labels inline in a line: "办理地点：…", several to a line; "【办理材料】…".
_INLINE = re.compile(r"(?:^|(?<=[\s;；,，。]))([^\s:：;；,，。]{1,24})[:：]")
_BRACKETED = re.compile(r"(?:^|(?<=\s))【([^】]{1,20})】")
# Lines that end the article: what follows is the site's, not the guide's.
_END_OF_ARTICLE = re.compile(
    r"^[【\[]?\s*(?:上一篇|下一篇|上一条|下一条|相关链接|相关文章|相关阅读|相关信息|打印本页|关闭窗口)"
)
# A line of the site's footer, whatever block holds it: its 地址 and 电话 are the site's.
_FOOTER_LINE = re.compile(r"主办单位|承办单位|主办：|版权所有|ICP备|网站标识码|公网安备|技术支持")
_TOOLS_ONLY = re.compile(
    r"^(?:[【\[(（]?\s*(?:打印|关闭|收藏|分享|字号|[大中小]|返回顶部|返回)\s*[】\])）]?[\s|｜:：]*)+$"
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot", "tr",
     "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
     "footer", "aside", "main", "blockquote", "pre", "center", "hr", "br", "figure",
     "figcaption", "address", "fieldset", "legend"}
)  # fmt: skip
_MEDIA_TAGS = frozenset({"img", "iframe", "object", "embed", "svg", "canvas", "video"})
# Not forms: ASP.NET pages hold the whole page in one <form>.
_SKIPPED_TAGS = frozenset({"button", "input", "nav", "head", "title"})


def might_be_guide(html: str, reader: LabelReader | None = None) -> bool:
    """Whether the raw page names enough classes (and core classes) to be worth reading: one
    pass of one pattern, so that the whole crawl does not pay for the guides'."""
    reader = reader or label_reader()
    table = reader.table
    named = {reader.class_of[word] for word in set(reader.class_words.findall(html))}
    return len(named) >= table.min_classes and len(named & table.core) >= table.min_core


def read_guide(doc: HtmlElement, reader: LabelReader | None = None) -> GuideStructure | None:
    """The guide structure of a parsed page, or None when it labels too few classes to be
    structured like a guide (the table's `min_classes`, `min_core`)."""
    reader = reader or label_reader()
    found = _Found(reader)
    body = doc.find("body")
    root = body if body is not None else doc
    tables = read_tables(root, reader)
    for label, state in tables.found:
        found.add(label, state, "table")
    found.label_elements |= tables.taken
    found.value_elements |= tables.values
    _read_lists(root, found)
    _read_text(root, found)
    structure = found.structure()
    return structure if structure.is_guide_structure(reader.table) else None


@dataclass
class _Found:
    """The labels read so far, the state of each class, and the elements the table and list
    readers took (the text reader leaves them alone)."""

    reader: LabelReader
    states: dict[str, list[str]] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    layouts: set[str] = field(default_factory=set)
    label_elements: set[HtmlElement] = field(default_factory=set)
    value_elements: set[HtmlElement] = field(default_factory=set)

    def add(self, label: Label, state: str, layout: str) -> None:
        if label.text not in self.labels:
            self.labels.append(label.text)
        for name in label.classes:
            self.states.setdefault(name, []).append(state)
            self.layouts.add(layout)

    def structure(self) -> GuideStructure:
        finals = {name: final_state(states) for name, states in self.states.items()}
        table = self.reader.table

        def having(state: str) -> tuple[str, ...]:
            return table.in_order({name for name, final in finals.items() if final == state})

        return GuideStructure(
            present=having(PRESENT),
            empty=having(EMPTY),
            unrendered=having(UNRENDERED),
            labels=tuple(self.labels[:MAX_LABELS]),
            layouts=tuple(sorted(self.layouts)),
        )


# -- definition lists --------------------------------------------------------------------------


def _read_lists(root: HtmlElement, found: _Found) -> None:
    """``<dt>`` labels and their ``<dd>`` values."""
    table = found.reader.table
    for dl in root.iter("dl"):
        current: tuple[HtmlElement, Label] | None = None
        values: list[HtmlElement] = []
        for child in [*dl, None]:
            tag = tag_of(child) if child is not None else "dt"
            if tag == "dd" and current is not None and child is not None:
                values.append(child)
                continue
            if tag != "dt":
                continue
            if current is not None:
                element, label = current
                found.label_elements.add(element)
                found.value_elements.update(values)
                if label.classes:
                    found.add(label, elements_state(label, values, table), "list")
            current, values = None, []
            read = found.reader.read(text_of(child)) if child is not None else None
            current = (child, read) if child is not None and read is not None else None


# -- text: headings, lines, inline labels ------------------------------------------------------


@dataclass
class _Line:
    text: str
    media: bool = False
    linked: bool = False  # all its text is link text (a tab bar, a menu)


_BREAK = "break"  # a region ends: a label or value element taken by the table or list reader
_SCRIPTED = "scripted"  # an empty element a script fills in


class _Lines:
    """The page as lines, the way a reader sees it: a block element or a ``<br>`` ends a line.
    The label and value elements of the table and list readers are regions of their own."""

    def __init__(self, found: _Found) -> None:
        self.labels = found.label_elements
        self.values = found.value_elements
        self.events: list[_Line | str] = []
        self._parts: list[str] = []
        self._linked = 0
        self._chars = 0
        self._media = False

    def read(self, root: HtmlElement) -> list[_Line | str]:
        self._walk(root, False)
        self._flush()
        self.events.append(_BREAK)
        return self.events

    def _add(self, text: str, linked: bool) -> None:
        self._parts.append(text)
        size = len(text.strip())
        self._chars += size
        self._linked += size if linked else 0

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text or self._media:
            self.events.append(_Line(text, self._media, 0 < self._chars <= self._linked))
        self._parts, self._linked, self._chars, self._media = [], 0, 0, False

    def _walk(self, element: HtmlElement, linked: bool) -> None:
        tag = tag_of(element)
        if not tag or tag in NON_TEXT_TAGS or tag in _SKIPPED_TAGS:
            return
        if is_template_element(element) or _is_chrome(element):
            return
        if element in self.labels:
            self._flush()
            self.events.append(_BREAK)
            return
        region = element in self.values
        block = region or tag in _BLOCK_TAGS
        if block:
            self._flush()
        if region:
            self.events.append(_BREAK)
        if tag in _MEDIA_TAGS:
            self._media = True
        if element.get("id") and len(element) == 0 and not (element.text or "").strip():
            self.events.append(_SCRIPTED)
        linked = linked or (tag == "a" and bool((element.get("href") or "").strip("# ")))
        if element.text:
            self._add(element.text, linked)
        for child in element:
            self._walk(child, linked)
            if child.tail:
                self._add(child.tail, linked)
        if block:
            self._flush()
        if region:
            self.events.append(_BREAK)


def _is_chrome(element: HtmlElement) -> bool:
    return is_chrome_element(element) and len(text_of(element)) <= CHROME_MAX_CHARS


@dataclass
class _Section:
    """A label of the text and what followed it so far."""

    label: Label
    texts: list[str] = field(default_factory=list)
    media: bool = False
    scripted: bool = False


class _TextReader:
    """Walks the lines: a heading or an inline label opens a section, the next one closes it."""

    def __init__(self, found: _Found) -> None:
        self.found = found
        self.open: _Section | None = None
        self.heading: Label | None = None  # the last numbered heading: the next number ends it

    def close(self) -> None:
        section, self.open = self.open, None
        if section is None or not section.label.classes:
            return
        state = value_state(section.label, " ".join(section.texts), section.media,
                            section.scripted, self.found.reader.table)  # fmt: skip
        self.found.add(section.label, state, "text")

    def line(self, line: _Line) -> None:
        reader = self.found.reader
        if _END_OF_ARTICLE.match(line.text) or _FOOTER_LINE.search(line.text):
            self.close()
            self.heading = None
            return
        if _TOOLS_ONLY.match(line.text):
            return
        short = not line.linked and len(line.text) <= MAX_HEADING_LINE
        heading = reader.read(line.text) if short and line.text else None
        if heading is not None:
            self.close()
            self.open = _Section(heading)
            self.heading = heading if heading.number is not None else None
            return
        if short and self._next_heading(line.text):
            self.close()  # "六、…" after "五、办理地点": a section outside the eight
            self.heading = None
        for label, value in _inline(line.text, reader):
            if label is not None:
                self.close()
                self.open = _Section(label)
            if self.open is not None:
                self.open.texts.append(value)
        if line.media and self.open is not None:
            self.open.media = True

    def _next_heading(self, text: str) -> bool:
        if self.heading is None or self.heading.number is None:
            return False
        _, style, number = numbered(text)
        return style == self.heading.style and number == self.heading.number + 1


def _read_text(root: HtmlElement, found: _Found) -> None:
    reader = _TextReader(found)
    for event in _Lines(found).read(root):
        if event == _BREAK:
            reader.close()
            reader.heading = None
        elif event == _SCRIPTED:
            if reader.open is not None:
                reader.open.scripted = True
        elif isinstance(event, _Line):
            reader.line(event)


def _inline(text: str, reader: LabelReader) -> list[tuple[Label | None, str]]:
    """The line cut at its inline labels: (None, the text before the first), then (label, its
    value) for each."""
    cuts: list[tuple[int, int, Label]] = []
    for pattern in (_INLINE, _BRACKETED):
        for match in pattern.finditer(text):
            label = reader.read(match.group(1))
            if label is not None:
                cuts.append((match.start(1), match.end(), label))
    cuts.sort(key=lambda cut: cut[0])
    pieces: list[tuple[Label | None, str]] = []
    position, head = 0, None
    for start, end, label in cuts:
        if start < position:
            continue
        pieces.append((head, text[position:start].strip()))
        head, position = label, end
    pieces.append((head, text[position:].strip()))
    return pieces
