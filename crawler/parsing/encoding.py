"""Turn a response body into text, trusting only the declarations the bytes bear out.

Chinese government servers often send GBK/GB2312/GB18030 pages with no charset, with the server
default ``ISO-8859-1``, or even with ``utf-8``; templates copied between CMS versions keep a
``<meta charset=gb2312>`` on pages that are now UTF-8. A declaration is therefore a hint that
must survive a strict decode, never a fact.

Order of evidence:

1. a byte-order mark;
2. the ``Content-Type`` header charset, then the ``<meta charset>`` / ``http-equiv`` declaration
   in the first 4 KB — each used only when the body strictly decodes with it. GB2312 and GBK are
   read as GB18030, their superset. Latin-1-class claims (``iso-8859-1``, ``latin-1``,
   ``us-ascii``, ``windows-1252``) are ignored on a body that is not pure ASCII: they are server
   defaults, and a 政府网站 page is never Western European text;
3. strict UTF-8;
4. all but a few bytes (below): UTF-8, declared or not, then the declared encodings in order;
5. charset-normalizer's detection, with a prior for mainland pages: GB18030 unless the detector
   rules it out and names another multi-byte encoding (a long Big5 page). Left to itself it
   reads a short GBK page as Korean ``cp949`` and a cut-off one as Urdu ``cp1006``;
6. GB18030 with undecodable bytes replaced.

"Strict" forgives one thing: a multi-byte character cut off at the very end, as happens when a
body is read up to a size limit; the stub becomes U+FFFD.

One refinement over that order: when the body is non-ASCII and valid UTF-8 (strictly, or but for
a few bytes as in step 4), UTF-8 wins over any other declared encoding. Valid multi-byte UTF-8
almost never happens by accident, while UTF-8 bytes of Chinese text often happen to be valid
GB18030 too (the familiar 鏀垮姟鍏紑 mojibake), so a stale ``gb2312`` header or meta on a UTF-8
page would otherwise win.

A few stray bytes do not make a declaration false (step 4). A CMS that cuts a title to N bytes
leaves half a character in the middle of a UTF-8 page; read as GB18030 (the detector's pick:
GB18030 takes almost any byte pair) the whole page becomes mojibake — its wording errors unseen,
its links to Chinese file names asked under garbled URLs. An encoding that fails on at most one
in :data:`FEW_INVALID` of the non-ASCII bytes therefore wins over any guess; each run of bad
bytes becomes one U+FFFD, and :attr:`DecodedBody.invalid_bytes` counts them (a crawl note). A
page in another encoding is nowhere near that line: GBK text read as UTF-8 fails on most of its
bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
from charset_normalizer.utils import is_multi_byte_encoding
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

UTF8 = "utf-8"
FALLBACK = "gb18030"
# w3lib resolves iso-8859-1, latin-1, us-ascii and windows-1252 alike to cp1252 (as WHATWG does).
_SERVER_DEFAULT = "cp1252"
# GB2312 and GBK pages are read as GB18030, their superset (WHATWG decodes the labels with its
# GB18030 decoder too): a GBK page carries characters GB2312 lacks, and w3lib releases differ in
# what they resolve these names to (2.5 to gb18030, 2.6 to gbk).
_UTF16 = ("utf-16", "utf_16")  # w3lib 2.6 resolves a bare "utf-16" to utf-16-le, which reads
# any even-length body without error: only a byte-order mark makes a body UTF-16.
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "ms936", "euc_cn", "hz", "gb_2312_80"})
# "A few" bad bytes: at most one in this many of the body's non-ASCII bytes (a page of 20
# Chinese characters may carry one cut character; GBK read as UTF-8 fails on most of them).
FEW_INVALID = 10
_ASCII = bytes(range(128))
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes the decoder could not place (surrogateescape)


@dataclass(frozen=True)
class DecodedBody:
    """A body as text: the Python codec that read it and how many bytes it could not read
    (replaced, each run by one U+FFFD; 0 for a clean body)."""

    text: str
    encoding: str
    invalid_bytes: int = 0


def decode_body(body: bytes, header_content_type: str | None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body; never raises, whatever the bytes.

    ``header_content_type`` is the raw ``Content-Type`` header value, or ``None`` when absent.
    The encoding is a Python codec name (``utf-8``, ``gb18030``, ``utf-16-le``…).
    """
    decoded = decode_page(body, header_content_type)
    return decoded.text, decoded.encoding


