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
    # An address, "/" and a prefix length shorter than the address (recorded: content_ip_address_EXC,
    # content_ip_address_bad_ip_EXC, content_ip_address_bad_mask_EXC, content_ip_address_type_EXC,
    # content_ip_address_v6_bad_ip_EXC; the rest as EventBridge's matching library, event-ruler, checks a block).
    if not isinstance(argument, str) or not argument.partition("/")[2].isdigit():
        return False
    try:
        block = ipaddress.ip_network(argument, strict=False)
    except ValueError:
        return False
    mapped = isinstance(block, ipaddress.IPv6Network) and block.network_address.ipv4_mapped is not None
    return block.prefixlen < block.max_prefixlen and not mapped


def _anything_but_valid(argument: Any) -> bool:
    # Recorded: content_anything_wildcard_type_EXC, content_anything_wildcard_list_type_EXC.
    if isinstance(argument, dict) and list(argument) == ["wildcard"]:
        return all(_wildcard_valid(each) for each in filters.listed(argument["wildcard"]))
    return filters.anything_but_valid(argument)


# The operators an EventBridge rule's pattern takes: Lambda's, and its own.
_OPERATORS: dict[str, Callable[[Any], bool]] = {
    **filters.OPERATORS, "anything-but": _anything_but_valid, "wildcard": _wildcard_valid, "cidr": _cidr_valid}


class _Unheld(Exception):
    """A pattern the nested form cannot hold: a value and an object under one key ("a" and "a.b"), or a key with
    "$or" in its path."""


def takes(pattern: Any) -> bool:
    """Whether EventBridge takes ``pattern`` for a rule, and lambdamock can match it (checked as LocalStack's
    event_pattern_templates recorded it with TestEventPattern against AWS; "$or" with two alternatives at least,
    as event-ruler requires)."""
    try:
        filters.check(pattern, _OPERATORS)
        _nested(pattern, _unheld, pattern=True)
    except (filters.InvalidPattern, _Unheld):
        return False
    return True


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether ``pattern``, one EventBridge takes, matches ``event``."""
    return filters.matches(_nested(pattern, _unheld, pattern=True), [_nested(event, _all_values)])


def _nested(value: Any, collide: Callable[[Any, Any], Any], pattern: bool = False) -> Any:
    """Objects (in arrays too) with each dotted key made the nested keys it joins; where two keys reach one path,
    ``collide`` makes its value of the two."""
    if isinstance(value, list):
        return [_nested(item, collide, pattern) for item in value]
    if not isinstance(value, dict):
        return value
    nested: dict[str, Any] = {}
    for key, item in value.items():
        if key == "$or" and pattern:
            if len(item) < 2:
                raise _Unheld()
            nested[key] = _nested(item, collide, pattern)
            continue
        *path, last = key.split(".")
        if pattern and "$or" in (*path, last):
            raise _Unheld()
        node = nested
        for part in path:
            node = _child(node, part, collide)
        _put(node, last, _nested(item, collide, pattern), collide)
    return nested


def _child(node: dict[str, Any], key: str, collide: Callable[[Any, Any], Any]) -> dict[str, Any]:
    """The object under ``key``, made (or, past another value there, collided with) as needed."""
    found = node.get(key)
    if isinstance(found, dict):
        return found
    child: dict[str, Any] = {}
    _put(node, key, child, collide)
    return child


def _put(node: dict[str, Any], key: str, value: Any, collide: Callable[[Any, Any], Any]) -> None:
    """Put ``value`` under ``key``, merged into an object there (in place: every object here is _nested's own)."""
    if key not in node:
        node[key] = value
    elif isinstance(node[key], dict) and isinstance(value, dict):
        for inner, more in value.items():
            _put(node[key], inner, more, collide)
    else:
        node[key] = collide(node[key], value)


def _all_values(one: Any, other: Any) -> list[Any]:
    """An event's path keeps every value that reaches it, as an array's elements do."""
    return [*filters.listed(one), *filters.listed(other)]


def _unheld(one: Any, other: Any) -> Any:
    raise _Unheld()
