"""EventBridge rules' patterns: which EventBridge takes, and whether one matches an event, as EventBridge matches.

They share Lambda's filter engine (filters), with EventBridge's own operators (wildcard, cidr) and its reading of
a key with dots as the nested keys it joins ("detail.state" is "state" under "detail"), in the pattern and in the
event (recorded: LocalStack's event_pattern_templates, dot_joining_event and dot_joining_pattern, checked with
TestEventPattern against AWS).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from lambdamock.sources import filters


def _wildcard_valid(argument: Any) -> bool:
    # Recorded: content_wildcard_int_EXC, content_wildcard_list_EXC, content_wildcard_repeating_star_EXC. (EventBridge
    # also refuses a wildcard it finds too complex, content_wildcard_complex_EXC: that measure is not modelled.)
    return isinstance(argument, str) and filters.wildcard_pieces(argument) is not None


def _cidr_valid(argument: Any) -> bool:
    # An address, "/" and a prefix length (recorded: content_ip_address_EXC, content_ip_address_bad_ip_EXC,
    # content_ip_address_bad_mask_EXC, content_ip_address_type_EXC, content_ip_address_v6_bad_ip_EXC).
    if not isinstance(argument, str) or not argument.partition("/")[2].isdigit():
        return False
    try:
        ipaddress.ip_network(argument, strict=False)
    except ValueError:
        return False
    return True


def _anything_but_valid(argument: Any) -> bool:
    # Recorded: content_anything_wildcard_type_EXC, content_anything_wildcard_list_type_EXC.
    if isinstance(argument, dict) and list(argument) == ["wildcard"]:
        return all(_wildcard_valid(each) for each in filters.listed(argument["wildcard"]))
    return filters.anything_but_valid(argument)


# The operators an EventBridge rule's pattern takes: Lambda's, and its own.
_OPERATORS: dict[str, Callable[[Any], bool]] = {
    **filters.OPERATORS, "anything-but": _anything_but_valid, "wildcard": _wildcard_valid, "cidr": _cidr_valid}


class _Colliding(Exception):
    """Two conditions of a pattern on one path, which nesting cannot hold: EventBridge ANDs them."""


def takes(pattern: Any) -> bool:
    """Whether EventBridge takes ``pattern`` for a rule, as far as lambdamock can match it (checked as LocalStack's
    event_pattern_templates recorded it with TestEventPattern against AWS)."""
    try:
        filters.check(pattern, _OPERATORS)
        _nested(pattern, _pattern_collision)
    except (filters.InvalidPattern, _Colliding):
        return False
    return True


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether ``pattern``, one EventBridge takes, matches ``event``."""
    return filters.matches(_nested(pattern, _pattern_collision), [_nested(event, _event_collision)])


def _nested(value: Any, collide: Callable[[Any, Any], Any]) -> Any:
    """Objects (in arrays too) with each dotted key made the nested keys it joins; where two keys reach one path,
    ``collide`` makes its value of the two."""
    if isinstance(value, list):
        return [_nested(item, collide) for item in value]
    if not isinstance(value, dict):
        return value
    nested: dict[str, Any] = {}
    for key, item in value.items():
        *path, last = [key] if key == "$or" else key.split(".")
        piece: Any = {last: _nested(item, collide)}
        for part in reversed(path):
            piece = {part: piece}
        nested = _merged(nested, piece, collide)
    return nested


def _merged(into: dict[str, Any], more: dict[str, Any], collide: Callable[[Any, Any], Any]) -> dict[str, Any]:
    merged = dict(into)
    for key, value in more.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _merged(merged[key], value, collide)
        else:
            merged[key] = collide(merged[key], value)
    return merged


def _event_collision(one: Any, other: Any) -> list[Any]:
    """An event's path keeps every value that reaches it, as an array's elements do."""
    return [*filters.listed(one), *filters.listed(other)]


def _pattern_collision(one: Any, other: Any) -> Any:
    raise _Colliding()
