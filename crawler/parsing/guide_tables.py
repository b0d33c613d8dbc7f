"""办事指南 tables: label cells and their value cells.

A table is laid out on a grid first, as a browser lays it out (``rowspan``, ``colspan``). A
label cell's value is the cell to its right — "事项名称 | …", also four to a row: "事项名称 | … |
事项类型 | …" — or, in a row of labels, the cell below it ("办理地点 | 办理时间 | 联系电话" over
one row of values), as it is for a heading row over its content ("办理流程" spanning the table,
the 流程图 under it). A label with neither has no value: the element is empty. A row of labels
over several rows of values is a list of matters (a guide index), not a guide: none of its
labels is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lxml.html import HtmlElement

from crawler.parsing.dom import tag_of, text_of
from crawler.parsing.guide_labels import Label, LabelReader, elements_state

MAX_LABEL_CELL = 40  # a longer cell is never a label cell
MAX_SPAN = 50  # rowspan/colspan beyond this is a template's mistake
# A row of labels over this many rows of values is a list of matters, not one guide.
LISTING_ROWS = 2


@dataclass
class TableLabels:
    """What the tables of a page label: (label, state) for each label naming a class; the
    label and value cells read, and the tables of matters passed over, for the other readers
    to leave alone."""

    found: list[tuple[Label, str]] = field(default_factory=list)
    taken: set[HtmlElement] = field(default_factory=set)
    values: set[HtmlElement] = field(default_factory=set)


def read_tables(root: HtmlElement, reader: LabelReader) -> TableLabels:
    """Label cells and their value cells, in every table under ``root`` (nested ones too)."""
    result = TableLabels()
    for element in root.iter("table"):
        _Table(element, reader).read(result)
    return result


class _Table:
    def __init__(self, table: HtmlElement, reader: LabelReader) -> None:
        self.table = table
        self.reader = reader
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        self.rows: list[dict[int, HtmlElement]] = [{} for _ in rows]
        self.at: dict[HtmlElement, tuple[int, int, int, int]] = {}  # (row, col, rowspan, colspan)
        for r, row in enumerate(rows):
            col = 0
            for cell in row:
                if tag_of(cell) not in ("td", "th"):
                    continue
                while col in self.rows[r]:
                    col += 1
                rowspan = min(_span(cell, "rowspan"), len(rows) - r)
                colspan = _span(cell, "colspan")
                for dr in range(rowspan):
                    for dc in range(colspan):
                        self.rows[r + dr][col + dc] = cell
                self.at[cell] = (r, col, rowspan, colspan)
                col += colspan
        self.texts = {cell: text_of(cell) for cell in self.at}
        self._label_rows: dict[int, bool] = {}

    @cached_property
    def labels(self) -> dict[HtmlElement, Label]:
        labels = {}
        for cell, text in self.texts.items():
            short = 0 < len(text) <= MAX_LABEL_CELL
            if short and (len(text) <= 6 or self.reader.any_word.search(text)):
                label = self.reader.read(text)
                if label is not None:
                    labels[cell] = label
        return labels

    def read(self, result: TableLabels) -> None:
        for cell, label in self.labels.items():
            value = self._value(cell)
            if value is _LISTING:
                result.taken.add(self.table)
                continue
            result.taken.add(cell)
            values = [value] if isinstance(value, HtmlElement) else []
            result.values.update(values)
            if label.classes:
                result.found.append((label, elements_state(label, values, self.reader.table)))

    def _value(self, cell: HtmlElement) -> HtmlElement | object | None:
        """The cell holding ``cell``'s value; None when there is none; ``_LISTING`` for the
        header of a list of matters."""
        r, col, rowspan, colspan = self.at[cell]
        header = self._is_label_row(r)
        right = self.rows[r].get(col + colspan)
        if not header and right is not None and right not in self.labels:
            return right
        if header:
            values = self._rows_of_values(r + rowspan)
            if values >= LISTING_ROWS:
                return _LISTING
            if values == 0:
                return None
        below = self._below(cell)
        return below if below is not None and below not in self.labels else None

    def _below(self, cell: HtmlElement) -> HtmlElement | None:
        r, col, rowspan, _ = self.at[cell]
        return self.rows[r + rowspan].get(col) if r + rowspan < len(self.rows) else None

    def _is_label_row(self, r: int) -> bool:
        """A row of labels (a table header): two labels or more, and either most of them
        followed by another label or by nothing, or some followed by a label and every one
        standing over a value. Not a row of label-value pairs ("事项名称 | … | 事项类型 | …"),
        whose labels stand over labels; a header may hold cells naming no element (序号, 操作)."""
        if r not in self._label_rows:
            row = self.rows[r]
            named = [cell for cell in dict.fromkeys(row.values()) if cell in self.labels]
            headed = over_values = 0
            for cell in named:
                _, col, _, colspan = self.at[cell]
                right = row.get(col + colspan)
                headed += right is None or right in self.labels
                below = self._below(cell)
                over_values += (
                    below is not None and below not in self.labels and bool(self.texts[below])
                )
            self._label_rows[r] = len(named) >= 2 and (
                2 * headed > len(named) or (headed > 0 and over_values == len(named))
            )
        return self._label_rows[r]

    def _rows_of_values(self, start: int) -> int:
        """The rows under a row of labels that hold values and no label (up to the first row
        with a label: the table goes on with label-value pairs)."""
        count = 0
        for row in self.rows[start:]:
            if any(cell in self.labels for cell in row.values()):
                break
            if any(self.texts[cell] for cell in row.values()):
                count += 1
                if count >= LISTING_ROWS:
                    break
        return count


_LISTING = object()


def _span(cell: HtmlElement, name: str) -> int:
    try:
        return max(1, min(int((cell.get(name) or "1").strip() or 1), MAX_SPAN))
    except ValueError:
        return 1
