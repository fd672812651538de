"""JSON read as Lambda's Java service reads it: Jackson's nesting limit and Jackson's words for what is wrong."""

from __future__ import annotations

import inspect
import json
import re
import sys
import unicodedata
from typing import Any

from lambdamock.protocol import jackson

# Jackson's default StreamReadConstraints: documents nested deeper are refused.
MAX_DEPTH = 1000
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


class Unreadable(Exception):
    """The body is not JSON Lambda accepts; the message is Jackson's."""


class _NonNumeric(ValueError):
    """NaN, Infinity or -Infinity: Python reads them, Jackson refuses them unless told to allow them."""


def _non_numeric(name: str) -> Any:
    raise _NonNumeric(name)


# Python's reader, but for what Jackson refuses by default (Python's json.dumps writes float("nan") as NaN).
_DECODER = json.JSONDecoder(parse_constant=_non_numeric)


def _java_identifier_start(code: int) -> bool:
    """Java's Character.isJavaIdentifierStart, for the Latin-1 character ``code``: a letter, currency sign or
    connecting punctuation."""
    return unicodedata.category(chr(code)) in {"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Sc", "Pc"}


def _at(data: bytes, index: int) -> str:
    return "\n at " + jackson.where(data, index)


def _blanked(data: bytes) -> bytes:
    """The document with what its strings hold blanked out: every position kept, no bracket or token left in them."""
    return _STRINGS.sub(lambda found: b'"' + b" " * (len(found.group()) - 2) + b'"', data)


def _depth(data: bytes) -> tuple[int, int]:
    """How deep the document nests, and where it first went deeper than Jackson allows (-1: it did not)."""
    deepest, depth, where = 0, 0, -1
    for index, byte in enumerate(_blanked(data)):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH and where < 0:
                where = index
        elif byte in b"]}":
            depth -= 1
    return deepest, where


def _too_deep(data: bytes, where: int) -> Unreadable:
    return Unreadable(
        f"Document nesting depth ({MAX_DEPTH + 1}) exceeds the maximum allowed ({MAX_DEPTH}, from "
        f"`StreamReadConstraints.getMaxNestingDepth()`)" + _at(data, where)
    )


def _described(data: bytes, error: ValueError) -> Unreadable:
    if isinstance(error, _NonNumeric):  # the message of Jackson's ReaderBasedJsonParser._handleOddValue
        name = str(error)
        encoding = json.detect_encoding(data)
        text = data if encoding == "utf-8" else data.decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
        return Unreadable(f"Non-standard token '{name}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
                          + _at(text, _blanked(text).index(name.encode()) + len(name)))
    # Jackson looks at the first byte of a value before it decodes anything as UTF-8.
    start = jackson.BLANKS.match(data).end()  # type: ignore[union-attr]  # matches, if only nothing
    if start < len(data):
        first = data[start]
        if first < 32:  # a gzip body's first byte, say
            return Unreadable(jackson.illegal_space(data, start))
        if 127 <= first < 160:
            return Unreadable(
                f"Unexpected character ({jackson.control(first)}): expected a valid value {jackson.EXPECTED}"
                + _at(data, start)
            )
        if first >= 160 and not _java_identifier_start(first):  # a byte Jackson takes as the Latin-1 character
            return Unreadable(
                f"Unexpected character ('{chr(first)}' (code {first})): expected a valid value {jackson.EXPECTED}"
                + _at(data, start)
            )
        token = jackson.TOKEN.match(data, start)
        if token is not None and token.group() not in (b"true", b"false", b"null") and not token.group()[:1].isdigit():
            if isinstance(error, UnicodeDecodeError) and error.start == token.end():
                pass  # a token cut short by a byte that is no UTF-8: reported as such, below
            else:
                return Unreadable(jackson.unrecognized(data, token))
    if isinstance(error, UnicodeDecodeError):
        return Unreadable(f"Invalid UTF-8 start byte 0x{data[error.start]:02x}" + _at(data, error.start + 1))
    worded = jackson.describe(data) if json.detect_encoding(data) == "utf-8" else None
    return Unreadable(str(error) if worded is None else worded)


def loads(data: bytes) -> Any:
    """The document in ``data``; Unreadable, in Jackson's words, when Lambda would refuse it."""
    try:
        return _read(data)
    except RecursionError:
        deepest, where = _depth(data)
        if where >= 0:
            raise _too_deep(data, where) from None
    except ValueError as error:  # UnicodeDecodeError included
        raise _described(data, error) from None
    # Within Jackson's limit but deeper than Python's stack allows from here: make room, as the
    # service would have. The limit only ever grows, and only as far as such a document needs.
    needed = deepest + len(inspect.stack(0)) + 100
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)
    try:
        return _read(data)
    except ValueError as error:  # read whole this time, and malformed all the same
        raise _described(data, error) from None


def _read(data: bytes) -> Any:
    # As json.loads reads bytes: in the encoding they are in.
    return _DECODER.decode(data.decode(json.detect_encoding(data), "surrogatepass"))
