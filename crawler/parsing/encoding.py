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
4. charset-normalizer's detection, with a prior for mainland pages: GB18030 unless the detector
   rules it out and names another multi-byte encoding (a long Big5 page). Left to itself it
   reads a short GBK page as Korean ``cp949`` and a cut-off one as Urdu ``cp1006``;
5. GB18030 with undecodable bytes replaced.

"Strict" forgives one thing: a multi-byte character cut off at the very end, as happens when a
body is read up to a size limit; the stub becomes U+FFFD.

One refinement over that order: when the body is non-ASCII and strictly valid UTF-8, UTF-8 wins
over any other declared encoding. Valid multi-byte UTF-8 almost never happens by accident, while
UTF-8 bytes of Chinese text often happen to be valid GB18030 too (the familiar 鏀垮姟鍏紑 mojibake),
so a stale ``gb2312`` header or meta on a UTF-8 page would otherwise win.
"""

from __future__ import annotations

import codecs

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


def decode_body(body: bytes, header_content_type: str | None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body; never raises, whatever the bytes.

    ``header_content_type`` is the raw ``Content-Type`` header value, or ``None`` when absent.
    The encoding is a Python codec name (``utf-8``, ``gb18030``, ``utf-16-le``…).
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_encoding), bom_encoding

    is_ascii = body.isascii()
    utf8_text = _strict_decode(body, UTF8)
    declared = (http_content_type_encoding(header_content_type), html_body_declared_encoding(body))
    for encoding in declared:
        if encoding is None or (encoding == _SERVER_DEFAULT and not is_ascii):
            continue
        if utf8_text is not None and not is_ascii and encoding != UTF8:
            return utf8_text, UTF8
        text = _strict_decode(body, encoding)
        if text is not None:
            return text, encoding

    if utf8_text is not None:
        return utf8_text, UTF8
    guessed = _guessed_encoding(body)
    text = _strict_decode(body, guessed)
    if text is not None:
        return text, guessed
    return to_unicode(body, FALLBACK), FALLBACK


def _strict_decode(body: bytes, encoding: str) -> str | None:
    """The body decoded with no error, but for an incomplete character at its very end."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        text = decoder.decode(body, final=False)
    except (UnicodeDecodeError, LookupError):
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
