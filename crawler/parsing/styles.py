"""What a page's own CSS says about one element: is it drawn where a reader can see it?

No browser runs here, so only what the page itself carries is read: the ``style`` attribute,
the presentational attributes (``hidden``, ``bgcolor``, ``<font color>``, a ``<marquee>``'s
``width``/``height``) and the page's ``<style>`` blocks. Stylesheets loaded by ``<link>`` are
not fetched, so a class hidden by the site's own ``.css`` file is not known to be hidden (a
dropdown menu usually is): that errs towards "visible", which is the side a check for injected
links can afford.

Of the ``<style>`` blocks only rules with a simple selector are kept — a tag, ``.class``,
``#id`` or a compound of them (``div.abc``, ``.a.b``), comma lists of such — because that is
how injected markup hides itself (``<div class="x7k2">`` beside ``.x7k2{display:none}``);
rules with combinators or pseudo-classes (``.nav li:hover ul``) and rules inside at-rules
(``@media (max-width:768px)``, ``@media print``: conditional) are skipped.

Techniques (:data:`TECHNIQUES`), as the machine word a finding carries:

* ``display_none``, ``visibility_hidden``, ``hidden_attr`` (the ``hidden`` attribute),
  ``transparent`` (``opacity:0``), ``clipped`` (``clip: rect(0 0 0 0)``, ``clip-path``);
* ``offscreen``: ``left``/``top``/``right``/``bottom`` at −300px or further on a positioned
  box, or a margin that far out (``position:absolute; left:-9999px``, ``top:-1000px``);
* ``zero_size``: a box of at most 1px width or height that hides its overflow, a
  ``<marquee>`` 0 high or wide;
* ``same_colour``: the text colour equals the background colour, both declared by the page;
* ``font_size_zero`` and ``text_indent`` (a text-indent of −300px or further): text moved
  or shrunk away — also how a logo link shows its image instead of its words, so weak.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

__all__ = [
    "StyleSheet",
    "TECHNIQUES",
    "declarations",
    "hiding",
    "style_sheet",
]

TECHNIQUES = (
    "display_none",
    "visibility_hidden",
    "hidden_attr",
    "transparent",
    "clipped",
    "offscreen",
    "zero_size",
    "same_colour",
    "font_size_zero",
    "text_indent",
)
OFFSCREEN_PX = -300.0  # a box or its text moved this far out is off any screen
_EM_PX = 16.0
_POSITIONED = {"absolute", "fixed", "relative"}
_OFFSETS = ("left", "top", "right", "bottom")
_MARGINS = ("margin-left", "margin-top")
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|em|rem|pt|%|vw|vh)?$")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_BRACE = re.compile(r"[{}]")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*|\*)?((?:[.#][\w\-]+)*)$", re.IGNORECASE)
_SELECTOR_PART = re.compile(r"([.#])([\w\-]+)")
_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"rgba?\((\d+),(\d+),(\d+)(?:,([\d.]+))?\)")
_NAMED_COLOURS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
    "silver": "#c0c0c0", "navy": "#000080", "maroon": "#800000", "orange": "#ffa500",
}  # fmt: skip


def declarations(style: str) -> dict[str, str]:
    """``prop: value`` pairs of a declaration list, lower-cased, ``!important`` dropped; a
    later declaration of a property wins, as in CSS."""
    found: dict[str, str] = {}
    for part in _COMMENT.sub("", style).split(";"):
        name, colon, value = part.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        value = value.replace("!important", "").strip().lower()
        if name and value:
            found[name] = value
    return found


@dataclass(frozen=True, slots=True)
class _Rule:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    declarations: dict[str, str]


@dataclass(slots=True)
class StyleSheet:
    """The simple-selector rules of a page's ``<style>`` blocks, in source order, indexed by
    the class, id or tag they need."""

    by_key: dict[str, list[tuple[int, _Rule]]] = field(default_factory=dict)
    count: int = 0

    def add(self, selector: str, decls: dict[str, str]) -> None:
        match = _SIMPLE_SELECTOR.match(selector.strip())
        if match is None or not selector.strip():
            return
        tag = (match.group(1) or "").lower()
        parts = _SELECTOR_PART.findall(match.group(2) or "")
        ids = tuple(name for kind, name in parts if kind == "#")
        classes = tuple(name for kind, name in parts if kind == ".")
        rule = _Rule(tag if tag not in ("", "*") else None, ids, classes, decls)
        key = f"#{ids[0]}" if ids else f".{classes[0]}" if classes else rule.tag or "*"
        self.by_key.setdefault(key, []).append((self.count, rule))
        self.count += 1

    def matching(self, element: etree._Element) -> dict[str, str]:
        """The declarations of every rule that matches ``element``, later rules winning."""
        if not self.by_key:
            return {}
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        element_id = element.get("id") or ""
        classes = set((element.get("class") or "").split())
        keys = ["*", tag, *(f".{name}" for name in classes)]
        if element_id:
            keys.append(f"#{element_id}")
        candidates = sorted(
            (entry for key in keys for entry in self.by_key.get(key, ())), key=lambda e: e[0]
        )
        found: dict[str, str] = {}
        for _, rule in candidates:
            if rule.tag is not None and rule.tag != tag:
                continue
            if any(i != element_id for i in rule.ids) or not set(rule.classes) <= classes:
                continue
            found.update(rule.declarations)
        return found


def style_sheet(css_blocks: Iterable[str]) -> StyleSheet:
    """The simple rules of ``css_blocks`` (the text of each ``<style>``), at-rules skipped."""
    sheet = StyleSheet()
    for css in css_blocks:
        for selectors, body in _top_level_rules(_COMMENT.sub("", css)):
            decls = declarations(body)
            if decls:
                for selector in selectors.split(","):
                    sheet.add(selector, decls)
    return sheet


def _top_level_rules(css: str) -> Iterable[tuple[str, str]]:
    """(selector text, declaration block) at brace depth 0; an at-rule's block is skipped
    whole, nested rules and all."""
    depth, start, body, nested, selector = 0, 0, 0, False, ""
    for brace in _BRACE.finditer(css):
        if brace.group() == "{":
            if depth == 0:
                selector, body, nested = css[start : brace.start()].strip(), brace.end(), False
            else:
                nested = True
            depth += 1
        elif depth == 0:
            start = brace.end()  # a stray "}"
        else:
            depth -= 1
            if depth == 0:
                if not nested and not selector.startswith("@"):
                    yield selector.rsplit(";", 1)[-1].strip(), css[body : brace.start()]
                start = brace.end()


def _px(value: str) -> float | None:
    match = _LENGTH.match(value.strip())
    if match is None:
        return None
    number, unit = float(match.group(1)), (match.group(2) or "px")
    if unit in ("em", "rem"):
        return number * _EM_PX
    if unit == "pt":
        return number * 4 / 3
    if unit in ("%", "vw", "vh"):
        return number * 10 if number <= -50 else 0.0  # −50 % of any screen is far enough
    return number


def _colour(value: str | None) -> str | None:
    """A colour as ``#rrggbb``; ``?`` for what cannot be compared (an image, a gradient,
    ``transparent``, half-transparent rgba, a name not in the small table); None for none."""
    if not value:
        return None
    compact = value.replace(" ", "")
    rgb = _RGB.search(compact)
    if rgb and (rgb.group(4) is None or float(rgb.group(4)) >= 1):
        return "#" + "".join(f"{min(int(rgb.group(i)), 255):02x}" for i in (1, 2, 3))
    if "(" not in compact:
        for word in value.split():
            if word in _NAMED_COLOURS:
                return _NAMED_COLOURS[word]
            hex_match = _HEX.match(word)
            if hex_match:
                digits = hex_match.group(1)
                return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
    return "?"


def _box_hiding(tag: str, attrs: dict[str, str], decls: dict[str, str]) -> str | None:
    """The technique that hides this one box, by itself (colours aside)."""
    if "hidden" in attrs:
        return "hidden_attr"
    if decls.get("display") == "none":
        return "display_none"
    if decls.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    if decls.get("opacity") in ("0", "0.0", ".0", "0%"):
        return "transparent"
    if decls.get("position") in _POSITIONED and any(
        (px := _px(decls.get(side, ""))) is not None and px <= OFFSCREEN_PX for side in _OFFSETS
    ):
        return "offscreen"
    if any(
        (px := _px(decls.get(side, ""))) is not None and px <= OFFSCREEN_PX for side in _MARGINS
    ):
        return "offscreen"
    if _zero_box(tag, attrs, decls):
        return "zero_size"
    clip = decls.get("clip", "") + decls.get("clip-path", "")
    if decls.get("position") in ("absolute", "fixed") and re.search(
        r"rect\(\s*0(?:px)?[\s,]+0|inset\(\s*50%|circle\(\s*0", clip
    ):
        return "clipped"
    if (size := _px(decls.get("font-size", ""))) is not None and size <= 0:
        return "font_size_zero"
    if (indent := _px(decls.get("text-indent", ""))) is not None and indent <= OFFSCREEN_PX:
        return "text_indent"
    return None


def _zero_box(tag: str, attrs: dict[str, str], decls: dict[str, str]) -> bool:
    sizes = [_px(decls.get("width", "")), _px(decls.get("height", ""))]
    if tag == "marquee":
        sizes += [_px(attrs.get("width", "")), _px(attrs.get("height", ""))]
        return any(size is not None and size <= 1 for size in sizes)
    overflow = decls.get("overflow", "") + decls.get("overflow-x", "") + decls.get("overflow-y", "")
    return "hidden" in overflow and any(size is not None and size <= 1 for size in sizes)


# When several techniques hide one link, the one a menu or a logo never uses is named.
_RANK = {name: rank for rank, name in enumerate(
    ("same_colour", "offscreen", "zero_size", "transparent", "clipped", "hidden_attr",
     "visibility_hidden", "display_none", "font_size_zero", "text_indent")
)}  # fmt: skip


_BoxFacts = tuple[str | None, str | None, str | None]  # technique, colour, background


def _box_facts(element: etree._Element, sheet: StyleSheet) -> _BoxFacts:
    """What one box says by itself: the technique hiding it, its text colour (None when it
    names none or one not understood) and its background (``"?"`` when not understood)."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    attrs = {str(k).lower(): str(v) for k, v in element.attrib.items()}
    decls = sheet.matching(element)
    decls.update(declarations(attrs.get("style", "")))
    colour = _colour(decls.get("color") or (attrs.get("color") if tag == "font" else None))
    background = _colour(
        decls.get("background-color")
        or decls.get("background")
        or attrs.get("bgcolor")
        or ("image" if attrs.get("background") else None)
    )
    return _box_hiding(tag, attrs, decls), None if colour == "?" else colour, background


def hiding(
    chain: Sequence[etree._Element],
    sheet: StyleSheet,
    known: dict[etree._Element, _BoxFacts] | None = None,
) -> str | None:
    """How the first element of ``chain`` (the element, then its ancestors, innermost
    first) is kept from a reader, or None when nothing the page says hides it. ``known``
    keeps each box's facts between calls on one page: links share their ancestors."""
    found: list[str] = []
    colour: str | None = None
    background: str | None = None
    for element in chain:
        if known is None:
            facts = _box_facts(element, sheet)
        elif (facts := known.get(element)) is None:  # type: ignore[assignment]
            facts = known[element] = _box_facts(element, sheet)
        technique, box_colour, box_background = facts
        if technique is not None:
            found.append(technique)
        if colour is None:
            colour = box_colour
        if background is None:
            background = box_background
    if colour not in (None, "?") and colour == background:
        found.append("same_colour")
    return min(found, key=_RANK.__getitem__) if found else None
