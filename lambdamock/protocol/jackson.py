"""Where a malformed JSON document's structure breaks, in the words of Jackson's byte parser (Lambda's service's)."""

# Only the structure is followed: a string's content is skipped, a number or token taken as far as it reaches.
# What this module does not word (a malformed number or escape, data after the root value) is left to the caller.

from __future__ import annotations

import re
from typing import Optional

SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {line}, column: {column}]"
EXPECTED = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
BLANKS = re.compile(rb"[ \t\r\n]*")  # all Jackson skips between tokens
_BREAK = re.compile(rb"\r\n?|\n")  # a line break, as Jackson counts lines (its _skipCR takes a lone CR for one)
_STRING_STOP = re.compile(rb'["\\\x00-\x1f]')  # where a string ends, escapes or holds a control character
_NUMBER = re.compile(rb"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
TOKEN = re.compile(rb"[A-Za-z0-9_$]+")
_NAMES = {ord("{"): "Object", ord("["): "Array"}
_NUMERIC = frozenset(b"0123456789.eE+-")  # what cannot follow a well-formed number
_ESCAPE = re.compile(rb'\\(["\\/bfnrt]|u[0-9a-fA-F]{4})')  # the escapes JSON knows


class _Malformed(Exception):
    """The first thing wrong with the document, as Jackson words it (location included)."""


class _Unworded(Exception):
    """A malformation this module does not word (a malformed number, a character that is not ASCII)."""


def where(data: bytes, index: int) -> str:
    """Jackson's location of the byte at ``index`` (1-based line and column, the column counted in bytes)."""
    line, start = 1, 0
    for found in _BREAK.finditer(data, 0, index):
        line, start = line + 1, found.end()
    return SOURCE.format(line=line, column=index - start + 1)


def unrecognized(data: bytes, token: re.Match[bytes]) -> str:
    """Jackson's words for a word that is no JSON token, located past the character after it, which its
    _reportInvalidToken reads to see that the word has ended."""
    return (f"Unrecognized token '{token.group().decode()}': was expecting {EXPECTED}\n at "
            f"{where(data, min(token.end() + 1, len(data)))}")


def control(code: int) -> str:
    """An ASCII control character as Jackson describes one."""
    return f"(CTRL-CHAR, code {code})"


def illegal_space(data: bytes, index: int) -> str:
    """Jackson's words for a control character where only blanks may come (its _throwInvalidSpace), located past it."""
    return (f"Illegal character ({control(data[index])}): only regular white space (\\r, \\n, \\t) is allowed "
            f"between tokens\n at {where(data, index + 1)}")


def _unexpected(data: bytes, index: int, comment: str) -> _Malformed:
    # Reported at the character itself (Jackson's _currentLocationMinusOne), described as its _getCharDesc does.
    code = data[index]
    if code >= 128:
        raise _Unworded()  # Jackson decodes it first, or takes it for a token's start
    shown = control(code) if code == 127 else f"'{chr(code)}' (code {code})"
    return _Malformed(f"Unexpected character ({shown}): {comment}\n at {where(data, index)}")


def _after(data: bytes, index: int, message: str) -> _Malformed:
    # Reported where the parser stands: past the byte at ``index``.
    return _Malformed(f"{message}\n at {where(data, index + 1)}")


def describe(data: bytes) -> Optional[str]:
    """Jackson's message for the first structural error of ``data`` (UTF-8), location included; None when there
    is none, or none this module words."""
    try:
        _check(data)
    except _Malformed as found:
        return str(found)
    except _Unworded:
        return None
    return None


def _check(data: bytes) -> None:
    stack: list[int] = []  # where each open object or array starts
    state = "value"  # what comes next: "value", "first value" (after "["), "name", "first name" (after "{"),
    # "colon", "comma" (after a value) or "end" (the root value is read)
    index, size = 0, len(data)
    while state != "end":
        index = BLANKS.match(data, index).end()  # type: ignore[union-attr]  # matches, if only nothing
        if index == size:
            if state in ("value", "name", "colon") and stack:  # after a comma, a field name or a colon
                kind = _NAMES[data[stack[-1]]]
                raise _after(data, size - 1, f"Unexpected end-of-input within/between {kind} entries")
            if stack:
                start = stack[-1]
                raise _after(data, size - 1, f"Unexpected end-of-input: expected close marker for "
                                             f"{_NAMES[data[start]]} (start marker at {where(data, start)})")
            return  # an empty document: not this module's to word
        byte = data[index]
        if byte < 32:
            raise _Malformed(illegal_space(data, index))
        if byte in b"]}" and (state in ("first value", "first name", "comma") or (state == "value" and not stack)):
            if not stack:
                return  # a close marker outside any structure: left to the caller
            opener = data[stack[-1]]
            if byte != (opener + 2):  # "[" + 2 is "]", "{" + 2 is "}"
                raise _Malformed(f"Unexpected close marker '{chr(byte)}': expected '{chr(opener + 2)}' (for "
                                 f"{_NAMES[opener]} starting at {where(data, stack[-1])})\n at {where(data, index)}")
            stack.pop()
            index += 1
            state = "comma" if stack else "end"
        elif state in ("value", "first value"):
            index, state = _value(data, index, stack)
        elif state in ("name", "first name"):
            if byte != ord('"'):
                raise _unexpected(data, index, "was expecting double-quote to start field name")
            index, state = _string(data, index), "colon"
        elif state == "colon":
            if byte != ord(":"):
                raise _unexpected(data, index, "was expecting a colon to separate field name and value")
            index, state = index + 1, "value"
        elif byte == ord(","):  # state "comma"
            index, state = index + 1, "name" if data[stack[-1]] == ord("{") else "value"
        else:
            kind = _NAMES[data[stack[-1]]]
            raise _unexpected(data, index, f"was expecting comma to separate {kind} entries")


def _value(data: bytes, index: int, stack: list[int]) -> tuple[int, str]:
    byte = data[index]
    if byte in b"{[":
        stack.append(index)
        return index + 1, "first name" if byte == ord("{") else "first value"
    if byte == ord('"'):
        end = _string(data, index)
    elif byte == ord("-") or ord("0") <= byte <= ord("9"):
        found = _NUMBER.match(data, index)
        if found is None or (found.end() < len(data) and data[found.end()] in _NUMERIC):
            raise _Unworded()  # a number that goes wrong: Jackson's words for it are its own
        end = found.end()
    else:
        token = TOKEN.match(data, index)
        if token is None:
            raise _unexpected(data, index, f"expected a valid value {EXPECTED}")
        if token.group() not in (b"true", b"false", b"null"):
            raise _Malformed(unrecognized(data, token))
        end = token.end()
    return end, "comma" if stack else "end"


def _string(data: bytes, index: int) -> int:
    """Where the string opened at ``index`` ends (past its closing quote)."""
    position = index + 1
    while True:
        stop = _STRING_STOP.search(data, position)
        if stop is None:
            break
        position, byte = stop.start(), data[stop.start()]
        if byte == ord('"'):
            return position + 1
        if byte != ord("\\"):
            raise _Malformed(f"Illegal unquoted character ({control(byte)}): has to be escaped using backslash to be "
                             f"included in string value\n at {where(data, position)}")
        escape = _ESCAPE.match(data, position)
        if escape is None:
            raise _Unworded()  # an escape Jackson does not know, or cut short: its words are its own
        position = escape.end()
    raise _after(data, len(data) - 1, "Unexpected end-of-input: was expecting closing quote for a string value")