def decode_page(body: bytes, header_content_type: str | None) -> DecodedBody:
    """:func:`decode_body`, with the count of bytes that had to be replaced."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return DecodedBody(to_unicode(body[len(bom) :], bom_encoding), bom_encoding)

    is_ascii = body.isascii()
    utf8_text = _strict_decode(body, UTF8)
    declared = [
        FALLBACK if encoding in _GB_FAMILY else encoding
        for encoding in (
            http_content_type_encoding(header_content_type),
            html_body_declared_encoding(body),
        )
        if encoding is not None
        and not (encoding == _SERVER_DEFAULT and not is_ascii)
        and not encoding.startswith(_UTF16)  # no BOM (read above): the claim is not believed
    ]
    utf8 = None  # the body as UTF-8, strictly or nearly, when a declaration says otherwise
    if not is_ascii and any(encoding != UTF8 for encoding in declared):
        utf8 = _nearly_decoded(body, [UTF8]) if utf8_text is None else DecodedBody(utf8_text, UTF8)
    for encoding in declared:
        if utf8 is not None and encoding != UTF8:
            return utf8
        text = _strict_decode(body, encoding)
        if text is not None:
            return DecodedBody(text, encoding)

    if utf8_text is not None:
        return DecodedBody(utf8_text, UTF8)
    if (nearly := _nearly_decoded(body, [UTF8, *declared])) is not None:
        return nearly
    guessed = _guessed_encoding(body)
    text = _strict_decode(body, guessed)
    if text is not None:
        return DecodedBody(text, guessed)
    return _lenient_decode(body, FALLBACK)


def _nearly_decoded(body: bytes, candidates: list[str]) -> DecodedBody | None:
    """The first of `candidates` that reads all but a few of the body's bytes."""
    non_ascii = len(body.translate(None, _ASCII))
    for encoding in dict.fromkeys(candidates):
        try:
            replaced = body.decode(encoding, errors="replace")
        except (UnicodeError, LookupError):
            continue  # a name Python has no codec for; UTF-16 without its BOM
        # A quick lower bound first (each run of bad bytes is one U+FFFD, a character cut off
        # at the end one more): counting bytes one by one is slow on a page far from the line.
        written = "\ufffd".encode(encoding, errors="ignore")  # b"" where it has no U+FFFD
        runs = replaced.count("\ufffd") - (body.count(written) if written else 0) - 1
        if runs * FEW_INVALID > non_ascii:
            continue
        try:
            decoded = _lenient_decode(body, encoding)
        except UnicodeError:
            continue  # UTF-16 and UTF-32 cannot carry a bad byte through (surrogateescape)
        if decoded.invalid_bytes * FEW_INVALID <= non_ascii:
            return decoded
    return None


def _lenient_decode(body: bytes, encoding: str) -> DecodedBody:
    """The body decoded with each run of bad bytes replaced by U+FFFD and counted; a character
    cut off at the very end is replaced but not counted (as in :func:`_strict_decode`)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    text = decoder.decode(body, final=False)
    cut_off, _ = decoder.getstate()
    invalid = sum(len(run) for run in _ESCAPED.findall(text))
    text = _ESCAPED.sub("\ufffd", text) + ("\ufffd" if cut_off else "")
    return DecodedBody(text, encoding, invalid)


def _strict_decode(body: bytes, encoding: str) -> str | None:
    """The body decoded with no error, but for an incomplete character at its very end."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        text = decoder.decode(body, final=False)
    except (UnicodeError, LookupError):  # UTF-16 without a BOM raises a bare UnicodeError
        return None
    cut_off, _ = decoder.getstate()
    return text + "\ufffd" if cut_off else text


def _guessed_encoding(body: bytes) -> str:
    """GB18030, unless charset-normalizer finds it implausible and names a multi-byte encoding.

    Every Big5 byte pair is also valid GB18030, so only the detector can tell a long Big5 page
    apart; a single-byte guess (``cp1006`` for a cut-off GBK page) is never taken.
    """
    matches = list(charset_normalizer.from_bytes(body))
    for match in matches:
        candidates = {match.encoding, *match.could_be_from_charset}
        if any(resolve_encoding(name) == FALLBACK for name in candidates):
            return FALLBACK
    if matches and is_multi_byte_encoding(matches[0].encoding):
        return resolve_encoding(matches[0].encoding) or FALLBACK
    return FALLBACK
