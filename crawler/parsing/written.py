r"""The markup an inline script writes with ``document.write``, when it can be read without
running the script.

Injected links often hide in a script rather than in the page's markup, where neither the
CMS's editor nor a reader of the source sees them::

    document.write('<div style="display:none"><a href="http://…">…</a></div>');
    document.write(unescape('%3Ca%20href%3D%22http%3A//…'));
    document.writeln("\x3ca href=\x22http://…\x22\x3e" + '…' + "</a>");

An argument is read when it is built only of string literals joined with ``+`` — with the
escapes of JavaScript strings (``\xHH``, ``\uHHHH``, ``\'``…) — and of ``unescape(…)``,
``decodeURI(…)``, ``decodeURIComponent(…)`` and ``String.fromCharCode(n, …)`` over such
arguments. Anything else (a variable, a function of the page's own: a TRS pager's
``"index_" + (n+1) + ".html"``) makes the whole call unreadable, and it is skipped: a guess at a
concatenated target would be a false link. The writes of one ``<script>`` are joined in order,
since injectors split an element over several calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = ["Written", "written_markup"]

_WRITE = re.compile(r"\bdocument\s*\.\s*write(?:ln)?\s*\(")
_DECODERS = ("unescape", "decodeURIComponent", "decodeURI", "window.unescape")
_FROM_CHAR_CODE = "String.fromCharCode"
_NUMBER = re.compile(r"\s*(0x[0-9a-fA-F]+|\d+)\s*")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_HEX2 = re.compile(r"[0-9a-fA-F]{2}")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_MAX_SCRIPT = 200_000  # characters of one script read: a library bundle is not an injection


@dataclass(frozen=True, slots=True)
class Written:
    """What a script writes: the markup, and whether reading it took decoding (``\\x``/``\\u``
    escapes, ``unescape``, ``fromCharCode``…) — a page's own code has no reason to hide its
    markup that way; an injector hides it from the webmaster's search."""

    markup: str
    obfuscated: bool


class _Unreadable(Exception):
    """The argument is not built of literals alone."""


def written_markup(script: str) -> Written:
    """Everything ``script`` writes with readable ``document.write`` calls, joined (``""``
    when it writes nothing readable)."""
    if "document" not in script or len(script) > _MAX_SCRIPT:
        return Written("", False)
    parts = []
    obfuscated = False
    for match in _WRITE.finditer(script):
        reader = _Reader(script)
        try:
            text, _ = reader.expression(match.end(), closing=")")
        except _Unreadable:
            continue
        parts.append(text)
        obfuscated = obfuscated or reader.decoded
    return Written("".join(parts), obfuscated)


class _Reader:
    """Reads one argument; ``decoded`` says whether escapes or decoders were needed."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.decoded = False

    def expression(self, position: int, *, closing: str) -> tuple[str, int]:
        """The string value of a ``+``-joined expression starting at ``position`` and ending
        at ``closing``; (value, position after the closing)."""
        source = self.source
        pieces: list[str] = []
        expect_operand = True
        while True:
            position = _skip_space(source, position)
            if position >= len(source):
                raise _Unreadable
            char = source[position]
            if not expect_operand:
                if char in closing:
                    return "".join(pieces), position + 1
                if char != "+":
                    raise _Unreadable
                expect_operand = True
                position += 1
                continue
            if char in "'\"":
                value, position = self.string_literal(position)
            else:
                value, position = self.call(position)
            pieces.append(value)
            expect_operand = False

    def string_literal(self, position: int) -> tuple[str, int]:
        source = self.source
        quote = source[position]
        out: list[str] = []
        cursor = position + 1
        while cursor < len(source):
            char = source[cursor]
            if char == quote:
                return "".join(out), cursor + 1
            if char in "\r\n":
                raise _Unreadable
            if char != "\\":
                out.append(char)
                cursor += 1
                continue
            escape = source[cursor + 1 : cursor + 2]
            if escape == "x" and _HEX2.fullmatch(source[cursor + 2 : cursor + 4]):
                out.append(chr(int(source[cursor + 2 : cursor + 4], 16)))
                cursor += 4
                self.decoded = True
            elif escape == "u" and _HEX4.fullmatch(source[cursor + 2 : cursor + 6]):
                out.append(chr(int(source[cursor + 2 : cursor + 6], 16)))
                cursor += 6
                self.decoded = True
            else:
                out.append(_SIMPLE_ESCAPES.get(escape, escape))
                cursor += 2
        raise _Unreadable

    def call(self, position: int) -> tuple[str, int]:
        """``unescape("…")`` and its kin, or ``String.fromCharCode(60, 97…)``."""
        source = self.source
        for name in (*_DECODERS, _FROM_CHAR_CODE):
            if not source.startswith(name, position):
                continue
            after = _skip_space(source, position + len(name))
            if source[after : after + 1] != "(":
                break
            self.decoded = True
            if name == _FROM_CHAR_CODE:
                return _char_codes(source, after + 1)
            value, end = self.expression(after + 1, closing=")")
            if name.endswith("unescape"):
                value = _PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), value)
                return unquote(value, encoding="latin-1"), end
            return unquote(value), end
        raise _Unreadable


def _skip_space(source: str, position: int) -> int:
    while position < len(source) and source[position] in " \t\r\n":
        position += 1
    return position


def _char_codes(source: str, position: int) -> tuple[str, int]:
    closing = source.find(")", position)
    if closing < 0:
        raise _Unreadable
    chars = []
    for number in source[position:closing].split(","):
        match = _NUMBER.fullmatch(number)
        if match is None:
            raise _Unreadable
        code = int(match.group(1), 0)
        if code > 0x10FFFF:
            raise _Unreadable
        chars.append(chr(code))
    return "".join(chars), closing + 1
