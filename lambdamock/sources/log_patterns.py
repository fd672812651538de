"""CloudWatch Logs filter patterns, as a subscription filter applies them to the log events it forwards.

The syntax is CloudWatch Logs' ("Filter pattern syntax for metric filters, subscription filters, filter log events,
and Live Tail" in its user guide): terms that must (``ERROR``), may (``?ERROR``) or must not (``-ERROR``) appear,
quoted phrases, a regular expression between ``%`` signs, JSON patterns (``{ $.level = "ERROR" && $.latency >
100 }``) and space-delimited ones (``[ip, user, ..., status=4*, bytes]``). Terms match case-sensitively anywhere
in the message (``ERROR`` matches ``ERRORCODE``, as the guide's examples show). What this module cannot read lets
every event through, as moto lets every pattern.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Callable, Iterable, Optional

Matcher = Callable[[str], bool]
Test = Callable[[Any], bool]
_TERM = re.compile(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')
_TOKEN = re.compile(r'\s*(&&|\|\||\(|\)|!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|%[^%]+%|[^\s()=!<>&|"]+)')
# A JSON selector's steps: .name, .* (any field), [0], [*] (any element), ['a.name'] (or .['a.name']).
_STEP = re.compile(r"\.([\w\-]+)|\.(\*)|\[(\d+)\]|\[(\*)\]|\.?\['([^']*)'\]")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_ORDER: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}
# A field of a space-delimited event: a quoted or bracketed part, or a run of other characters.
_FIELD = re.compile(r'"[^"]*"|\[[^\]]*\]|[^\s"\[]+')
# A space-delimited pattern's slots: split at commas outside quotes and regular expressions.
_SLOT = re.compile(r'(?:"[^"]*"|%[^%]*%|[^,"%])+')


def _everything(message: str) -> bool:
    return True


def compile_pattern(pattern: str) -> Matcher:
    """A test of a log event's message for ``pattern``; an empty pattern matches every event."""
    text = pattern.strip()
    try:
        if not text:
            return _everything
        if text.startswith("{") and text.endswith("}"):
            return _json(text[1:-1])
        if text.startswith("[") and text.endswith("]"):
            return _delimited(text[1:-1])
        if len(text) > 1 and text.startswith("%") and text.endswith("%"):
            found = re.compile(text[1:-1]).search
            return lambda message: found(message) is not None
        return _terms(text)
    except (ValueError, re.error):  # not a pattern this module reads
        return _everything


