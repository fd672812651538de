"""Event filtering: FilterCriteria patterns (EventBridge's syntax, as Lambda takes it) checked against records.

Its checks and rules are EventBridge's too: event_patterns checks and matches its rules' patterns with them.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import operator
from typing import Any, Callable, Optional

from lambdamock.state.mappings import DYNAMODB, KAFKAS, KINESIS, SQS

Check = Callable[[dict[str, Any]], bool]
# Filters a mapping takes, by Lambda's default quota ("By default, you can define up to five different filters for
# a single event source mapping", invocation-eventfiltering).
MAX_FILTERS = 5
_LOWER = {">": operator.gt, ">=": operator.ge}
_UPPER = {"<": operator.lt, "<=": operator.le}
_COMPARE = {"=": operator.eq, **_LOWER, **_UPPER}
# Where each kind of record holds its data: matched as JSON when it is (invocation-eventfiltering).
_DATA = {SQS: "body", KINESIS: "data", DYNAMODB: "dynamodb", **dict.fromkeys(KAFKAS, "value")}
# Kinds whose data a plain pattern may match as text, besides JSON.
_PLAIN = frozenset({SQS, *KAFKAS})
# Kinds where a pattern for data in the other form (or data that is not UTF-8) leaves the data out of the match:
# "Lambda filters (on the other metadata properties only)" (kafka-filtering); SQS drops such a message.
_METADATA_ONLY = KAFKAS
# Kafka data that is not UTF-8 text, which no pattern for data looks at.
_UNREADABLE = object()


class InvalidPattern(ValueError):
    """The pattern is not one Lambda takes."""


def parse(text: str, kind: str) -> dict[str, Any]:
    """A filter pattern of a mapping of ``kind``; InvalidPattern when Lambda refuses it."""
    try:
        pattern = json.loads(text, parse_constant=_not_a_number)
        check(pattern, OPERATORS)
    except (TypeError, ValueError, RecursionError):  # not JSON, or nested past what Python reads
        raise InvalidPattern(text) from None
    data = _DATA.get(kind)  # None for the kinds lambdamock does not read: no pattern key is None
    if kind not in _PLAIN and any(data in each and not isinstance(each[data], dict) for each in _alternatives(pattern)):
        # A stream's data is matched as JSON only: "The filter pattern for data properties must be in a valid
        # JSON format" (invocation-eventfiltering).
        raise InvalidPattern(text)
    return pattern


def _not_a_number(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity: JSON has no such numbers


def _alternatives(pattern: dict[str, Any]) -> list[dict[str, Any]]:
    """The pattern and, through "$or" (nested too), each alternative of its top level."""
    return [pattern, *(each for alternative in pattern.get("$or", []) for each in _alternatives(alternative))]


def check(pattern: Any, operators: dict[str, Callable[[Any], bool]]) -> None:
    """Raise InvalidPattern unless ``pattern`` is one whose operators and their arguments ``operators`` takes."""
    if not isinstance(pattern, dict) or not pattern:
        raise InvalidPattern(pattern)
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or not value:
                raise InvalidPattern(value)
            for alternative in value:
                check(alternative, operators)
        elif isinstance(value, dict):
            check(value, operators)
        elif not isinstance(value, list) or not value:  # recorded: arrays_empty_EXC, string_nolist_EXC
            raise InvalidPattern(value)
        else:
            for rule in value:
                _check_rule(rule, operators)


def _check_rule(rule: Any, operators: dict[str, Callable[[Any], bool]]) -> None:
    if isinstance(rule, list):
        raise InvalidPattern(rule)
    if isinstance(rule, dict):  # otherwise a value to equal: a string, a number, true, false or null
        # One operator to a rule, in lower case (recorded: operator_case_sensitive_EXC), with an argument it takes.
        name, argument = next(iter(rule.items()), ("", None))
        takes = operators.get(name)
        if len(rule) != 1 or takes is None or not takes(argument):
            raise InvalidPattern(rule)


def _text_or_ignoring_case(argument: Any) -> bool:
    # Recorded: content_prefix_int_EXC, content_prefix_list_EXC, content_suffix_*_EXC; content_prefix_ignorecase.
    if isinstance(argument, dict) and len(argument) == 1:
        return isinstance(argument.get("equals-ignore-case"), str)
    return isinstance(argument, str)


def _numeric_valid(argument: Any) -> bool:
    # Operator and number pairs: one "=" alone, or at most one lower and one upper bound (recorded:
    # content_numeric_number_EXC, content_numeric_syntax_EXC, content_numeric_EXC).
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        return False
    sides = []
    for name, bound in zip(argument[::2], argument[1::2]):
        if name not in _COMPARE or not _is_number(bound):
            return False
        sides.append("lower" if name in _LOWER else "upper" if name in _UPPER else "=")
    return len(set(sides)) == len(sides) and ("=" not in sides or len(sides) == 1)


def anything_but_valid(argument: Any) -> bool:
    """Whether Lambda takes ``argument`` for "anything-but"."""
    if isinstance(argument, dict):
        if len(argument) != 1:
            return False
        name, value = next(iter(argument.items()))
        if name in ("prefix", "suffix"):  # recorded: content_anything_prefix_*_EXC, content_anything_suffix_*_EXC
            return all(isinstance(each, str) and each for each in listed(value))
        # Recorded: content_anything_but_ignorecase_EXC, content_anything_but_ignorecase_list_EXC.
        return name == "equals-ignore-case" and all(isinstance(each, str) for each in listed(value))
    # A string or number, or a list of them (recorded: content_anything_but_string_null_type_EXC,
    # content_anything_but_string_list_null_type_EXC).
    return all(isinstance(each, str) or _is_number(each) for each in listed(argument))


# The operators Lambda's patterns take, each with the check of its argument.
OPERATORS: dict[str, Callable[[Any], bool]] = {
    "prefix": _text_or_ignoring_case,
    "suffix": _text_or_ignoring_case,
    "equals-ignore-case": lambda argument: isinstance(argument, str),  # recorded: content_ignorecase_EXC
    "exists": lambda argument: isinstance(argument, bool),
    "numeric": _numeric_valid,
    "anything-but": anything_but_valid,
}


def compile_all(patterns: tuple[str, ...], kind: str) -> Optional[Check]:
    """One check for all of a mapping's filters (a record passes when any matches); None without filters."""
    if not patterns:
        return None
    parsed = [parse(text, kind) for text in patterns]
    data, lenient = _DATA[kind], kind in _METADATA_ONLY

    def passes(record: dict[str, Any]) -> bool:
        view = [_view(record, kind)]
        return any(_matches(pattern, view, data, lenient) for pattern in parsed)

    return passes


