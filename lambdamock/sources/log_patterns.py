"""CloudWatch Logs filter patterns, as a subscription filter applies them to the log events it forwards.

The syntax is CloudWatch Logs' (FilterAndPatternSyntax in its user guide): terms that must (``ERROR``), may
(``?ERROR``) or must not (``-ERROR``) appear, quoted phrases, a regular expression between ``%`` signs, JSON
patterns (``{ $.level = "ERROR" && $.latency > 100 }``) and space-delimited ones (``[ip, user, ..., status=4*]``,
a quoted or bracketed part of the message one field). Terms match case-sensitively anywhere in the message
(``ERROR`` matches ``ERRORCODE``, as the guide's examples show). What this module cannot read lets every event
through, as moto lets every pattern.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional

Matcher = Callable[[str], bool]
_MISSING = object()
_TERM = re.compile(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')
_TOKEN = re.compile(r'\s*(&&|\|\||\(|\)|!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|%[^%]+%|[^\s()=!<>&|"]+)')
_SELECTOR = re.compile(r"\$((?:\.[\w\-]+|\[\d+\])*)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_ORDER: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


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
        {"": required, "?": optional, "-": excluded}[sign].append(word or quoted.replace('\\"', '"'))

    def matches(message: str) -> bool:
        return (all(term in message for term in required) and not any(term in message for term in excluded)
                and (not optional or any(term in message for term in optional)))

    return matches


def _json(body: str) -> Matcher:
    tokens = _TOKEN.findall(body)
    if "".join(tokens) != re.sub(r"\s+", "", body):
        raise ValueError(body)
    parser = _Parser(tokens)
    test = parser.either()
    if parser.position != len(tokens):
        raise ValueError(body)

    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False  # a JSON pattern matches JSON events only
        return test(document)

    return matches


def _delimited(body: str) -> Matcher:
    """A space-delimited pattern: a condition per field, ``...`` standing for any number of fields."""
    slots: list[Optional[Callable[[Any], bool]]] = []  # None for "..."
    for slot in (part.strip() for part in body.split(",")):
        if slot == "...":
            slots.append(None)
            continue
        tokens = _TOKEN.findall(slot)
        if not tokens or not re.fullmatch(r"[\w\-]+", tokens[0]):
            raise ValueError(slot)
        name = tokens[0]
        if len(tokens) == 1:
            slots.append(lambda field: True)
            continue
        # Each condition names the field ("status = 4* || status = 5*"): as a JSON pattern's, on that field.
        parser = _Parser(["$.field" if token == name else token for token in tokens])
        test = parser.either()
        if parser.position != len(tokens):
            raise ValueError(slot)
        slots.append(_on_field(test))

    def matches(message: str) -> bool:
        fields = [_unquoted(field) for field in _FIELD.findall(message)]
        return _fits(slots, fields)

    return matches


def _on_field(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda field: test({"field": field})


# A field of a space-delimited event: a quoted or bracketed part, or a run of other characters.
_FIELD = re.compile(r'"[^"]*"|\[[^\]]*\]|[^\s"\[]+')


def _unquoted(field: str) -> Any:
    text = field[1:-1] if field[:1] in '"[' else field
    if not _NUMBER.match(text):
        return text
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _fits(slots: list[Optional[Callable[[Any], bool]]], fields: list[Any]) -> bool:
    if not slots:
        return not fields
    head, rest = slots[0], slots[1:]
    if head is None:  # "...": any number of fields, the fewest first
        return any(_fits(rest, fields[skip:]) for skip in range(len(fields) + 1))
    return bool(fields) and head(fields[0]) and _fits(rest, fields[1:])


class _Parser:
    """A JSON pattern's expression: comparisons joined by ``&&`` (binding first) and ``||``, in parentheses too."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def _next(self) -> str:
        if self.position >= len(self.tokens):
            raise ValueError("the pattern ends too soon")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _peek(self) -> Optional[str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def either(self) -> Callable[[Any], bool]:
        tests = [self.both()]
        while self._peek() == "||":
            self._next()
            tests.append(self.both())
        return tests[0] if len(tests) == 1 else lambda document: any(test(document) for test in tests)

    def both(self) -> Callable[[Any], bool]:
        tests = [self.one()]
        while self._peek() == "&&":
            self._next()
            tests.append(self.one())
        return tests[0] if len(tests) == 1 else lambda document: all(test(document) for test in tests)

    def one(self) -> Callable[[Any], bool]:
        token = self._next()
        if token == "(":
            inner = self.either()
            if self._next() != ")":
                raise ValueError("a parenthesis is not closed")
            return inner
        selector = _SELECTOR.match(token)
        if selector is None:
            raise ValueError(token)
        path = re.findall(r"\.([\w\-]+)|\[(\d+)\]", selector.group(1))
        operator = self._next()
        if operator in ("IS", "NOT"):
            return _state(path, operator, self._next())
        if operator not in _ORDER:
            raise ValueError(operator)
        return _comparison(path, operator, self._next())


def _field(document: Any, path: list[tuple[str, str]]) -> Any:
    for name, index in path:
        if name and isinstance(document, dict) and name in document:
            document = document[name]
        elif index and isinstance(document, list) and int(index) < len(document):
            document = document[int(index)]
        else:
            return _MISSING
    return document


def _state(path: list[tuple[str, str]], operator: str, word: str) -> Callable[[Any], bool]:
    """``IS TRUE``, ``IS FALSE``, ``IS NULL`` and ``NOT EXISTS``."""
    wanted = {("IS", "TRUE"): True, ("IS", "FALSE"): False, ("IS", "NULL"): None}
    if (operator, word) == ("NOT", "EXISTS"):
        return lambda document: _field(document, path) is _MISSING
    if (operator, word) not in wanted:
        raise ValueError(f"{operator} {word}")
    value = wanted[(operator, word)]
    return lambda document: _field(document, path) is value


def _comparison(path: list[tuple[str, str]], operator: str, value: str) -> Callable[[Any], bool]:
    if _NUMBER.match(value):
        number, order = float(value), _ORDER[operator]

        def numeric(document: Any) -> bool:
            found = _field(document, path)
            return isinstance(found, (int, float)) and not isinstance(found, bool) and order(found, number)

        return numeric
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

    def compare(document: Any) -> bool:
        found = _field(document, path)
        if found is _MISSING or isinstance(found, (dict, list)):
            return False
        return test("" if found is None else str(found).lower() if isinstance(found, bool) else str(found)) is same

    return compare
