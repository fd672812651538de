"""Event filtering: FilterCriteria patterns (EventBridge syntax) checked against records before delivery."""

from __future__ import annotations

import base64
import json
import operator
from typing import Any, Callable, Optional

Check = Callable[[dict[str, Any]], bool]
_MISSING = object()
_NUMERIC = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">=": operator.ge, ">": operator.gt}


class InvalidPattern(ValueError):
    """The pattern is not an object of lists and objects in the filter syntax."""


def parse(text: str) -> dict[str, Any]:
    """A filter pattern, checked; InvalidPattern when it is malformed."""
    try:
        pattern = json.loads(text)
    except (TypeError, ValueError):
        raise InvalidPattern(text) from None
    _check(pattern)
    return pattern


def _check(pattern: Any) -> None:
    if not isinstance(pattern, dict) or not pattern:
        raise InvalidPattern(pattern)
    for value in pattern.values():
        if isinstance(value, dict):
            _check(value)
        elif not isinstance(value, list) or not value:
            raise InvalidPattern(value)
        else:
            for rule in value:
                if isinstance(rule, dict) and (len(rule) != 1 or next(iter(rule)) not in _RULES):
                    raise InvalidPattern(rule)


def compile_all(patterns: tuple[str, ...], kind: str) -> Optional[Check]:
    """One check for all of a mapping's filters (a record passes when any matches); None without filters."""
    if not patterns:
        return None
    parsed = [parse(text) for text in patterns]

    def check(record: dict[str, Any]) -> bool:
        view = _view(record, kind)
        return any(_matches(pattern, view) for pattern in parsed)

    return check


def _view(record: dict[str, Any], kind: str) -> dict[str, Any]:
    # Lambda matches the decoded body (SQS) or data (Kinesis) when it holds JSON.
    if kind == "sqs":
        return {**record, "body": _json_or_text(record.get("body", ""))}
    if kind == "kinesis":
        data = record.get("kinesis", {}).get("data", "")
        try:
            decoded = base64.b64decode(data).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            decoded = data
        return {**record, "data": _json_or_text(decoded)}
    return record


def _json_or_text(text: str) -> Any:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return text
    return value if isinstance(value, dict) else text


def _matches(pattern: dict[str, Any], value: Any) -> bool:
    for key, expected in pattern.items():
        actual = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(expected, dict):
            # Under a missing object every leaf is missing too: only "exists": false can match there
            # (CloudFormation test_lambda.py, test_lambda_dynamodb_event_filter: AWS invokes the function).
            if not _matches(expected, actual if isinstance(actual, dict) else {}):
                return False
        elif not any(_rule(rule, actual) for rule in expected):
            return False
    return True


def _rule(rule: Any, actual: Any) -> bool:
    if isinstance(rule, dict):
        name, argument = next(iter(rule.items()))
        return bool(_RULES[name](argument, actual))
    if actual is _MISSING:
        return False
    values = actual if isinstance(actual, list) else [actual]
    return any(_same(rule, item) for item in values)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    return bool(expected == actual)


def _each(actual: Any, test: Callable[[Any], bool]) -> bool:
    if actual is _MISSING:
        return False
    return any(test(item) for item in (actual if isinstance(actual, list) else [actual]))


def _numeric(argument: list[Any], actual: Any) -> bool:
    def test(item: Any) -> bool:
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            return False
        pairs = zip(argument[::2], argument[1::2])
        return all(_NUMERIC[op](item, bound) for op, bound in pairs)

    return _each(actual, test)


def _anything_but(argument: Any, actual: Any) -> bool:
    if actual is _MISSING:
        return False
    if isinstance(argument, dict):
        return not _rule(argument, actual)
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_rule(value, actual) for value in excluded)


_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": lambda arg, actual: _each(actual, lambda v: isinstance(v, str) and v.startswith(arg)),
    "suffix": lambda arg, actual: _each(actual, lambda v: isinstance(v, str) and v.endswith(arg)),
    "equals-ignore-case": lambda arg, actual: _each(
        actual, lambda v: isinstance(v, str) and v.lower() == str(arg).lower()
    ),
    # Only leaves exist for a filter: a key holding an object does not (test_dynamodb_event_filter[exists_false]).
    "exists": lambda arg, actual: (actual is not _MISSING and not isinstance(actual, dict)) is bool(arg),
    "numeric": _numeric,
    "anything-but": _anything_but,
}