def _view(record: dict[str, Any], kind: str) -> dict[str, Any]:
    # Lambda matches the decoded body (SQS) or data (Kinesis) as JSON when it is a JSON object.
    if kind == SQS:
        return {**record, "body": _json_or_text(record.get("body", ""))}
    if kind == KINESIS:
        data = record.get("kinesis", {}).get("data", "")
        try:
            decoded = base64.b64decode(data).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            decoded = data
        return {**record, "data": _json_or_text(decoded)}
    if kind in _METADATA_ONLY and "value" in record:
        # "Lambda decodes Kafka byte arrays into UTF-8 before applying filter criteria" (kafka-filtering).
        try:
            return {**record, "value": _json_or_text(base64.b64decode(record["value"]).decode("utf-8"))}
        except UnicodeDecodeError:
            return {**record, "value": _UNREADABLE}
    return record


def _json_or_text(text: str) -> Any:
    try:
        value = json.loads(text)
    except (TypeError, ValueError, RecursionError):  # not JSON, or nested past what Python reads
        return text
    return value if isinstance(value, dict) else text


def _matches(pattern: dict[str, Any], objects: list[dict[str, Any]], data: Optional[str] = None,
             lenient: bool = False) -> bool:
    """Whether ``pattern`` matches ``objects``: the objects at one path, an array's elements pooled (as EventBridge
    flattens arrays). ``data`` names the record's data key, at the top: a JSON pattern for it matches JSON data
    only, and a plain one plain data only ("If there is a mismatch, Lambda drops the message"); ``lenient``, the
    pattern for data is then left out instead (Kafka's)."""
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_matches(alternative, objects, data, lenient) for alternative in expected):
                return False
            continue
        found = [value for each in objects if key in each for value in _elements(each[key])]
        if key == data and found and (found[0] is _UNREADABLE
                                      or isinstance(expected, dict) is not isinstance(found[0], dict)):
            if lenient:
                continue
            return False
        if isinstance(expected, dict):
            # Under a missing object every leaf is missing too: only "exists": false can match there
            # (CloudFormation test_lambda.py, test_lambda_dynamodb_event_filter: AWS invokes the function).
            if not _matches(expected, [value for value in found if isinstance(value, dict)]):
                return False
        else:
            # Only leaves exist for a filter: a key holding an object does not (test_dynamodb_event_filter
            # [exists_false]), nor one holding an empty array (recorded: exists_list_empty_NEG).
            leaves = [value for value in found if not isinstance(value, dict)]
            if not satisfied(expected, leaves):
                return False
    return True


def _elements(value: Any) -> list[Any]:
    """A value as the values it holds: an array's elements (nested arrays' too), or itself."""
    if not isinstance(value, list):
        return [value]
    return [element for item in value for element in _elements(item)]


def satisfied(rules: list[Any], leaves: list[Any]) -> bool:
    """Whether the leaves at a path satisfy one of ``rules`` (a pattern's list for that path)."""
    return any(_rule(rule, leaves) for rule in rules)


