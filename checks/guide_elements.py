"""The 8 element classes of a 办事指南 (service guide) and what the crawler records of a guide.

中国政府网《关于“办事指南”指标的说明》 (2015-06-10) requires every guide to carry 事项名称,
设定依据, 申请条件, 办理材料, 办理地点, 办理时间, 联系电话 and 办理流程. The classes, the labels
real guides give them and the structure threshold are data (``checks/data/guide_elements.yaml``,
documented in its header); the crawler's parser (``crawler/parsing/guide.py``) reads labels with
them and records a :class:`GuideStructure` in ``page.meta["guide"]``; the check
(``checks/service_guide.py``) reads the record back. One table for both, so the crawler and the
check never disagree on what the classes are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


class GuideElement(BaseModel):
    """One element class: its name (the note's word), English name, and labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    en: str
    core: bool = False
    none_is_an_answer: bool = False
    labels: tuple[str, ...] = Field(min_length=1)
    whole: tuple[str, ...] = ()


class GuideElements(BaseModel):
    """The table (see the header of checks/data/guide_elements.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_classes: int = Field(ge=1, le=8)
    min_core: int = Field(ge=0, le=8)
    elements: tuple[GuideElement, ...] = Field(min_length=8, max_length=8)
    other_labels: tuple[str, ...] = ()
    filler: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _distinct(self) -> GuideElements:
        names = [element.name for element in self.elements]
        if len(set(names)) != len(names):
            raise ValueError("element names must be distinct")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """The classes in the note's order."""
        return tuple(element.name for element in self.elements)

    @property
    def core(self) -> frozenset[str]:
        return frozenset(element.name for element in self.elements if element.core)

    def by_name(self, name: str) -> GuideElement:
        return next(element for element in self.elements if element.name == name)

    def in_order(self, names: set[str] | frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
        """``names`` in the note's order (unknown names dropped)."""
        return tuple(name for name in self.names if name in names)


@cache
def guide_elements() -> GuideElements:
    """The shipped table, read and validated once."""
    text = (files("checks") / "data" / "guide_elements.yaml").read_text(encoding="utf-8")
    return GuideElements.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class GuideStructure:
    """What a page labels as guide elements, each class in the note's order.

    ``present``: labelled and followed by content (text, an image, a link). ``empty``: labelled
    with nothing after the label (an empty table cell, a heading followed by the next heading).
    ``unrendered``: labelled, and the content is left to a script (an empty cell with an ``id``,
    a ``{{ }}`` placeholder): a browser may show it, so it is neither present nor missing.
    ``labels``: the labels as written (at most :data:`MAX_LABELS`); ``layouts``: where they
    stood — ``table`` (label cell → value cell), ``list`` (``<dt>`` → ``<dd>``), ``text``
    (headings and "标签：内容" lines).
    """

    present: tuple[str, ...]
    empty: tuple[str, ...] = ()
    unrendered: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()

    @property
    def labelled(self) -> frozenset[str]:
        return frozenset((*self.present, *self.empty, *self.unrendered))

    def is_guide_structure(self, table: GuideElements | None = None) -> bool:
        """Whether the page labels enough classes, and enough of those only a guide has, to be
        structured like a guide (the table's `min_classes` and `min_core`)."""
        table = table or guide_elements()
        labelled = self.labelled
        return len(labelled) >= table.min_classes and len(labelled & table.core) >= table.min_core

    def to_meta(self) -> dict[str, Any]:
        """The JSON kept in ``page.meta["guide"]``."""
        return {
            "present": list(self.present),
            "empty": list(self.empty),
            "unrendered": list(self.unrendered),
            "labels": list(self.labels),
            "layouts": list(self.layouts),
        }

    @classmethod
    def from_meta(cls, value: Any) -> GuideStructure | None:
        """The record read back; None for anything that is not one."""
        if not isinstance(value, dict):
            return None

        def strings(key: str) -> tuple[str, ...]:
            items = value.get(key)
            return tuple(str(item) for item in items) if isinstance(items, list) else ()

        return cls(
            present=strings("present"),
            empty=strings("empty"),
            unrendered=strings("unrendered"),
            labels=strings("labels"),
            layouts=strings("layouts"),
        )


MAX_LABELS = 40