def _terms(text: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for sign, quoted, word in _TERM.findall(text):
        term = word or quoted.replace('\\"', '"')
        if term.strip():  # '" "' matches everything (the guide)
            {"": required, "?": optional, "-": excluded}[sign].append(term)
    if required or excluded:
        # "If you combine "?" with other filter patterns, all question mark terms will be ignored."
        optional = []

    def matches(message: str) -> bool:
        return (all(term in message for term in required) and not any(term in message for term in excluded)
                and (not optional or any(term in message for term in optional)))

    return matches


def _tokens(body: str) -> list[str]:
    tokens, position = [], 0
    while body[position:].strip():
        found = _TOKEN.match(body, position)
        if found is None:
            raise ValueError(body[position:])
        tokens.append(found.group(1))
        position = found.end()
    return tokens


def _expression(tokens: list[str], numeric_text: bool = False) -> Test:
    parser = _Parser(tokens, numeric_text)
    test = parser.either()
    if parser.position != len(tokens):
        raise ValueError(" ".join(tokens))
    return test


def _json(body: str) -> Matcher:
    test = _expression(_tokens(body))

    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except (ValueError, RecursionError):  # not JSON, or nested past what Python reads
            return False  # a JSON pattern matches JSON events only
        return test(document)

    return matches


def _delimited(body: str) -> Matcher:
    """A space-delimited pattern: a condition per field, ``...`` standing for any number of fields, and the last
    field taking the rest of the event (the guide's ``[w1=ERROR, w2]`` matches "ERROR 09/25/2014 ... request")."""
    slots: list[Optional[Test]] = []  # None for "..."
    for slot in (part.strip() for part in _SLOT.findall(body)):
        if slot == "...":
            slots.append(None)
            continue
        tokens = _tokens(slot)
        if not tokens or not re.fullmatch(r"[\w\-]+", tokens[0]):
            raise ValueError(slot)
        name = tokens[0]
        # Each condition names its field ("status = 4* || status = 5*"): read as a JSON pattern's, on that field.
        test = _expression(["$.field" if token == name else token for token in tokens], True) \
            if len(tokens) > 1 else _everything
        slots.append(_on_field(test))
    if not slots:
        raise ValueError("[] names no field")  # read as no pattern, as moto reads it (moto's tests put one)

    def matches(message: str) -> bool:
        fields = [(found.group(), found.start()) for found in _FIELD.finditer(message)]

        @functools.cache
        def fits(slot: int, field: int) -> bool:
            """Whether the slots from ``slot`` on match the fields from ``field`` on."""
            if slot == len(slots):
                return field == len(fields)
            test = slots[slot]
            if test is None:  # "...": any number of fields, the fewest first
                return any(fits(slot + 1, skip) for skip in range(field, len(fields) + 1))
            if field == len(fields):
                return False
            if slot == len(slots) - 1 and field < len(fields) - 1:
                return test(message[fields[field][1]:].rstrip())  # the last field takes the rest of the event
            return test(_unquoted(fields[field][0])) and fits(slot + 1, field + 1)

        return fits(0, 0)

    return matches


def _on_field(test: Test) -> Test:
    return lambda field: test({"field": field})


def _unquoted(field: str) -> str:
    return field[1:-1] if field[:1] in '"[' and len(field) > 1 else field


class _Parser:
    """A JSON pattern's expression: comparisons joined by ``&&`` (binding first) and ``||``, in parentheses too.

    With ``numeric_text``, a number compares with text that reads as one (a space-delimited event's fields).
    """

    def __init__(self, tokens: list[str], numeric_text: bool) -> None:
        self.tokens = tokens
        self.numeric_text = numeric_text
        self.position = 0

    def _next(self) -> str:
        if self.position >= len(self.tokens):
            raise ValueError("the pattern ends too soon")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _peek(self) -> Optional[str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def either(self) -> Test:
        return self._joined("||", self.both, any)

    def both(self) -> Test:
        return self._joined("&&", self.one, all)

    def _joined(self, operator: str, part: Callable[[], Test], combine: Callable[[Iterable[bool]], bool]) -> Test:
        tests = [part()]
        while self._peek() == operator:
            self._next()
            tests.append(part())
        return tests[0] if len(tests) == 1 else lambda document: combine(test(document) for test in tests)

    def one(self) -> Test:
        token = self._next()
        if token == "(":
            inner = self.either()
            if self._next() != ")":
                raise ValueError("a parenthesis is not closed")
            return inner
        path = _path(token)
        operator = self._next()
        if operator in ("IS", "NOT"):
            return _state(path, operator, self._next())
        if operator not in _ORDER:
            raise ValueError(operator)
        return _comparison(path, operator, self._next(), self.numeric_text)


def _path(selector: str) -> list[tuple[str, Any]]:
    """A selector's steps: ("name", key), ("index", n) or ("any", None)."""
    if not selector.startswith("$"):
        raise ValueError(selector)
    steps, position = [], 1
    while position < len(selector):
        found = _STEP.match(selector, position)
        if found is None:
            raise ValueError(selector)
        name, any_field, index, any_element, quoted = found.groups()
        steps.append(("index", int(index)) if index else ("any", None) if any_field or any_element
                     else ("name", name if name is not None else quoted))
        position = found.end()
    return steps


def _values(document: Any, path: list[tuple[str, Any]]) -> list[Any]:
    """What a selector reaches (a wildcard reaches every field or element)."""
    found = [document]
    for step, key in path:
        found = [item for value in found for item in _step(value, step, key)]
    return found


def _step(value: Any, step: str, key: Any) -> list[Any]:
    if step == "any":
        return list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
    if step == "name":
        return [value[key]] if isinstance(value, dict) and key in value else []
    return [value[key]] if isinstance(value, list) and key < len(value) else []


def _state(path: list[tuple[str, Any]], operator: str, word: str) -> Test:
    """``IS TRUE``, ``IS FALSE``, ``IS NULL`` and ``NOT EXISTS``."""
    wanted = {("IS", "TRUE"): True, ("IS", "FALSE"): False, ("IS", "NULL"): None}
    if (operator, word) == ("NOT", "EXISTS"):
        return lambda document: not _values(document, path)
    if (operator, word) not in wanted:
        raise ValueError(f"{operator} {word}")
    value = wanted[(operator, word)]
    return lambda document: any(found is value for found in _values(document, path))


def _comparison(path: list[tuple[str, Any]], operator: str, value: str, numeric_text: bool) -> Test:
    if _NUMBER.match(value):
        number, order = float(value), _ORDER[operator]

        def numeric(found: Any) -> bool:
            if numeric_text and isinstance(found, str) and _NUMBER.match(found):
                found = float(found)
            return isinstance(found, (int, float)) and not isinstance(found, bool) and order(found, number)

        return lambda document: any(numeric(found) for found in _values(document, path))
    if operator not in ("=", "!="):
        raise ValueError(f"{operator} compares numbers")
    if value.startswith("%") and value.endswith("%"):
        search = re.compile(value[1:-1]).search
        test: Callable[[str], bool] = lambda text: search(text) is not None  # noqa: E731
    else:
        text = json.loads(value) if value.startswith('"') else value
        # A * stands for any characters (a wildcard, "$.eventType = Update*").
        whole = re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)
        test = lambda found: whole.fullmatch(found) is not None  # noqa: E731
    same = operator == "="

    def compare(found: Any) -> bool:
        if isinstance(found, (dict, list)):
            return False  # "If a property selector points to an array or object, the filter pattern won't match"
        shown = "" if found is None else str(found).lower() if isinstance(found, bool) else str(found)
        return test(shown) is same

    return lambda document: any(compare(found) for found in _values(document, path))