def _rule(rule: Any, leaves: list[Any]) -> bool:
    """Whether any of the leaves at a path satisfies ``rule``."""
    if isinstance(rule, dict):
        name, argument = next(iter(rule.items()))
        return _RULES[name](argument, leaves)
    return any(_same(rule, leaf) for leaf in leaves)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if _is_number(expected) and _is_number(actual):
        # By value: an event's 300.0 matches a pattern's 300 (recorded against EventBridge, whose matching
        # Lambda's is: number_comparison_float, although its guide and Lambda's say numbers match as text).
        # Python compares an int and a float exactly, however large the int.
        return bool(expected == actual)
    return bool(expected == actual) and type(expected) is type(actual)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _strings(leaves: list[Any]) -> list[str]:
    return [leaf for leaf in leaves if isinstance(leaf, str)]


def _affix(test: Callable[[str, str], bool]) -> Callable[[Any, list[Any]], bool]:
    """A prefix or suffix rule: its argument is a string, or one to compare ignoring case."""

    def rule(argument: Any, leaves: list[Any]) -> bool:
        if isinstance(argument, dict):
            wanted = argument["equals-ignore-case"].lower()
            return any(test(leaf.lower(), wanted) for leaf in _strings(leaves))
        return any(test(leaf, argument) for leaf in _strings(leaves))

    return rule


def _numeric(argument: list[Any], leaves: list[Any]) -> bool:
    pairs = list(zip(argument[::2], argument[1::2]))
    return any(all(_COMPARE[name](leaf, bound) for name, bound in pairs) for leaf in leaves if _is_number(leaf))


def _anything_but(argument: Any, leaves: list[Any]) -> bool:
    """A leaf that is none of the excluded: null is such a leaf (recorded: content_anything_but_string_null)."""
    if isinstance(argument, dict):  # excluded by prefix, suffix or case-blind equality
        name, value = next(iter(argument.items()))
        rule = _RULES[name]
        return any(not any(rule(each, [leaf]) for each in listed(value)) for leaf in leaves)
    return any(not any(_same(each, leaf) for each in listed(argument)) for leaf in leaves)


def listed(value: Any) -> list[Any]:
    """A value as a list: itself, when it is one."""
    return value if isinstance(value, list) else [value]


def wildcard_pieces(pattern: str) -> Optional[list[str]]:
    """The text between a wildcard's stars, unescaped; None when EventBridge refuses it: a backslash before anything
    but a star or a backslash, or two stars together (recorded: content_wildcard_repeating_star_EXC)."""
    pieces: list[str] = []
    piece: list[str] = []
    escaped = after_star = False
    for char in pattern:
        if (escaped and char not in "*\\") or (char == "*" and after_star and not escaped):
            return None
        if char == "\\" and not escaped:
            escaped, after_star = True, False
            continue
        if char == "*" and not escaped:
            pieces.append("".join(piece))
            piece, after_star = [], True
        else:
            piece.append(char)
            after_star = False
        escaped = False
    if escaped:
        return None
    return [*pieces, "".join(piece)]


def _wildcard(argument: str, leaves: list[Any]) -> bool:
    pieces = wildcard_pieces(argument)
    if pieces is None:  # a pattern EventBridge refuses is never matched here (see event_patterns.takes)
        return False
    return any(_globbed(pieces, leaf) for leaf in _strings(leaves))


def _globbed(pieces: list[str], text: str) -> bool:
    """Whether ``text`` is the pieces in order with anything between them, in linear time (a regular expression of
    ".*"s can take seconds on a pattern of many stars)."""
    if len(pieces) == 1:
        return text == pieces[0]
    first, last = pieces[0], pieces[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    at, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _cidr(argument: str, leaves: list[Any]) -> bool:
    """An IP address (v4 or v6; an IPv4-mapped IPv6 one is its IPv4) in the block, from its network's first address
    (as event-ruler reads a block since its 1.2.2) to its last: other strings, and other types, are not
    (content_ip_address_*)."""
    block = ipaddress.ip_network(argument, strict=False)
    for leaf in _strings(leaves):
        try:
            address = ipaddress.ip_address(leaf)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address in block:
            return True
    return False


_RULES: dict[str, Callable[[Any, list[Any]], bool]] = {
    "prefix": _affix(str.startswith),
    "suffix": _affix(str.endswith),
    "equals-ignore-case": lambda argument, leaves: any(leaf.lower() == argument.lower() for leaf in _strings(leaves)),
    "exists": lambda argument, leaves: bool(leaves) is argument,
    "numeric": _numeric,
    "anything-but": _anything_but,
    # EventBridge's alone: its rules' patterns take them (event_patterns), Lambda's FilterCriteria do not.
    "wildcard": _wildcard,
    "cidr": _cidr,
}
